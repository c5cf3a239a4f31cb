package com.contoso.lro.throttle;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each caller's share of list and count statements in flight: taken all or none, given back once. */
class StatementSharesTest {

  @Test
  void a_caller_may_hold_its_share_and_no_more_and_others_keep_theirs() {
    StatementShares shares = new StatementShares(2);

    StatementShares.Share page = shares.take("alice", 1);
    StatementShares.Share count = shares.take("alice", 1);

    assertThat(page).isNotNull();
    assertThat(count).isNotNull();
    assertThat(shares.take("alice", 1)).as("a third statement").isNull();
    assertThat(shares.take("bob", 2)).as("another caller's share").isNotNull();
    count.giveBack();
    assertThat(shares.take("alice", 2)).as("two at once, with one in flight").isNull();
    assertThat(shares.take("alice", 1)).isNotNull();
  }

  @Test
  void a_share_given_back_twice_is_given_back_once() {
    StatementShares shares = new StatementShares(2);
    StatementShares.Share both = shares.take("alice", 2);

    both.giveBack();
    both.giveBack();

    assertThat(shares.inFlight("alice")).isZero();
    assertThat(shares.take("alice", 2)).isNotNull();
    assertThat(shares.take("alice", 1)).as("a second give-back freed nothing more").isNull();
  }

  @Test
  void the_sweep_drops_only_the_callers_with_nothing_in_flight() {
    StatementShares shares = new StatementShares(2);
    shares.take("alice", 1).giveBack();
    StatementShares.Share bobs = shares.take("bob", 1);

    assertThat(shares.sweep()).isEqualTo(1);
    assertThat(shares.size()).isEqualTo(1);
    assertThat(shares.take("alice", 2)).as("a dropped caller starts afresh").isNotNull();
    assertThat(shares.take("bob", 2)).as("a kept caller keeps its count").isNull();
    bobs.giveBack();
  }

  @Test
  void a_share_must_allow_a_statement() {
    assertThatThrownBy(() -> new StatementShares(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void threads_taking_giving_back_and_sweeping_at_once_never_exceed_the_share() throws InterruptedException {
    StatementShares shares = new StatementShares(3);
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < 20_000; i++) {
            StatementShares.Share share = shares.take("alice", 1);
            if (share != null) {
              most.accumulateAndGet(holding.incrementAndGet(), Math::max);
              holding.decrementAndGet();
              share.giveBack();
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    Thread sweeper = new Thread(() -> {
      try {
        start.await();
        for (int i = 0; i < 20_000; i++) {
          shares.sweep();
        }
      } catch (Throwable e) {
        failures.add(e);
      }
    });
    threads.add(sweeper);
    threads.forEach(Thread::start);
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(failures).isEmpty();
    assertThat(most.get()).as("the most statements held at once").isLessThanOrEqualTo(3);
    assertThat(shares.inFlight("alice")).isZero();
  }
}
