package com.contoso.lro.db;

import com.contoso.lro.TestDatabase;
import com.contoso.lro.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the PostgreSQL client really fails when the server ends a session, each failure sorted as
 * unavailable (503), never as a bug (500).
 */
@ExtendWith(VertxExtension.class)
class DatabaseErrorsTest {

  private static TestDatabase database;

  @BeforeAll
  static void create(Vertx vertx) {
    database = await(TestDatabase.create(vertx));
  }

  @AfterAll
  static void drop() {
    await(database.drop());
  }

  @Test
  void statements_queued_behind_a_running_one_on_a_session_the_server_ends_are_unavailable(Vertx vertx) {
    // A pipelining limit of 1 keeps the second statement in the client's queue, unsent, when the
    // session ends: the client fails it with its own message, not with the socket's error.
    Map<String, String> env = database.env();
    PgConnectOptions options = new PgConnectOptions().setHost(env.get("PGHOST")).setPort(Integer.parseInt(env.get("PGPORT")))
      .setUser(env.get("PGUSER")).setPassword(env.get("PGPASSWORD")).setDatabase(env.get("PGDATABASE"))
      .setPipeliningLimit(1);
    PgConnection connection = await(PgConnection.connect(vertx, options));
    Future<?> running = connection.query("SELECT pg_sleep(30)").execute();
    Future<?> queued = connection.query("SELECT 1").execute();

    await(database.pool().preparedQuery("SELECT pg_terminate_backend($1)").execute(Tuple.of(connection.processId())));

    Throwable runningFailure = awaitFailure(running);
    Throwable queuedFailure = awaitFailure(queued);
    assertThat(DatabaseErrors.isUnavailable(runningFailure)).as("the running statement: %s", runningFailure).isTrue();
    assertThat(DatabaseErrors.isUnavailable(queuedFailure)).as("the queued statement: %s", queuedFailure).isTrue();
    // Either may go again if it only reads; only the one never sent may go again if it writes.
    assertThat(DatabaseErrors.sessionEnded(runningFailure)).as("the running statement: %s", runningFailure).isTrue();
    assertThat(DatabaseErrors.sessionEnded(queuedFailure)).as("the queued statement: %s", queuedFailure).isTrue();
    assertThat(DatabaseErrors.neverSent(runningFailure)).as("the running statement: %s", runningFailure).isFalse();
    assertThat(DatabaseErrors.neverSent(queuedFailure)).as("the queued statement: %s", queuedFailure).isTrue();
  }

  @Test
  void a_server_that_refuses_connections_is_unavailable_but_no_session_ended(Vertx vertx) {
    PgConnectOptions nowhere = new PgConnectOptions().setHost("127.0.0.1").setPort(TestService.freePort())
      .setUser("postgres").setDatabase("postgres");
    Throwable refused = awaitFailure(PgConnection.connect(vertx, nowhere));

    assertThat(DatabaseErrors.isUnavailable(refused)).as("%s", refused).isTrue();
    assertThat(DatabaseErrors.sessionEnded(refused)).as("a second attempt at once meets the same: %s", refused).isFalse();
    assertThat(DatabaseErrors.neverSent(refused)).isFalse();
  }

  private static Throwable awaitFailure(Future<?> future) {
    Throwable failure = await(future.transform(outcome -> Future.succeededFuture(outcome.cause())));
    assertThat(failure).as("the failure").isNotNull();
    return failure;
  }

  @Test
  void a_group_of_rows_is_written_again_row_by_row_only_for_what_its_rows_caused() {
    Map<String, Boolean> rowLevel = Map.of(
      "22021", true,   // a NUL in a text: one row's value
      "23505", true,   // an id the user already has: one row's
      "23514", true,   // a check constraint
      "40P01", true,   // a deadlock with another group over the same ids
      "08006", false,  // the connection: every row's
      "57014", false,  // statement_timeout: alone, each row would wait as long
      "53300", false);
    rowLevel.forEach((state, expected) -> assertThat(DatabaseErrors.isRowLevel(new PgException("m", "ERROR", state, null)))
      .as(state).isEqualTo(expected));
    assertThat(DatabaseErrors.isRowLevel(new IllegalStateException("connection closed"))).isFalse();
  }
}
