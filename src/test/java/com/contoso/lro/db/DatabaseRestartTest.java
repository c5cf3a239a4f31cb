package com.contoso.lro.db;

import com.contoso.lro.TestDatabase;
import com.contoso.lro.TestService;
import com.contoso.lro.TestTokens;
import com.contoso.lro.ThrowawayPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.contoso.lro.TestService.OPERATIONS;
import static com.contoso.lro.TestService.await;
import static com.contoso.lro.TestService.awaitStart;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL restarted under two instances of the service (a fast shutdown, then a start), on a
 * server of the test's own: while it is down every answer is a 503 with Retry-After, within
 * DB_TIMEOUT_SECONDS; within 5 s of its answering again each instance serves fully, a read, a
 * create and a waiter woken by a change made through the other instance (its LISTEN connection is
 * back); and every create and update acknowledged before is stored as it was answered.
 */
@ExtendWith(VertxExtension.class)
class DatabaseRestartTest {

  private static final Duration DB_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration FULL_SERVICE = Duration.ofSeconds(5);
  /** For a machine busy with other work: a bound on a hang, not a measure of speed. */
  private static final Duration MARGIN = Duration.ofSeconds(3);

  private static ThrowawayPostgres postgres;
  private static TestDatabase database;
  private static Vertx secondVertx;
  private static TestService first;
  private static TestService second;

  @BeforeAll
  static void start(Vertx vertx) {
    postgres = ThrowawayPostgres.start();
    database = await(TestDatabase.create(vertx, postgres.serverEnv()));
    first = awaitStart(TestService.start(vertx, database, Map.of("DB_TIMEOUT_SECONDS", String.valueOf(DB_TIMEOUT.toSeconds()))));
    secondVertx = Vertx.vertx();
    second = awaitStart(first.another(secondVertx));
  }

  /** On the JUnit thread: a Vert.x instance closed from another one's event loop does not finish closing. */
  @AfterAll
  static void stop() {
    try {
      await(second.stop());
      await(secondVertx.close());
      await(first.stop());
    } finally {
      postgres.close();
    }
  }

  @Test
  void while_postgresql_restarts_answers_are_503s_in_time_and_soon_after_every_instance_serves_fully_losing_nothing()
    throws Exception {
    TestTokens.Token user = first.tokens.user();
    String token = user.sign();
    Map<String, JsonObject> acknowledged = new LinkedHashMap<>();
    for (TestService instance : List.of(first, second, first, second)) {
      JsonObject created = answered(201, instance.create(token, new JsonObject().put("status", "running")));
      String id = created.getString("id");
      acknowledged.put(id, answered(200, instance.call(PATCH, OPERATIONS + "/" + id, token,
        new JsonObject().put("statusDetail", "updated before the restart"))));
    }
    String someId = acknowledged.keySet().iterator().next();

    postgres.stopFast();

    for (TestService instance : List.of(first, second)) {
      List<HttpRequest<Buffer>> requests = List.of(
        instance.request(GET, OPERATIONS + "/" + someId),
        instance.request(GET, OPERATIONS),
        instance.request(POST, OPERATIONS),
        instance.request(PATCH, OPERATIONS + "/" + someId));
      for (HttpRequest<Buffer> request : requests) {
        long sent = System.nanoTime();
        HttpResponse<Buffer> response = await(request.bearerTokenAuthentication(token)
          .sendJsonObject(new JsonObject().put("statusDetail", "sent while the database is down")));
        assertThat(response.statusCode()).as("while the database is down: %s", response.bodyAsString()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isNotNull();
        assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("serviceUnavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("answered within DB_TIMEOUT_SECONDS")
          .isLessThan(DB_TIMEOUT.plus(MARGIN));
      }
      assertThat(await(instance.request(GET, "/health/ready").send()).statusCode()).as("ready while it is down").isEqualTo(503);
    }

    postgres.startAgain();
    long back = System.nanoTime();

    for (TestService instance : List.of(first, second)) {
      assertThat(instance.call(GET, OPERATIONS + "/" + someId, token, null).statusCode()).as("a read after").isEqualTo(200);
      acknowledged.put(answered(201, instance.create(token, new JsonObject().put("status", "running"))).getString("id"),
        null);
    }
    awaitListening(2);
    assertThat(Duration.ofNanos(System.nanoTime() - back)).as("both change listeners back after PostgreSQL answered again")
      .isLessThan(FULL_SERVICE);
    List<String> watched = new ArrayList<>(acknowledged.keySet()).subList(0, 2);
    Future<HttpResponse<Buffer>> onFirst = held(first, token, watched.get(0));
    Future<HttpResponse<Buffer>> onSecond = held(second, token, watched.get(1));
    // Each change through the other instance: only its own LISTEN connection can tell the waiter.
    JsonObject firstChanged = answered(200, second.call(PATCH, OPERATIONS + "/" + watched.get(0), token,
      new JsonObject().put("status", "succeeded")));
    JsonObject secondChanged = answered(200, first.call(PATCH, OPERATIONS + "/" + watched.get(1), token,
      new JsonObject().put("status", "failed")));
    acknowledged.put(watched.get(0), firstChanged);
    acknowledged.put(watched.get(1), secondChanged);

    assertThat(answered(200, await(onFirst)).getString("@odata.etag")).as("the waiter on the first instance")
      .isEqualTo(firstChanged.getString("@odata.etag"));
    assertThat(answered(200, await(onSecond)).getString("@odata.etag")).as("the waiter on the second instance")
      .isEqualTo(secondChanged.getString("@odata.etag"));
    assertThat(Duration.ofNanos(System.nanoTime() - back)).as("full service after PostgreSQL answered again")
      .isLessThan(FULL_SERVICE.plus(MARGIN));
    for (TestService instance : List.of(first, second)) {
      assertThat(await(instance.request(GET, "/health/ready").send()).statusCode()).as("ready after").isEqualTo(200);
    }

    acknowledged.forEach((id, answer) -> {
      Row stored = first.storedRow(user.oid(), id);
      assertThat(stored).as("acknowledged operation %s", id).isNotNull();
      if (answer != null) {
        assertThat(stored.getString("status")).isEqualTo(answer.getString("status"));
        assertThat(stored.getString("status_detail")).isEqualTo(answer.getString("statusDetail"));
      }
    });
  }

  /**
   * A GET with Prefer: wait, held by {@code instance}. When its change listener comes back, an
   * instance answers the requests then waiting, unchanged, for it may have missed a change while
   * away; a client asks again, as this does.
   */
  private static Future<HttpResponse<Buffer>> held(TestService instance, String token, String id) throws InterruptedException {
    for (int attempt = 0; attempt < 5; attempt++) {
      Future<HttpResponse<Buffer>> waiting = instance.request(GET, OPERATIONS + "/" + id).bearerTokenAuthentication(token)
        .putHeader("Prefer", "wait=30").send();
      for (int i = 0; i < 200 && !waiting.isComplete() && !oneWaiter(instance); i++) {
        Thread.sleep(25);
      }
      if (!waiting.isComplete() && oneWaiter(instance)) {
        return waiting;
      }
    }
    throw new AssertionError("no GET with Prefer: wait was held on port " + instance.port);
  }

  private static JsonObject answered(int status, HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as("%s", response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject();
  }

  /** Waits until {@code instances} change listeners have connected again and asked to LISTEN. */
  private static void awaitListening(int instances) throws InterruptedException {
    for (int i = 0; i < 400 && listening() != instances; i++) {
      Thread.sleep(25);
    }
    assertThat(listening()).as("change listeners listening again").isEqualTo(instances);
  }

  private static long listening() {
    return await(database.pool().preparedQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 "
        + "AND state = 'idle' AND query ILIKE 'LISTEN%'").execute(Tuple.of(ChangeListener.APPLICATION_NAME)))
      .iterator().next().getLong(0);
  }

  private static boolean oneWaiter(TestService instance) {
    return await(instance.request(HttpMethod.GET, "/metrics").send()).bodyAsString().contains("\nlro_waiting_requests 1.0");
  }
}
