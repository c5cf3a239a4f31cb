package com.contoso.lro.throttle;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A per-caller cap shared by event loops: never over it, and every place given back. */
class PerCallerLimitTest {

  @Test
  void a_caller_takes_at_most_its_places_and_each_released_one_can_be_taken_again() {
    PerCallerLimit limit = new PerCallerLimit(2);

    assertThat(limit.tryAcquire("alice")).isTrue();
    assertThat(limit.tryAcquire("alice")).isTrue();
    assertThat(limit.tryAcquire("alice")).isFalse();
    assertThat(limit.tryAcquire("bob")).as("another caller").isTrue();
    limit.release("alice");
    assertThat(limit.tryAcquire("alice")).isTrue();

    assertThat(limit.held()).isEqualTo(3);
    assertThat(limit.heldBy("alice")).isEqualTo(2);
  }

  @Test
  void threads_taking_and_giving_back_at_once_never_pass_the_cap_and_leave_nothing_behind() throws Exception {
    PerCallerLimit limit = new PerCallerLimit(3);
    AtomicInteger most = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 20_000; i++) {
          if (limit.tryAcquire("alice")) {
            most.accumulateAndGet(limit.heldBy("alice"), Math::max);
            limit.release("alice");
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(most.get()).isBetween(1, 3);
    assertThat(limit.held()).isZero();
    assertThat(limit.heldBy("alice")).isZero();
  }
}
