package com.contoso.lro.db;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.config.AppConfig.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static com.contoso.lro.TestService.OPERATIONS;
import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's database sessions are killed (pg_terminate_backend) while requests run: the
 * requests they carried answer 503 at once, never after more than DB_TIMEOUT_SECONDS (5), the pool
 * makes new sessions, and every create that was answered 201 is stored. The change listener's
 * session heals too, and a change made while it was away still wakes its waiter.
 */
class KilledConnectionsTest extends ServiceTest {

  private static final Duration DB_TIMEOUT = Duration.ofSeconds(5);
  /** For a machine busy with other work: a bound on a hang, not a measure of speed. */
  private static final Duration MARGIN = Duration.ofSeconds(3);

  /** One request of the traffic: its answer and how long it took. */
  private record Outcome(HttpResponse<Buffer> response, Duration took) {
  }

  @Test
  void requests_on_killed_sessions_answer_503_in_time_the_pool_heals_and_no_acknowledged_create_is_lost()
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
    assertThat(outcomes).extracting(outcome -> outcome.response().statusCode()).containsOnly(200, 201, 503).contains(503);
    assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.took()).isLessThan(DB_TIMEOUT.plus(MARGIN)));
    outcomes.stream().map(Outcome::response).filter(response -> response.statusCode() == 503).forEach(response -> {
      assertThat(response.getHeader("Retry-After")).isEqualTo("5");
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("serviceUnavailable");
    });
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
    return await(service.database.pool().preparedQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
        + "FROM pg_stat_activity WHERE datname = $1 AND application_name = $2")
      .execute(Tuple.of(service.database.env().get("PGDATABASE"), applicationName))).iterator().next().getInteger(0);
  }

  private static void awaitOneWaiter() throws InterruptedException {
    for (int i = 0; i < 200 && !oneWaiter(); i++) {
      Thread.sleep(50);
    }
    assertThat(oneWaiter()).as("the GET is held").isTrue();
  }

  private static boolean oneWaiter() {
    return await(service.request(GET, "/metrics").send()).bodyAsString().contains("\nlro_waiting_requests 1.0");
  }
}
