package com.contoso.lro.operations;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Prefer header (RFC 7240) as the operations honour it: wait=N for a long-poll (WaitTest shows
 * it over HTTP) and return=minimal for a 204 (UpdateOperationTest).
 */
class PreferencesTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "wait=5                      | 5",
    "WAIT=5                      | 5",
    "wait = 5                    | 5",
    "respond-async, wait=7       | 7",
    "wait=7; foo=bar             | 7",
    "wait=60                     | 60",
    "wait=61                     | 60",
    "wait=999999999              | 60",
    "wait=3, wait=9              | 3",
  })
  void wait_n_asks_for_n_seconds_and_at_most_60(String prefer, int seconds) {
    assertThat(Preferences.waitSeconds(prefer)).hasValue(seconds);
  }

  @ParameterizedTest
  @ValueSource(strings = {"wait=0", "wait=", "wait=-1", "wait=1.5", "wait=1234567890", "wait=ten", "respond-async",
    "return=minimal", ""})
  void anything_else_asks_for_no_wait(String prefer) {
    assertThat(Preferences.waitSeconds(prefer)).isEmpty();
  }

  @Test
  void no_header_asks_for_no_wait_and_a_full_answer() {
    assertThat(Preferences.waitSeconds(null)).isEqualTo(OptionalInt.empty());
    assertThat(Preferences.returnMinimal(null)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"return=minimal", "Return=Minimal", "wait=5, return=minimal", "return=minimal; x=y"})
  void return_minimal_is_read_among_other_preferences(String prefer) {
    assertThat(Preferences.returnMinimal(prefer)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"return=representation", "return=minimalist", "minimal", "wait=5"})
  void other_return_preferences_ask_for_the_full_answer(String prefer) {
    assertThat(Preferences.returnMinimal(prefer)).isFalse();
  }
}
