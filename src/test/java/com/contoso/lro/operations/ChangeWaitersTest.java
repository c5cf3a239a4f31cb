package com.contoso.lro.operations;

import com.contoso.lro.db.ChangeListener;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

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
  void a_wait_that_runs_out_while_every_change_is_announced_has_nothing_to_read_again(Vertx vertx) {
    assertThat(waitOn(vertx, true, SHORT, () -> { })).isFalse();
  }

  @Test
  void a_wait_that_runs_out_while_the_change_listener_is_away_reads_again(Vertx vertx) {
    assertThat(waitOn(vertx, false, SHORT, () -> { })).isTrue();
  }

  @Test
  void a_change_of_its_operation_wakes_it_to_read_again(Vertx vertx) {
    assertThat(waitOn(vertx, true, LONG, () -> vertx.eventBus().publish(ChangeListener.CHANGED, "owner/id"))).isTrue();
  }

  @Test
  void a_change_listener_that_listens_again_wakes_it_to_read_again(Vertx vertx) {
    assertThat(waitOn(vertx, true, LONG, () -> vertx.eventBus().publish(ChangeListener.LISTENING, null))).isTrue();
  }

  /**
   * Waits on operation "id" of "owner" for {@code most} at most, on one event loop as a verticle
   * does, and runs {@code then} once waiting; whether the operation is to be read again.
   */
  private static boolean waitOn(Vertx vertx, boolean listening, Duration most, Runnable then) {
    Promise<Boolean> ended = Promise.promise();
    AtomicBoolean freed = new AtomicBoolean();
    vertx.getOrCreateContext().runOnContext(start -> {
      ChangeWaiters waiters = new ChangeWaiters(vertx, () -> listening);
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
