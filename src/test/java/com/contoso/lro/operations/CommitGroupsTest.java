package com.contoso.lro.operations;

import com.contoso.lro.db.DatabaseTimeout;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How writes are grouped: statements are played by promises this test completes, one per statement
 * sent, so that it decides when each comes back; all of it on one event loop, as in the service.
 * ConcurrentCreatesTest shows the same on PostgreSQL.
 */
@ExtendWith(VertxExtension.class)
class CommitGroupsTest {

  /** A statement sent: the rows it writes, and its completion. */
  private record Sent(List<String> rows, Promise<Void> done) {
  }

  private final List<Sent> sent = new ArrayList<>();
  private Context loop;
  private CommitGroups<String> groups;

  @BeforeEach
  void groupsOnALoop(Vertx vertx) {
    loop = vertx.getOrCreateContext();
    groups = groupsWaitingAtMost(Duration.ofMinutes(1));
  }

  private CommitGroups<String> groupsWaitingAtMost(Duration maxWait) {
    return new CommitGroups<>(loop, maxWait, 2, 3, row -> send(List.of(row)), this::send,
      failure -> failure instanceof PgException);
  }

  private Future<Void> send(List<String> rows) {
    Promise<Void> done = Promise.promise();
    sent.add(new Sent(List.copyOf(rows), done));
    return done.future();
  }

  /** Runs {@code steps} on the groups' event loop, and waits for them. */
  private void onLoop(Runnable steps) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.runOnContext(nothing -> {
      try {
        steps.run();
        done.complete(null);
      } catch (Throwable failure) {
        done.completeExceptionally(failure);
      }
    });
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof AssertionError assertion) {
        throw assertion;
      }
      throw failed;
    }
  }

  @Test
  void writes_go_at_once_and_alone_while_fewer_than_the_limit_are_in_flight() throws Exception {
    onLoop(() -> {
      groups.write("a");
      groups.write("b");

      assertThat(sent).extracting(Sent::rows).containsExactly(List.of("a"), List.of("b"));
    });
  }

  @Test
  void writes_past_the_limit_wait_and_leave_together_when_a_statement_comes_back() throws Exception {
    onLoop(() -> {
      writeAll("a", "b", "c", "d");
      assertThat(sent).hasSize(2);

      sent.get(0).done().complete();

      assertThat(sent).extracting(Sent::rows).containsExactly(List.of("a"), List.of("b"), List.of("c", "d"));
    });
  }

  @Test
  void a_group_holds_at_most_its_limit_and_the_rest_go_in_the_next() throws Exception {
    onLoop(() -> {
      writeAll("a", "b", "c", "d", "e", "f", "g");

      sent.get(0).done().complete();
      sent.get(1).done().complete();

      assertThat(sent).extracting(Sent::rows)
        .containsExactly(List.of("a"), List.of("b"), List.of("c", "d", "e"), List.of("f", "g"));
    });
  }

  @Test
  void each_write_completes_only_when_its_own_statement_does() throws Exception {
    onLoop(() -> {
      List<Future<Void>> written = writeAll("a", "b", "c", "d");

      sent.get(0).done().complete();
      assertThat(written.get(0).succeeded()).isTrue();
      assertThat(written.get(2).isComplete()).isFalse();

      sent.get(2).done().complete();
      assertThat(written.get(2).succeeded()).isTrue();
      assertThat(written.get(3).succeeded()).isTrue();
    });
  }

  @Test
  void a_group_refused_for_its_rows_is_written_again_row_by_row_so_only_the_bad_row_fails() throws Exception {
    onLoop(() -> {
      List<Future<Void>> written = writeAll("a", "b", "good", "bad");
      sent.get(0).done().complete();

      sent.get(2).done().fail(refused());

      assertThat(sent.subList(3, 5)).extracting(Sent::rows).containsExactly(List.of("good"), List.of("bad"));
      assertThat(written.get(2).isComplete()).isFalse();
      sent.get(3).done().complete();
      sent.get(4).done().fail(refused());
      assertThat(written.get(2).succeeded()).isTrue();
      assertThat(written.get(3).failed()).isTrue();
    });
  }

  @Test
  void rows_written_again_alone_keep_their_group_s_place_in_flight() throws Exception {
    onLoop(() -> {
      writeAll("a", "b", "c", "d");
      sent.get(0).done().complete();
      sent.get(2).done().fail(refused());
      groups.write("e");
      assertThat(sent).hasSize(5);

      sent.get(3).done().complete();
      sent.get(4).done().complete();

      assertThat(sent).hasSize(6);
      assertThat(sent.get(5).rows()).containsExactly("e");
    });
  }

  @Test
  void any_other_failure_of_a_group_is_every_rows_and_nothing_is_written_again() throws Exception {
    onLoop(() -> {
      List<Future<Void>> written = writeAll("a", "b", "c", "d");
      sent.get(0).done().complete();
      IllegalStateException closed = new IllegalStateException("connection closed");

      sent.get(2).done().fail(closed);

      assertThat(sent).hasSize(3);
      assertThat(written.get(2).cause()).isSameAs(closed);
      assertThat(written.get(3).cause()).isSameAs(closed);
    });
  }

  @Test
  void a_failed_statement_frees_its_place_for_the_writes_waiting() throws Exception {
    onLoop(() -> {
      writeAll("a", "b", "c");

      sent.get(0).done().fail(new IllegalStateException("connection closed"));

      assertThat(sent).extracting(Sent::rows).containsExactly(List.of("a"), List.of("b"), List.of("c"));
    });
  }

  @Test
  void a_write_that_waited_its_longest_leaves_unsent_as_a_database_timeout() throws Exception {
    CommitGroups<String> quick = groupsWaitingAtMost(Duration.ofMillis(50));
    List<Future<Void>> waited = new ArrayList<>();
    onLoop(() -> {
      quick.write("a");
      quick.write("b");
      waited.add(quick.write("late"));
    });
    Thread.sleep(100);

    onLoop(() -> {
      Future<Void> fresh = quick.write("fresh");
      sent.get(0).done().complete();

      assertThat(waited.get(0).cause()).isInstanceOf(DatabaseTimeout.Exceeded.class);
      assertThat(fresh.isComplete()).isFalse();
      assertThat(sent).extracting(Sent::rows).containsExactly(List.of("a"), List.of("b"), List.of("fresh"));
    });
  }

  @Test
  void writes_complete_on_their_event_loop_so_a_timeout_set_on_one_fires_there(VertxTestContext test) throws Exception {
    onLoop(() -> groups.write("never answered")
      .timeout(10, TimeUnit.MILLISECONDS)
      .onComplete(timedOut -> test.verify(() -> {
        assertThat(timedOut.cause()).isInstanceOf(TimeoutException.class);
        assertThat(Vertx.currentContext()).isSameAs(loop);
        test.completeNow();
      })));
  }

  /** Each row written, in this order; with the limits here, the first two go alone at once. */
  private List<Future<Void>> writeAll(String... rows) {
    return Stream.of(rows).map(groups::write).toList();
  }

  private static PgException refused() {
    return new PgException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "22021", null);
  }
}
