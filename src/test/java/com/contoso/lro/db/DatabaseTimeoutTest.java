package com.contoso.lro.db;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call's answer comes back on the event loop that asked for it, whatever thread ends its work:
 * strict thread mode drops a response written on any other (DatabaseTimePerUserTest's 503s were
 * written on Netty's global executor, where a timeout on a future of no context fires).
 */
@ExtendWith(VertxExtension.class)
class DatabaseTimeoutTest {

  private final DatabaseTimeout bound = new DatabaseTimeout(Duration.ofMillis(50));

  @Test
  void work_of_no_context_that_outlives_the_limit_fails_on_the_callers_event_loop(Vertx vertx) throws Exception {
    Promise<String> never = Promise.promise();
    Answer answer = onLoop(vertx.getOrCreateContext(), () -> bound.bound(never.future()));

    assertThat(answer.failure()).isInstanceOf(DatabaseTimeout.Exceeded.class);
    assertThat(answer.thread()).isEqualTo(answer.caller());
  }

  @Test
  void work_ended_on_another_thread_answers_on_the_callers_event_loop(Vertx vertx) throws Exception {
    Promise<String> elsewhere = Promise.promise();
    DatabaseTimeout patient = new DatabaseTimeout(Duration.ofSeconds(10));
    Answer answer = onLoop(vertx.getOrCreateContext(), () -> {
      new Thread(() -> elsewhere.complete("done"), "not-an-event-loop").start();
      return patient.bound(elsewhere.future());
    });

    assertThat(answer.failure()).isNull();
    assertThat(answer.thread()).isEqualTo(answer.caller());
  }

  /** Where a bound call was made and where its answer came. */
  private record Answer(Thread caller, Thread thread, Throwable failure) {
  }

  private static Answer onLoop(Context loop, java.util.function.Supplier<Future<String>> call) throws Exception {
    CompletableFuture<Answer> answered = new CompletableFuture<>();
    loop.runOnContext(start -> {
      Thread caller = Thread.currentThread();
      call.get().onComplete(result -> answered.complete(new Answer(caller, Thread.currentThread(), result.cause())));
    });
    return answered.get(10, TimeUnit.SECONDS);
  }
}
