package com.contoso.lro.operations;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How writes are grouped: statements are played by promises this test completes, one per statement
 * sent, so that it decides when each comes back. ConcurrentCreatesTest shows the same on PostgreSQL.
 */
class CommitGroupsTest {

  /** A statement sent: the rows it writes, and its completion. */
  private record Sent(List<String> rows, Promise<Void> done) {
  }

  private final List<Sent> sent = new ArrayList<>();
  private final CommitGroups<String> groups = new CommitGroups<>(2, 3,
    row -> send(List.of(row)), rows -> send(rows), failure -> failure instanceof PgException);

  private Future<Void> send(List<String> rows) {
    Promise<Void> done = Promise.promise();
    sent.add(new Sent(List.copyOf(rows), done));
    return done.future();
  }

  @Test
  void writes_go_at_once_and_alone_while_fewer_than_the_limit_are_in_flight() {
    groups.write("a");
    groups.write("b");

    assertThat(sent).extracting(Sent::rows).containsExactly(List.of("a"), List.of("b"));
  }

  @Test
  void writes_past_the_limit_wait_and_leave_together_when_a_statement_comes_back() {
    groups.write("a");
    groups.write("b");
    groups.write("c");
    groups.write("d");
    assertThat(sent).hasSize(2);

    sent.get(0).done().complete();

    assertThat(sent).extracting(Sent::rows).containsExactly(List.of("a"), List.of("b"), List.of("c", "d"));
  }

  @Test
  void a_group_holds_at_most_its_limit_and_the_rest_go_in_the_next() {
    groups.write("a");
    groups.write("b");
    List.of("c", "d", "e", "f", "g").forEach(groups::write);

    sent.get(0).done().complete();
    sent.get(1).done().complete();

    assertThat(sent).extracting(Sent::rows)
      .containsExactly(List.of("a"), List.of("b"), List.of("c", "d", "e"), List.of("f", "g"));
  }

  @Test
  void each_write_completes_only_when_its_own_statement_does() {
    Future<Void> a = groups.write("a");
    groups.write("b");
    Future<Void> c = groups.write("c");
    Future<Void> d = groups.write("d");

    sent.get(0).done().complete();
    assertThat(a.succeeded()).isTrue();
    assertThat(c.isComplete()).isFalse();

    sent.get(2).done().complete();
    assertThat(c.succeeded()).isTrue();
    assertThat(d.succeeded()).isTrue();
  }

  @Test
  void a_group_refused_for_a_rows_fault_is_written_again_row_by_row_so_only_that_row_fails() {
    groups.write("a");
    groups.write("b");
    Future<Void> good = groups.write("good");
    Future<Void> bad = groups.write("bad");
    sent.get(0).done().complete();

    sent.get(2).done().fail(new PgException("invalid byte sequence", "ERROR", "22021", null));

    assertThat(sent.subList(3, 5)).extracting(Sent::rows).containsExactly(List.of("good"), List.of("bad"));
    assertThat(good.isComplete()).isFalse();
    sent.get(3).done().complete();
    sent.get(4).done().fail(new PgException("invalid byte sequence", "ERROR", "22021", null));
    assertThat(good.succeeded()).isTrue();
    assertThat(bad.failed()).isTrue();
  }

  @Test
  void any_other_failure_of_a_group_is_every_rows_and_nothing_is_written_again() {
    groups.write("a");
    groups.write("b");
    Future<Void> c = groups.write("c");
    Future<Void> d = groups.write("d");
    sent.get(0).done().complete();
    IllegalStateException closed = new IllegalStateException("connection closed");

    sent.get(2).done().fail(closed);

    assertThat(sent).hasSize(3);
    assertThat(c.cause()).isSameAs(closed);
    assertThat(d.cause()).isSameAs(closed);
  }

  @Test
  void a_failed_statement_frees_its_place_for_the_writes_waiting() {
    groups.write("a");
    groups.write("b");
    groups.write("c");

    sent.get(0).done().fail(new IllegalStateException("connection closed"));

    assertThat(sent).extracting(Sent::rows).containsExactly(List.of("a"), List.of("b"), List.of("c"));
  }
}
