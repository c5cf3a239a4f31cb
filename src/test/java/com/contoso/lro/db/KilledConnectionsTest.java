package com.contoso.lro.db;

import com.contoso.lro.TestDatabase;
import com.contoso.lro.TestService;
import com.contoso.lro.TestTokens;
import com.contoso.lro.config.AppConfig.DatabaseConfig;
import com.contoso.lro.metrics.MeteredVertx;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static com.contoso.lro.TestService.OPERATIONS;
import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's database sessions are ended by the server (pg_terminate_backend), before, while and
 * after its statements are on them. A statement that meets a connection the server had closed goes
 * again, once, on a fresh one: a read whenever its session ended under it, a write only when it was
 * certainly never sent; a write that may have reached the server answers 503 with Retry-After, in
 * time. Every create answered 201 is stored, and the change listener's session heals too.
 *
 * <p>The pipelined pool holds one connection (DB_POOL_SIZE=1, one HTTP verticle), so a test knows
 * which connection each statement is on; a table lock held by the test keeps statements where the
 * test wants them while it ends their session, so no test races the kill.
 */
class KilledConnectionsTest {

  private static final Duration DB_TIMEOUT = Duration.ofSeconds(5);
  /** For a machine busy with other work: a bound on a hang, not a measure of speed. */
  private static final Duration MARGIN = Duration.ofSeconds(3);

  private static MeteredVertx metered;
  private static TestService service;

  @BeforeAll
  static void start() {
    metered = MeteredVertx.create();
    service = TestService.awaitStart(TestService.start(metered.vertx(), metered.registry(),
      Map.of("HTTP_INSTANCES", "1", "DB_POOL_SIZE", "1", "DB_TIMEOUT_SECONDS", String.valueOf(DB_TIMEOUT.toSeconds()))));
  }

  /** On the JUnit thread: a Vert.x closed from its own event loop does not finish closing. */
  @AfterAll
  static void stop() {
    await(service.stop());
    await(metered.vertx().close());
  }

  /** One request of the traffic: its answer and how long it took. */
  private record Outcome(HttpResponse<Buffer> response, Duration took) {
  }

  @Test
  void a_session_that_ended_before_a_statement_was_asked_for_costs_it_nothing() {
    String token = service.tokens.user().sign();
    String id = created(service.create(token, new JsonObject().put("status", "running")));

    assertThat(endSessions(DatabaseConfig.APPLICATION_NAME)).as("sessions ended").isPositive();

    assertThat(service.call(GET, OPERATIONS + "/" + id, token, null).statusCode()).as("a read").isEqualTo(200);
    assertThat(service.create(token, new JsonObject()).statusCode()).as("a write").isEqualTo(201);
  }

  @Test
  void a_read_and_a_write_still_queued_on_a_session_the_server_ends_are_sent_again_on_a_fresh_one() {
    TestTokens.Token user = service.tokens.user();
    String token = user.sign();
    String id = created(service.create(token, new JsonObject().put("status", "running")));
    // The pool holds no connection now: the next statement opens one, and is prepared on it first.
    endSessions(DatabaseConfig.APPLICATION_NAME);
    SqlConnection locker = await(service.database.lockTable("operations"));
    Future<HttpResponse<Buffer>> read;
    Future<HttpResponse<Buffer>> write;
    try {
      read = service.request(GET, OPERATIONS + "/" + id).bearerTokenAuthentication(token).send();
      // Its preparation waits for the lock, and the connection sends nothing more until it is done ...
      awaitSessionsWaitingForTheLock(1);
      write = service.request(POST, OPERATIONS).bearerTokenAuthentication(token)
        .sendJsonObject(new JsonObject().put("statusDetail", "queued when its session ended"));
      // ... so the create waits in the client, unsent, behind it.
      awaitStatementsUnderway(2);

      assertThat(endSessions(DatabaseConfig.APPLICATION_NAME)).as("sessions ended").isEqualTo(1);
    } finally {
      await(TestDatabase.unlock(locker));
    }

    HttpResponse<Buffer> readAnswer = await(read);
    assertThat(readAnswer.statusCode()).as("the read: %s", readAnswer.bodyAsString()).isEqualTo(200);
    assertThat(readAnswer.bodyAsJsonObject().getString("id")).isEqualTo(id);
    HttpResponse<Buffer> writeAnswer = await(write);
    assertThat(writeAnswer.statusCode()).as("the write: %s", writeAnswer.bodyAsString()).isEqualTo(201);
    Row stored = service.storedRow(user.oid(), created(writeAnswer));
    assertThat(stored).as("the create, stored once").isNotNull();
    assertThat(stored.getString("status_detail")).isEqualTo("queued when its session ended");
  }

  @Test
  void of_statements_sent_before_their_session_ended_the_reads_go_again_and_the_write_answers_503_unapplied() {
    TestTokens.Token user = service.tokens.user();
    String token = user.sign();
    String id = created(service.create(token, new JsonObject().put("status", "running")));
    endSessions(DatabaseConfig.APPLICATION_NAME);
    // Both statements prepared on the pool's one connection, so that each later goes at once.
    assertThat(service.call(GET, OPERATIONS + "/" + id, token, null).statusCode()).isEqualTo(200);
    assertThat(service.call(PATCH, OPERATIONS + "/" + id, token, new JsonObject().put("statusDetail", "before")).statusCode())
      .isEqualTo(200);
    SqlConnection locker = await(service.database.lockTable("operations"));
    Future<HttpResponse<Buffer>> read;
    Future<HttpResponse<Buffer>> list;
    Future<HttpResponse<Buffer>> write;
    try {
      read = service.request(GET, OPERATIONS + "/" + id).bearerTokenAuthentication(token).send();
      awaitSessionsWaitingForTheLock(1);
      // A list runs on a connection of its own, cancelled once DB_TIMEOUT_SECONDS have passed.
      list = service.request(GET, OPERATIONS).bearerTokenAuthentication(token).send();
      awaitSessionsWaitingForTheLock(2);
      write = service.request(PATCH, OPERATIONS + "/" + id).bearerTokenAuthentication(token)
        .sendJsonObject(new JsonObject().put("statusDetail", "sent when its session ended"));
      // Pipelined behind the read: written to the server, which had not read it yet.
      awaitStatementsUnderway(3);

      assertThat(endSessions(DatabaseConfig.APPLICATION_NAME)).as("sessions ended").isEqualTo(2);
    } finally {
      await(TestDatabase.unlock(locker));
    }

    HttpResponse<Buffer> readAnswer = await(read);
    assertThat(readAnswer.statusCode()).as("the read: %s", readAnswer.bodyAsString()).isEqualTo(200);
    assertThat(readAnswer.bodyAsJsonObject().getString("statusDetail")).isEqualTo("before");
    HttpResponse<Buffer> listAnswer = await(list);
    assertThat(listAnswer.statusCode()).as("the list: %s", listAnswer.bodyAsString()).isEqualTo(200);
    assertThat(listAnswer.bodyAsJsonObject().getJsonArray("value").stream().map(JsonObject.class::cast)
      .map(operation -> operation.getString("id"))).contains(id);
    HttpResponse<Buffer> writeAnswer = await(write);
    assertThat(writeAnswer.statusCode()).as("the write, which may have reached the server: %s", writeAnswer.bodyAsString())
      .isEqualTo(503);
    assertThat(writeAnswer.getHeader("Retry-After")).isEqualTo("5");
    assertThat(service.storedRow(user.oid(), id).getString("status_detail"))
      .as("the session ended before the update was applied").isEqualTo("before");
  }

  @Test
  void requests_on_sessions_ended_under_traffic_answer_in_time_the_pool_heals_and_no_acknowledged_create_is_lost()
    throws Exception {
    String token = service.tokens.user().sign();
    List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean running = new AtomicBoolean(true);
    List<Future<Void>> clients = IntStream.range(0, 5).mapToObj(client -> createAndRead(token, running, outcomes)).toList();

    int killed = 0;
    for (int round = 0; round < 6; round++) {
      Thread.sleep(400);
      killed += terminate(DatabaseConfig.APPLICATION_NAME);
    }
    running.set(false);
    await(Future.all(clients));

    assertThat(killed).as("sessions killed").isGreaterThan(0);
    assertThat(outcomes).extracting(outcome -> outcome.response().statusCode()).containsOnly(200, 201, 503);
    assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.took()).isLessThan(DB_TIMEOUT.plus(MARGIN)));
    outcomes.stream().map(Outcome::response).filter(response -> response.statusCode() == 503).forEach(response -> {
      assertThat(response.getHeader("Retry-After")).isEqualTo("5");
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("serviceUnavailable");
    });
    // The last round's sessions, once the service has seen them end, are behind it.
    endSessions(DatabaseConfig.APPLICATION_NAME);
    for (int i = 0; i < 10; i++) {
      assertThat(service.create(token, new JsonObject()).statusCode()).as("after the kills").isEqualTo(201);
    }
    List<String> acknowledged = outcomes.stream().map(Outcome::response).filter(response -> response.statusCode() == 201)
      .map(response -> response.bodyAsJsonObject().getString("id")).toList();
    assertThat(acknowledged).isNotEmpty();
    assertThat(await(service.database.pool().preparedQuery("SELECT count(*) FROM operations WHERE id = ANY($1)")
      .execute(Tuple.of(acknowledged.toArray(String[]::new)))).iterator().next().getLong(0))
      .as("creates answered 201 that are stored").isEqualTo(acknowledged.size());
  }

  @Test
  void a_change_made_while_the_listener_reconnects_still_wakes_its_waiter() throws Exception {
    String token = service.tokens.user().sign();
    String id = service.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");
    Future<HttpResponse<Buffer>> waiting = service.request(GET, OPERATIONS + "/" + id)
      .bearerTokenAuthentication(token).putHeader("Prefer", "wait=30").send();
    awaitOneWaiter();

    assertThat(terminate(ChangeListener.APPLICATION_NAME)).as("listening sessions killed").isEqualTo(1);
    long changed = System.nanoTime();
    // At once: the listener reconnects a second later, so no session hears this change's NOTIFY.
    service.call(PATCH, OPERATIONS + "/" + id, token, new JsonObject().put("status", "succeeded"));
    HttpResponse<Buffer> woken = await(waiting);

    assertThat(woken.statusCode()).isEqualTo(200);
    assertThat(woken.bodyAsJsonObject().getString("status")).isEqualTo("succeeded");
    assertThat(Duration.ofNanos(System.nanoTime() - changed)).as("woken once the listener is back, not after 30 s")
      .isLessThan(Duration.ofSeconds(10));
  }

  private static String created(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as("a create: %s", response.bodyAsString()).isEqualTo(201);
    return response.bodyAsJsonObject().getString("id");
  }

  /** Loops create-then-get until {@code running} is false, recording every answer. */
  private static Future<Void> createAndRead(String token, AtomicBoolean running, List<Outcome> outcomes) {
    if (!running.get()) {
      return Future.succeededFuture();
    }
    return timed(() -> service.request(POST, OPERATIONS).bearerTokenAuthentication(token)
        .sendJsonObject(new JsonObject().put("status", "running")), outcomes)
      .compose(created -> created.statusCode() == 201
        ? timed(() -> service.request(GET, OPERATIONS + "/" + created.bodyAsJsonObject().getString("id"))
          .bearerTokenAuthentication(token).send(), outcomes).mapEmpty()
        : Future.succeededFuture())
      .compose(next -> createAndRead(token, running, outcomes));
  }

  private static Future<HttpResponse<Buffer>> timed(Supplier<Future<HttpResponse<Buffer>>> call, List<Outcome> outcomes) {
    long start = System.nanoTime();
    return call.get().onSuccess(response -> outcomes.add(new Outcome(response, Duration.ofNanos(System.nanoTime() - start))));
  }

  /** Kills the service's sessions of {@code applicationName} on this test's database; how many. */
  private static int terminate(String applicationName) {
    return await(service.database.terminate(applicationName));
  }

  /**
   * Ends the service's sessions of {@code applicationName} and returns once the service has seen
   * each end: its end of the TCP connection is closed. The server sends its FATAL 57P01 before it
   * closes, and the client reads it, fails what was on the session and takes the connection out of
   * its pool, before it reads the close and closes its own end.
   */
  private static int endSessions(String applicationName) {
    List<Row> sessions = new ArrayList<>();
    await(service.database.pool().preparedQuery("SELECT pid, client_port, pg_terminate_backend(pid) FROM pg_stat_activity "
        + "WHERE datname = $1 AND application_name = $2")
      .execute(Tuple.of(service.database.env().get("PGDATABASE"), applicationName))).forEach(sessions::add);
    int serverPort = Integer.parseInt(service.database.env().get("PGPORT"));
    for (Row session : sessions) {
      int clientPort = session.getInteger("client_port");
      awaitTrue(() -> !connected(clientPort, serverPort), "the service closed its end of the session on port " + clientPort);
    }
    return sessions.size();
  }

  /** Whether this machine has a TCP socket from {@code localPort} to {@code remotePort}, in any state. */
  private static boolean connected(int localPort, int remotePort) {
    return Stream.of("/proc/net/tcp", "/proc/net/tcp6").map(Path::of).filter(Files::exists).flatMap(table -> {
      try {
        return Files.readAllLines(table).stream().skip(1);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).map(line -> line.trim().split("\\s+")).anyMatch(fields -> port(fields[1]) == localPort && port(fields[2]) == remotePort);
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
  }

  private static void awaitSessionsWaitingForTheLock(int sessions) {
    awaitTrue(() -> await(service.database.pool().preparedQuery("SELECT count(*) FROM pg_stat_activity "
        + "WHERE datname = $1 AND application_name = $2 AND wait_event_type = 'Lock'")
      .execute(Tuple.of(service.database.env().get("PGDATABASE"), DatabaseConfig.APPLICATION_NAME)))
      .iterator().next().getInteger(0) == sessions, sessions + " of the service's sessions waiting for the test's lock");
  }

  /** Waits until the PostgreSQL client has taken {@code statements} to run, sent or queued. */
  private static void awaitStatementsUnderway(int statements) {
    awaitTrue(() -> statementsUnderway() == statements, statements + " statements underway in the PostgreSQL client");
  }

  private static double statementsUnderway() {
    List<Gauge> gauges = metered.registry().find("vertx.sql.processing.pending").gauges().stream().toList();
    assertThat(gauges).as("the SQL client's gauge of statements underway").isNotEmpty();
    return gauges.stream().mapToDouble(Gauge::value).sum();
  }

  private static void awaitOneWaiter() {
    awaitTrue(() -> await(service.request(GET, "/metrics").send()).bodyAsString().contains("\nlro_waiting_requests 1.0"),
      "the GET is held");
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    for (int i = 0; i < 400 && !condition.getAsBoolean(); i++) {
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }
}
