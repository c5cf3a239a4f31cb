package com.contoso.lro.operations.query;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * $skiptoken: the last row's sort values, signed and bound to the request's owner, filter and order.
 * ListOperationsTest and PageLinksTest show the same over HTTP; PageTokensFuzzTest feeds read any token.
 */
class PageTokensTest {

  private static final PageTokens TOKENS = new PageTokens("a-secret-of-32-bytes-for-tests!!".getBytes(StandardCharsets.UTF_8));
  private static final List<SortTerm> DEFAULT_ORDER = OrderBy.parse(List.of());
  private static final String SCOPE = "owner-1|" + OrderBy.describe(DEFAULT_ORDER);
  private static final OffsetDateTime CREATED = OffsetDateTime.parse("2026-01-02T03:04:05.678Z");

  @Test
  void a_token_reads_back_as_the_values_it_was_made_from_of_their_types() {
    String token = TOKENS.create(SCOPE, DEFAULT_ORDER, List.of(CREATED, "op-1"));

    assertThat(TOKENS.read(token, SCOPE, DEFAULT_ORDER)).containsExactly(CREATED, "op-1");
  }

  @Test
  void a_token_of_another_owner_filter_or_order_is_refused_as_belonging_to_another_query() {
    String token = TOKENS.create(SCOPE, DEFAULT_ORDER, List.of(CREATED, "op-1"));

    assertThatThrownBy(() -> TOKENS.read(token, "owner-2|" + OrderBy.describe(DEFAULT_ORDER), DEFAULT_ORDER))
      .isInstanceOf(QueryOptionException.class)
      .hasMessage("The $skiptoken belongs to another query: follow @odata.nextLink as it is.");
  }

  @Test
  void a_token_signed_with_another_secret_or_changed_is_refused_as_not_valid() {
    String token = TOKENS.create(SCOPE, DEFAULT_ORDER, List.of(CREATED, "op-1"));
    PageTokens otherInstanceSecret = new PageTokens("another-secret-of-32-bytes-here!".getBytes(StandardCharsets.UTF_8));
    String changed = token.substring(0, 10) + (token.charAt(10) == 'A' ? 'B' : 'A') + token.substring(11);

    for (String refused : List.of(changed, token + "x", "no-dot-at-all", "%%%.%%%")) {
      assertThatThrownBy(() -> TOKENS.read(refused, SCOPE, DEFAULT_ORDER)).as(refused)
        .isInstanceOf(QueryOptionException.class)
        .hasMessage("The $skiptoken is not valid: follow @odata.nextLink as it is.")
        .extracting(failure -> ((QueryOptionException) failure).option()).isEqualTo("$skiptoken");
    }
    assertThatThrownBy(() -> otherInstanceSecret.read(token, SCOPE, DEFAULT_ORDER))
      .hasMessage("The $skiptoken is not valid: follow @odata.nextLink as it is.");
  }

  @Test
  void a_long_text_value_is_carried_as_its_first_characters_and_a_digest_of_the_whole() {
    List<SortTerm> byDetail = OrderBy.parse(List.of("statusDetail"));
    String scope = "owner-1|" + OrderBy.describe(byDetail);
    String detail = "~" + "é".repeat(20) + " and then much more";

    List<Object> read = TOKENS.read(TOKENS.create(scope, byDetail, List.of(detail, "op-1")), scope, byDetail);

    assertThat(read.get(1)).isEqualTo("op-1");
    PageTokens.Truncated truncated = (PageTokens.Truncated) read.get(0);
    assertThat(truncated.prefix()).as("whole characters, at most %d bytes", PageTokens.INLINE_BYTES)
      .isEqualTo("~" + "é".repeat(11));
    assertThat(truncated.isOf(detail)).isTrue();
    assertThat(truncated.isOf(detail + ".")).as("another value with the same first characters").isFalse();
    assertThat(truncated.isOf(null)).isFalse();
  }

  @Test
  void a_short_text_value_is_carried_whole() {
    List<SortTerm> byDetail = OrderBy.parse(List.of("statusDetail"));
    String scope = "owner-1|" + OrderBy.describe(byDetail);

    assertThat(TOKENS.read(TOKENS.create(scope, byDetail, List.of("~short", "op-1")), scope, byDetail))
      .containsExactly("~short", "op-1");
  }

  @Test
  void json_bytes_count_escapes_and_utf_8_as_jackson_writes_them() {
    assertThat(PageTokens.jsonBytes("a\"\\\u0001é€😀", 8)).isEqualTo(1 + 2 + 2 + 6 + 2 + 3 + 4);
  }
}
