package com.contoso.lro.operations;

import com.contoso.lro.db.ChangeListener;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A waiter says, when it ends, whether its operation may have changed since it was read, so that a
 * wait that ran out unwoken reads nothing again: with every change announced, one would have woken it.
 */
@ExtendWith(VertxExtension.class)
class ChangeWaitersTest {

  private static final Duration SHORT = Duration.ofMillis(50);
  private static final Duration LONG = Duration.ofSeconds(30);

  @Test
  void a_wait_that_runs_out_while_the_listener_listens_throughout_has_nothing_to_read_again(Vertx vertx) {
    AtomicLong stretch = new AtomicLong(1);
    assertThat(waitOn(vertx, stretch, SHORT, () -> { })).isFalse();
  }

  @Test
  void a_wait_that_runs_out_while_the_change_listener_is_away_reads_again(Vertx vertx) {
    AtomicLong stretch = new AtomicLong(1);
    assertThat(waitOn(vertx, stretch, SHORT, () -> stretch.set(-1))).isTrue();
  }

  /** The listener lost its session and listens on a new one, and the wait ran out before that was announced. */
  @Test
  void a_wait_that_runs_out_after_the_listener_listened_anew_reads_again(Vertx vertx) {
    AtomicLong stretch = new AtomicLong(1);
    assertThat(waitOn(vertx, stretch, SHORT, () -> stretch.set(2))).isTrue();
  }

  @Test
  void a_change_of_its_operation_wakes_it_to_read_again(Vertx vertx) {
    AtomicLong stretch = new AtomicLong(1);
    assertThat(waitOn(vertx, stretch, LONG, () -> vertx.eventBus().publish(ChangeListener.CHANGED, "owner/id"))).isTrue();
  }

  @Test
  void a_change_listener_that_listens_again_wakes_it_to_read_again(Vertx vertx) {
    AtomicLong stretch = new AtomicLong(1);
    assertThat(waitOn(vertx, stretch, LONG, () -> vertx.eventBus().publish(ChangeListener.LISTENING, null))).isTrue();
  }

  /**
   * Waits on operation "id" of "owner" for {@code most} at most, on one event loop as a verticle
   * does, with the listener's stretch of listening as {@code stretch} says, and runs {@code then}
   * once waiting; whether the operation is to be read again.
   */
  private static boolean waitOn(Vertx vertx, AtomicLong stretch, Duration most, Runnable then) {
    Promise<Boolean> ended = Promise.promise();
    AtomicBoolean freed = new AtomicBoolean();
    vertx.getOrCreateContext().runOnContext(start -> {
      ChangeWaiters waiters = new ChangeWaiters(vertx, stretch::get);
      ChangeWaiters.Waiter waiter = waiters.watch("owner", "id", () -> freed.set(true));
      waiter.changeWithin(most).onComplete(done -> {
        waiter.stop();
        ended.handle(done);
      });
      then.run();
    });
    boolean readAgain = await(ended.future());
    assertThat(freed).as("its place given back").isTrue();
    return readAgain;
  }
}
