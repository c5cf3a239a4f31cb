package com.contoso.lro.operations.query;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How deep $skip may reach, by the order it skips in. */
class PageDepthTest {

  @Test
  void skip_reaches_10000_items_on_any_order() {
    assertThatCode(() -> PageDepth.check(List.of(), 10_000, 999)).doesNotThrowAnyException();
    assertThatCode(() -> PageDepth.check(List.of("status", "createdDateTime desc"), 10_000, 999)).doesNotThrowAnyException();
    assertThatThrownBy(() -> PageDepth.check(List.of(), 10_001, 1))
      .isInstanceOfSatisfying(QueryOptionException.class, e -> org.assertj.core.api.Assertions.assertThat(e.option()).isEqualTo("$skip"))
      .hasMessageContaining("at most 10000 items may be skipped");
  }

  @Test
  void under_an_order_by_long_text_skip_and_top_reach_1000_items_together() {
    assertThatCode(() -> PageDepth.check(List.of("statusDetail"), 0, 999)).doesNotThrowAnyException();
    assertThatCode(() -> PageDepth.check(List.of("status", "resourceLocation desc"), 900, 100)).doesNotThrowAnyException();
    assertThatThrownBy(() -> PageDepth.check(List.of("statusDetail desc"), 2, 999))
      .isInstanceOf(QueryOptionException.class)
      .hasMessageContaining("$skip plus $top may be at most 1000");
    assertThatThrownBy(() -> PageDepth.check(List.of("id", "resourceLocation"), 1_000, 1))
      .isInstanceOf(QueryOptionException.class);
  }
}
