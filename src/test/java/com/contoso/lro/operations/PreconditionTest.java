package com.contoso.lro.operations;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * If-Match and If-None-Match as RFC 9110 13.1 reads them: "*" or a list of entity tags, the
 * operation's ETag being its version in quotes. EntityTagsTest shows the same rules over HTTP.
 */
class PreconditionTest {

  @Test
  void the_etag_of_a_version_is_the_version_in_quotes() {
    assertThat(Precondition.etag(3)).isEqualTo("\"3\"");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "   "})
  void an_absent_or_blank_header_is_no_precondition(String header) {
    assertThat(Precondition.parse(header, false)).isEmpty();
    assertThat(Precondition.parse(header, true)).isEmpty();
  }

  @Test
  void a_star_matches_every_version_and_leaves_sql_unbound() {
    Precondition any = Precondition.parse(" * ", false).orElseThrow();

    assertThat(any.matches(1)).isTrue();
    assertThat(any.matches(987_654_321)).isTrue();
    assertThat(any.versionsOrNull()).isNull();
  }

  @Test
  void a_list_matches_the_versions_it_names_and_only_those() {
    Precondition listed = Precondition.parse("\"2\", \"5\"", false).orElseThrow();

    assertThat(listed.matches(2)).isTrue();
    assertThat(listed.matches(5)).isTrue();
    assertThat(listed.matches(3)).isFalse();
    assertThat(listed.versionsOrNull()).containsExactly(2L, 5L);
  }

  @Test
  void a_weak_tag_matches_for_if_none_match_but_not_for_if_match() {
    assertThat(Precondition.parse("W/\"4\"", true).orElseThrow().matches(4)).as("If-None-Match").isTrue();
    assertThat(Precondition.parse("W/\"4\"", false).orElseThrow().matches(4)).as("If-Match").isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"4", "\"four\"", "'4'", "\"-4\"", "\"4", "\"1234567890123456789\""})
  void a_tag_the_service_never_makes_matches_no_version(String tag) {
    Optional<Precondition> parsed = Precondition.parse(tag, true);

    assertThat(parsed).as("a header that names no version of ours is still a precondition").isPresent();
    assertThat(parsed.orElseThrow().matches(4)).isFalse();
    assertThat(parsed.orElseThrow().versionsOrNull()).isEmpty();
  }

  @Test
  void tags_that_cannot_be_ours_are_skipped_and_the_rest_still_count() {
    Precondition mixed = Precondition.parse("\"x\", W/\"7\", \"8\"", false).orElseThrow();

    assertThat(mixed.versionsOrNull()).containsExactly(8L);
  }
}
