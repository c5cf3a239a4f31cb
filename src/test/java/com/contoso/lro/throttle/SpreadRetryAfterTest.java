package com.contoso.lro.throttle;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpreadRetryAfterTest {

  @Test
  void refusals_made_together_come_back_spread_over_the_whole_range_and_never_outside_it() {
    SpreadRetryAfter spread = new SpreadRetryAfter(5, 15, new Random(7));
    int[] counts = new int[16];
    IntStream.range(0, 11_000).forEach(i -> counts[spread.next()]++);

    Set<Integer> drawn = new TreeSet<>();
    for (int seconds = 0; seconds < counts.length; seconds++) {
      if (counts[seconds] > 0) {
        drawn.add(seconds);
      }
    }
    assertThat(drawn).containsExactlyElementsOf(IntStream.rangeClosed(5, 15).boxed().toList());
    // Each second about as likely as the others: a herd of 11,000 comes back about 1,000 a second.
    assertThat(IntStream.rangeClosed(5, 15).map(seconds -> counts[seconds])).allSatisfy(count ->
      assertThat(count).isBetween(850, 1150));
  }

  @Test
  void the_calling_threads_own_generator_draws_within_the_range_too() {
    SpreadRetryAfter spread = new SpreadRetryAfter(5, 6);
    assertThat(IntStream.range(0, 100).map(i -> spread.next()).boxed().toList()).containsOnly(5, 6).contains(5, 6);
  }

  @Test
  void a_range_must_be_whole_seconds_from_one() {
    assertThatThrownBy(() -> new SpreadRetryAfter(0, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SpreadRetryAfter(6, 5)).isInstanceOf(IllegalArgumentException.class);
  }
}
