package com.contoso.lro.throttle;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A per-caller cap shared by event loops (statements in flight, long-polls, large pages): places
 * taken all or none, never over the cap, each given back once, nothing left behind.
 */
class PerCallerLimitTest {

  @Test
  void a_caller_takes_at_most_its_places_and_others_keep_theirs() {
    PerCallerLimit limit = new PerCallerLimit(2);

    PerCallerLimit.Held first = limit.take("alice");
    PerCallerLimit.Held second = limit.take("alice");

    assertThat(first).isNotNull();
    assertThat(second).isNotNull();
    assertThat(limit.take("alice")).as("a third place").isNull();
    assertThat(limit.take("bob", 2)).as("another caller's places").isNotNull();
    second.release();
    assertThat(limit.take("alice", 2)).as("two at once, with one held").isNull();
    assertThat(limit.take("alice")).as("the place given back").isNotNull();
    assertThat(limit.held()).isEqualTo(4);
    assertThat(limit.heldBy("alice")).isEqualTo(2);
  }

  @Test
  void places_given_back_twice_are_given_back_once() {
    PerCallerLimit limit = new PerCallerLimit(2);
    PerCallerLimit.Held both = limit.take("alice", 2);

    both.release();
    both.release();

    assertThat(limit.heldBy("alice")).isZero();
    assertThat(limit.take("alice", 2)).isNotNull();
    assertThat(limit.take("alice")).as("a second release freed nothing more").isNull();
  }

  @Test
  void a_caller_that_holds_nothing_has_no_counter_left() {
    PerCallerLimit limit = new PerCallerLimit(2);
    limit.take("alice").release();
    PerCallerLimit.Held bobs = limit.take("bob");

    assertThat(limit.callers()).isEqualTo(1);
    bobs.release();
    assertThat(limit.callers()).isZero();
    assertThat(limit.held()).isZero();
  }

  @Test
  void a_cap_must_allow_one_place() {
    assertThatThrownBy(() -> new PerCallerLimit(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void threads_taking_and_giving_back_at_once_never_pass_the_cap_and_leave_nothing_behind() throws Exception {
    PerCallerLimit limit = new PerCallerLimit(3);
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int places = 1 + t % 2;
      Thread thread = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < 20_000; i++) {
            PerCallerLimit.Held held = limit.take("alice", places);
            if (held != null) {
              most.accumulateAndGet(holding.addAndGet(places), Math::max);
              holding.addAndGet(-places);
              held.release();
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(failures).isEmpty();
    assertThat(most.get()).as("the most places held at once").isBetween(1, 3);
    assertThat(limit.held()).isZero();
    assertThat(limit.heldBy("alice")).isZero();
    assertThat(limit.callers()).isZero();
  }
}
