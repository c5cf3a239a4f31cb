package com.contoso.lro.contract;

import com.contoso.lro.graph.ApiException;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bounds a client's JSON body is read within, before any schema check. */
class RequestJsonTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"{\"status\": ", "{} {}", "{\"status\": \"running\"} trailing", "nope", "{'a': 1}"})
  void a_body_that_is_not_one_json_value_is_a_400(String body) {
    assertThatThrownBy(() -> RequestJson.read(Buffer.buffer(body)))
      .isInstanceOfSatisfying(ApiException.class, refused -> assertThat(refused.status()).isEqualTo(400))
      .hasMessage("The request body is not valid JSON.");
  }

  @Test
  void no_body_is_no_tree() {
    assertThat(RequestJson.read(Buffer.buffer())).isNull();
    assertThat(RequestJson.read(null)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"0", "-0.0", "3", "1e400", "-1E-400", "9.999e400", "0.0001e-396", "12345678901234567890123456789012",
    "1.7976931348623157E308", "4.9E-324"})
  void numbers_within_the_bounds_are_read(String number) {
    assertThat(RequestJson.read(Buffer.buffer("{\"a\": " + number + "}")).get("a").isNumber()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1e401", "1e-401", "0.00001e-397", "10e400", "1e20000000", "1e999999999", "1e2147483648",
    "1e-2147483649", "123456789012345678901234567890123"})
  void numbers_beyond_the_bounds_are_a_400(String number) {
    assertThatThrownBy(() -> RequestJson.read(Buffer.buffer("{\"a\": " + number + "}")))
      .isInstanceOf(ApiException.class)
      .hasMessageContaining("a number out of range");
  }

  @Test
  void text_is_well_formed_when_every_surrogate_is_half_of_a_pair() {
    assertThat(RequestJson.wellFormed("a\uD83D\uDE00b")).isTrue();
    assertThat(RequestJson.wellFormed("")).isTrue();
    assertThat(RequestJson.wellFormed("a\uD800b")).isFalse();
    assertThat(RequestJson.wellFormed("\uDE00\uD83D")).isFalse();
    assertThat(RequestJson.wellFormed("\uD83D")).isFalse();
    assertThat(RequestJson.wellFormed("\uD83D\uD83D\uDE00")).isFalse();
  }
}
