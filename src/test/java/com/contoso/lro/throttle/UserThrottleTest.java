package com.contoso.lro.throttle;

import com.contoso.lro.config.AppConfig.ThrottleConfig;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The token bucket's arithmetic, on a clock the test moves by hand. */
class UserThrottleTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long MILLI = 1_000_000L;

  private final AtomicLong clock = new AtomicLong(123 * SECOND);

  private UserThrottle throttle(double ratePerSecond, int burst) {
    return new UserThrottle(new ThrottleConfig(ratePerSecond, burst), clock::get);
  }

  @Test
  void a_new_caller_gets_its_whole_burst_at_once_and_then_waits() {
    UserThrottle throttle = throttle(2, 3);

    assertThat(throttle.secondsToWait("alice")).isZero();
    assertThat(throttle.secondsToWait("alice")).isZero();
    assertThat(throttle.secondsToWait("alice")).isZero();
    // The next token comes in half a second: Retry-After is whole seconds, rounded up.
    assertThat(throttle.secondsToWait("alice")).isEqualTo(1);
  }

  @Test
  void tokens_come_back_at_the_rate() {
    UserThrottle throttle = throttle(2, 3);
    for (int i = 0; i < 3; i++) {
      throttle.secondsToWait("alice");
    }

    clock.addAndGet(499 * MILLI);
    assertThat(throttle.secondsToWait("alice")).as("before half a second").isEqualTo(1);
    clock.addAndGet(MILLI);
    assertThat(throttle.secondsToWait("alice")).as("at half a second, one token").isZero();
    assertThat(throttle.secondsToWait("alice")).as("and only one").isEqualTo(1);
    clock.addAndGet(10 * SECOND);
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.secondsToWait("alice")).as("refilled, but never beyond the burst").isZero();
    }
    assertThat(throttle.secondsToWait("alice")).isEqualTo(1);
  }

  @Test
  void a_refused_request_takes_no_token() {
    UserThrottle throttle = throttle(1, 1);
    throttle.secondsToWait("alice");
    for (int i = 0; i < 50; i++) {
      assertThat(throttle.secondsToWait("alice")).isEqualTo(1);
    }

    clock.addAndGet(SECOND);

    assertThat(throttle.secondsToWait("alice")).isZero();
  }

  @Test
  void retry_after_is_the_time_to_the_next_token_in_whole_seconds_rounded_up() {
    UserThrottle oneEveryFiveSeconds = throttle(0.2, 1);
    oneEveryFiveSeconds.secondsToWait("alice");

    assertThat(oneEveryFiveSeconds.secondsToWait("alice")).isEqualTo(5);
    clock.addAndGet(SECOND);
    assertThat(oneEveryFiveSeconds.secondsToWait("alice")).isEqualTo(4);
    clock.addAndGet(3 * SECOND + 1);
    assertThat(oneEveryFiveSeconds.secondsToWait("alice")).as("1 ns short of a second is a second").isEqualTo(1);
    clock.addAndGet(SECOND - 1);
    assertThat(oneEveryFiveSeconds.secondsToWait("alice")).isZero();
  }

  @Test
  void each_caller_has_a_bucket_of_its_own() {
    UserThrottle throttle = throttle(1, 2);
    throttle.secondsToWait("alice");
    throttle.secondsToWait("alice");

    assertThat(throttle.secondsToWait("alice")).isEqualTo(1);
    assertThat(throttle.secondsToWait("bob")).isZero();
    assertThat(throttle.secondsToWait("bob")).isZero();
  }

  @Test
  void a_rate_of_zero_lets_everything_through_and_keeps_no_bucket() {
    UserThrottle throttle = throttle(0, 1);

    for (int i = 0; i < 1000; i++) {
      assertThat(throttle.secondsToWait("alice")).isZero();
    }
    assertThat(throttle.size()).isZero();
  }

  @Test
  void the_sweep_drops_the_buckets_that_are_full_again_and_only_those() {
    UserThrottle throttle = throttle(10, 10);
    throttle.secondsToWait("idle");
    for (int i = 0; i < 10; i++) {
      throttle.secondsToWait("busy");
    }
    clock.addAndGet(50 * MILLI);

    assertThat(throttle.sweep()).isZero();
    clock.addAndGet(850 * MILLI);
    assertThat(throttle.sweep()).as("idle is full after 100 ms, busy after 1 s").isEqualTo(1);
    assertThat(throttle.size()).isEqualTo(1);
    assertThat(throttle.secondsToWait("busy")).as("busy has refilled 9 of 10 and keeps its count").isZero();
    clock.addAndGet(SECOND);
    assertThat(throttle.sweep()).isEqualTo(1);
    assertThat(throttle.size()).isZero();
  }

  @Test
  void a_dropped_bucket_answers_as_the_full_one_did() {
    UserThrottle throttle = throttle(1, 3);
    throttle.secondsToWait("alice");
    clock.addAndGet(SECOND);
    throttle.sweep();

    for (int i = 0; i < 3; i++) {
      assertThat(throttle.secondsToWait("alice")).isZero();
    }
    assertThat(throttle.secondsToWait("alice")).isEqualTo(1);
  }

  @Test
  void callers_on_many_threads_together_get_exactly_the_burst() throws InterruptedException {
    UserThrottle throttle = throttle(1, 1000);
    AtomicInteger served = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < 4; t++) {
      threads.execute(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        for (int i = 0; i < 1000; i++) {
          if (throttle.secondsToWait("alice") == 0) {
            served.incrementAndGet();
          }
          if (i % 100 == 0) {
            throttle.sweep();
          }
        }
      });
    }
    start.countDown();
    threads.shutdown();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    assertThat(served).hasValue(1000);
  }
}
