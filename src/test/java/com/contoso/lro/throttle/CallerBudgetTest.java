package com.contoso.lro.throttle;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A budget of bytes, as PAGE_BYTES_PER_CALLER's (DatabaseTimeBudgetTest covers one of time): a
 * million a second in bursts of ten million, on a clock the test moves by hand.
 */
class CallerBudgetTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong clock = new AtomicLong(5 * SECOND);
  private final CallerBudget bytes = new CallerBudget(1_000_000, 10_000_000, clock::get);

  @Test
  void a_caller_at_rest_is_sent_its_burst_and_one_more_piece_of_any_size_then_waits_what_it_owes() {
    bytes.charge("alice", 6_000_000);
    assertThat(bytes.secondsToWait("alice")).isZero();
    bytes.charge("alice", 6_500_000);

    assertThat(bytes.secondsToWait("alice")).as("2.5 MB past the burst, at 1 MB a second").isEqualTo(3);
    clock.addAndGet(2 * SECOND);
    assertThat(bytes.secondsToWait("alice")).isEqualTo(1);
    clock.addAndGet(SECOND / 2);
    assertThat(bytes.secondsToWait("alice")).isZero();
    assertThat(bytes.secondsToWait("bob")).isZero();
  }

  @Test
  void a_rate_of_zero_bounds_nothing_and_keeps_no_bucket() {
    CallerBudget off = new CallerBudget(0, 0, clock::get);
    off.charge("alice", 1e12);
    assertThat(off.secondsToWait("alice")).isZero();
    assertThat(off.size()).isZero();
  }

  @Test
  void a_negative_rate_or_an_empty_burst_is_refused() {
    assertThatThrownBy(() -> new CallerBudget(-1, 10, clock::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CallerBudget(Double.NaN, 10, clock::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CallerBudget(1, 0, clock::get)).isInstanceOf(IllegalArgumentException.class);
  }
}
