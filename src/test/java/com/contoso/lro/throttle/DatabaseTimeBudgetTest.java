package com.contoso.lro.throttle;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each caller's database time for lists and counts, on a clock the test moves by hand. */
class DatabaseTimeBudgetTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long MILLI = 1_000_000L;

  private final AtomicLong clock = new AtomicLong(77 * SECOND);

  /** A quarter of a second per second, in bursts of up to 5 s: the defaults. */
  private final DatabaseTimeBudget budget = new DatabaseTimeBudget(0.25, Duration.ofSeconds(5), clock::get);

  /** Runs a statement of {@code millis} for the caller, as the handler does: check, start, end, charge. */
  private void statement(String caller, long millis) {
    long startedAt = budget.now();
    clock.addAndGet(millis * MILLI);
    budget.charge(caller, startedAt);
  }

  @Test
  void a_caller_at_rest_may_run_its_longest_statement() {
    assertThat(budget.secondsToWait("alice")).isZero();
    statement("alice", 4_900);
    assertThat(budget.secondsToWait("alice")).as("0.1 s of the 5 s burst is left").isZero();
  }

  @Test
  void a_caller_past_its_burst_waits_until_it_has_refilled_what_it_owes() {
    statement("alice", 3_000);
    statement("alice", 3_000);

    // 6 s spent of a 5 s burst, and 0.75 s refilled during the second: 0.25 s owed, refilled at
    // 0.25 s a second, so 1 s to wait.
    assertThat(budget.secondsToWait("alice")).isEqualTo(1);
    statement("alice", 1_000);
    // A statement already running when the bucket ran dry is charged all the same: 0.25 s owed, and
    // 1 s spent while 0.25 s refilled, so 1 s owed, 4 s to wait.
    assertThat(budget.secondsToWait("alice")).isEqualTo(4);
    clock.addAndGet(3_999 * MILLI);
    assertThat(budget.secondsToWait("alice")).as("a moment before").isEqualTo(1);
    clock.addAndGet(MILLI);
    assertThat(budget.secondsToWait("alice")).as("once what it owed has refilled").isZero();
  }

  @Test
  void on_average_a_caller_gets_its_share_and_no_more() {
    int served = 0;
    // A caller that runs a 1 s statement whenever it may, for 100 s.
    long end = clock.get() + 100 * SECOND;
    while (clock.get() < end) {
      if (budget.secondsToWait("alice") == 0) {
        statement("alice", 1_000);
        served++;
      } else {
        clock.addAndGet(100 * MILLI);
      }
    }
    // 5 s of burst plus 0.25 s a second over 100 s: 30 statements of 1 s, give or take one.
    assertThat(served).isBetween(29, 31);
  }

  @Test
  void one_callers_spending_costs_no_other_caller_anything() {
    statement("mallory", 5_000);
    statement("mallory", 5_000);

    assertThat(budget.secondsToWait("mallory")).isPositive();
    assertThat(budget.secondsToWait("alice")).isZero();
  }

  @Test
  void cheap_statements_never_run_out() {
    // 100 lists a second of 2 ms each use 0.2 s a second, within the share.
    for (int i = 0; i < 10_000; i++) {
      assertThat(budget.secondsToWait("alice")).isZero();
      statement("alice", 2);
      clock.addAndGet(8 * MILLI);
    }
  }

  @Test
  void the_sweep_drops_callers_that_have_refilled_and_keeps_those_that_owe() {
    statement("alice", 10);
    statement("mallory", 5_000);
    statement("mallory", 5_000);
    clock.addAndGet(SECOND);

    assertThat(budget.sweep()).isEqualTo(1);
    assertThat(budget.size()).isEqualTo(1);
    assertThat(budget.secondsToWait("mallory")).as("still owed after the sweep").isPositive();
    assertThat(budget.secondsToWait("alice")).isZero();
    statement("alice", 10);
    assertThat(budget.size()).isEqualTo(2);
  }

  @Test
  void a_share_of_zero_turns_the_budget_off() {
    DatabaseTimeBudget off = new DatabaseTimeBudget(0, Duration.ofSeconds(5), clock::get);
    for (int i = 0; i < 10; i++) {
      long startedAt = off.now();
      clock.addAndGet(5 * SECOND);
      off.charge("alice", startedAt);
    }
    assertThat(off.secondsToWait("alice")).isZero();
    assertThat(off.size()).isZero();
  }

  @Test
  void a_negative_share_or_an_empty_burst_is_refused() {
    assertThatThrownBy(() -> new DatabaseTimeBudget(-0.1, Duration.ofSeconds(5), clock::get))
      .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DatabaseTimeBudget(Double.NaN, Duration.ofSeconds(5), clock::get))
      .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DatabaseTimeBudget(0.25, Duration.ZERO, clock::get))
      .isInstanceOf(IllegalArgumentException.class);
  }
}
