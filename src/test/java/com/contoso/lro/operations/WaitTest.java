package com.contoso.lro.operations;

import com.contoso.lro.TestService;
import com.contoso.lro.TwoInstanceTest;
import com.contoso.lro.config.AppConfig.DatabaseConfig;
import com.contoso.lro.db.ChangeListener;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET with Prefer: wait=N instead of polling, on one instance and across two that share a database:
 * a final operation answers at once; another is held until it changes, is deleted or N seconds pass.
 */
class WaitTest extends TwoInstanceTest {

  private static final String OPERATIONS = "/beta/me/authentication/operations/";

  @Test
  void a_final_operation_is_answered_at_once_without_preference_applied() {
    String token = first.tokens.user().sign();
    String id = first.create(token, new JsonObject().put("status", "succeeded")).bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> response = waitFor(first, token, id, "wait=60");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Preference-Applied")).isNull();
  }

  @Test
  void wait_0_asks_for_no_wait() {
    String token = first.tokens.user().sign();
    String id = running(first, token);

    HttpResponse<Buffer> response = waitFor(first, token, id, "wait=0");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Preference-Applied")).isNull();
  }

  @Test
  void an_operation_that_changed_since_the_if_none_match_etag_is_answered_at_once() {
    String token = first.tokens.user().sign();
    String id = running(first, token);
    first.call(PATCH, OPERATIONS + id, token, new JsonObject().put("statusDetail", "moved on"));

    HttpResponse<Buffer> response = await(first.request(GET, OPERATIONS + id).bearerTokenAuthentication(token)
      .putHeader("Prefer", "wait=30").putHeader("If-None-Match", "\"1\"").send());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("ETag")).isEqualTo("\"2\"");
    assertThat(response.getHeader("Preference-Applied")).isNull();
  }

  @Test
  void a_patch_that_changes_nothing_does_not_wake_a_waiter() throws Exception {
    String token = first.tokens.user().sign();
    String id = running(first, token);

    Future<HttpResponse<Buffer>> waiting = held(first, token, id, "wait=2");
    first.call(PATCH, OPERATIONS + id, token, new JsonObject().put("status", "running"));
    Thread.sleep(500);

    assertThat(waiting.isComplete()).as("still waiting after a PATCH that changed nothing").isFalse();
    assertThat(await(waiting).getHeader("Preference-Applied")).isEqualTo("wait=2");
  }

  @Test
  void a_running_operation_is_held_until_it_changes_and_then_answered_with_its_new_state() throws Exception {
    String token = first.tokens.user().sign();
    String id = running(first, token);

    Future<HttpResponse<Buffer>> waiting = held(first, token, id, "wait=30");
    first.call(PATCH, OPERATIONS + id, token, new JsonObject().put("status", "succeeded"));
    HttpResponse<Buffer> response = await(waiting);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("succeeded");
    assertThat(response.getHeader("Preference-Applied")).isEqualTo("wait=30");
  }

  @Test
  void a_change_served_by_one_instance_wakes_a_waiter_on_the_other() throws Exception {
    String token = first.tokens.user().sign();
    String id = running(first, token);

    Future<HttpResponse<Buffer>> waiting = held(second, token, id, "wait=30");
    first.call(PATCH, OPERATIONS + id, token, new JsonObject().put("statusDetail", "half way"));
    HttpResponse<Buffer> response = await(waiting);

    assertThat(response.bodyAsJsonObject().getString("statusDetail")).isEqualTo("half way");
    assertThat(response.getHeader("Preference-Applied")).isEqualTo("wait=30");
  }

  @Test
  void a_wait_without_a_change_ends_after_n_seconds_with_the_current_state() {
    String token = first.tokens.user().sign();
    String id = running(first, token);

    HttpResponse<Buffer> response = waitFor(first, token, id, "wait=1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("running");
    assertThat(response.getHeader("Preference-Applied")).isEqualTo("wait=1");
  }

  /**
   * While the change listener listens, any change would have woken a waiter; one that ran out
   * answers what it read when it began and reads nothing again. Shown by a change made with the
   * announcing trigger off: the wait that runs out does not see it, the next request does.
   */
  @Test
  void a_wait_that_runs_out_answers_what_it_read_without_reading_again() throws Exception {
    String token = first.tokens.user().sign();
    String id = running(first, token);

    Future<HttpResponse<Buffer>> waiting = held(first, token, id, "wait=2");
    await(first.database.pool().query("ALTER TABLE operations DISABLE TRIGGER operations_changed").execute());
    try {
      first.call(PATCH, OPERATIONS + id, token, new JsonObject().put("statusDetail", "never announced"));
      HttpResponse<Buffer> response = await(waiting);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getString("statusDetail")).as("the state read when the wait began")
        .isNotEqualTo("never announced");
      assertThat(response.getHeader("Preference-Applied")).isEqualTo("wait=2");
    } finally {
      await(first.database.pool().query("ALTER TABLE operations ENABLE TRIGGER operations_changed").execute());
    }
    assertThat(first.call(GET, OPERATIONS + id, token, null).bodyAsJsonObject().getString("statusDetail"))
      .isEqualTo("never announced");
  }

  /** DB_TIMEOUT_SECONDS bounds the reads before and after a wait, never the wait itself. */
  @Test
  void a_wait_longer_than_db_timeout_seconds_is_not_cut_short_by_it(Vertx vertx) {
    TestService quick = await(TestService.start(vertx, Map.of("DB_TIMEOUT_SECONDS", "1")));
    try {
      String token = quick.tokens.user().sign();
      String id = running(quick, token);

      HttpResponse<Buffer> response = waitFor(quick, token, id, "wait=2");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("running");
      assertThat(response.getHeader("Preference-Applied")).isEqualTo("wait=2");
    } finally {
      await(quick.stop());
    }
  }

  @Test
  void an_operation_deleted_while_waited_on_answers_404() throws Exception {
    String token = first.tokens.user().sign();
    String id = running(first, token);

    Future<HttpResponse<Buffer>> waiting = held(first, token, id, "wait=30");
    first.call(DELETE, OPERATIONS + id, token, null);

    assertThat(await(waiting).statusCode()).isEqualTo(404);
  }

  @Test
  void a_wait_longer_than_60_seconds_is_held_for_60_at_most() throws Exception {
    String token = first.tokens.user().sign();
    String id = running(first, token);

    Future<HttpResponse<Buffer>> waiting = held(first, token, id, "wait=600");
    first.call(PATCH, OPERATIONS + id, token, new JsonObject().put("status", "failed"));

    assertThat(await(waiting).getHeader("Preference-Applied")).isEqualTo("wait=60");
  }

  @Test
  void a_client_that_goes_away_while_waiting_frees_its_waiter(Vertx vertx) throws Exception {
    Token user = first.tokens.user();
    String id = running(first, user.sign());
    NetSocket socket = await(vertx.createNetClient().connect(first.port, "127.0.0.1"));

    socket.write("GET " + OPERATIONS + id + " HTTP/1.1\r\nHost: localhost\r\nPrefer: wait=60\r\n"
      + "Authorization: Bearer " + user.sign() + "\r\n\r\n");
    awaitWaiters(1, 0);
    await(socket.close());

    awaitWaiters(0, 0);
  }

  @Test
  void waiters_hold_no_connection_one_listening_session_per_instance_serves_them_all(Vertx vertx) throws Exception {
    String token = first.tokens.user().sign();
    String id = running(first, token);
    WebClient many = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(50));
    List<Future<HttpResponse<Buffer>>> waiting = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      waiting.add(many.get(i % 2 == 0 ? first.port : second.port, "localhost", OPERATIONS + id)
        .bearerTokenAuthentication(token).putHeader("Prefer", "wait=30").send());
    }
    awaitWaiters(20, 20);

    long listening = sessions(ChangeListener.APPLICATION_NAME);
    long pooled = sessions(DatabaseConfig.APPLICATION_NAME);
    first.call(PATCH, OPERATIONS + id, token, new JsonObject().put("status", "succeeded"));
    await(Future.all(waiting));

    assertThat(listening).as("one listening session per instance").isEqualTo(2);
    assertThat(pooled).as("40 waiters, two pools of 8 connections at most").isLessThanOrEqualTo(16);
    assertThat(waiting).allSatisfy(response ->
      assertThat(response.result().bodyAsJsonObject().getString("status")).isEqualTo("succeeded"));
    many.close();
  }

  private static long sessions(String applicationName) {
    return await(first.database.pool()
      .preparedQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2")
      .execute(Tuple.of(first.database.env().get("PGDATABASE"), applicationName)))
      .iterator().next().getLong(0);
  }

  private static String running(TestService service, String token) {
    return service.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");
  }

  private static HttpResponse<Buffer> waitFor(TestService service, String token, String id, String prefer) {
    return await(waitAsync(service, token, id, prefer));
  }

  private static Future<HttpResponse<Buffer>> waitAsync(TestService service, String token, String id, String prefer) {
    return service.request(GET, OPERATIONS + id).bearerTokenAuthentication(token).putHeader("Prefer", prefer).send();
  }

  /** A wait sent to {@code service}, once that instance holds it (and the other holds none). */
  private static Future<HttpResponse<Buffer>> held(TestService service, String token, String id, String prefer)
    throws InterruptedException {
    Future<HttpResponse<Buffer>> waiting = waitAsync(service, token, id, prefer);
    awaitWaiters(service == first ? 1 : 0, service == second ? 1 : 0);
    return waiting;
  }

  /** Until each instance holds exactly its count of waiting requests (bounded: 10 s). */
  private static void awaitWaiters(int onFirst, int onSecond) throws InterruptedException {
    for (int i = 0; i < 200 && !(waiting(first) == onFirst && waiting(second) == onSecond); i++) {
      Thread.sleep(50);
    }
    assertThat(waiting(first)).as("waiting on the first instance").isEqualTo(onFirst);
    assertThat(waiting(second)).as("waiting on the second instance").isEqualTo(onSecond);
  }

  /** lro_waiting_requests of one instance, which counts its own only. */
  private static int waiting(TestService service) {
    Matcher gauge = Pattern.compile("(?m)^lro_waiting_requests(?:\\{[^}]*})? (\\S+)$")
      .matcher(await(service.request(GET, "/metrics").send()).bodyAsString());
    assertThat(gauge.find()).as("lro_waiting_requests in /metrics").isTrue();
    return (int) Double.parseDouble(gauge.group(1));
  }
}
