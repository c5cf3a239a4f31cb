package com.contoso.lro.db;

import com.contoso.lro.TcpProxy;
import com.contoso.lro.TestDatabase;
import com.contoso.lro.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.contoso.lro.GraphErrors.assertServiceUnavailable;
import static com.contoso.lro.TestService.OPERATIONS;
import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance started while its database is down comes up anyway: alive, not ready, and answering
 * API calls 503 with Retry-After; once the database is back it becomes ready by itself within 5 s,
 * and serves everything, long-polls included. The database has its schema already, from an instance
 * that ran before, as when a service restarts during an outage.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseDownAtStartTest {

  private static TcpProxy database;
  private static TestService before;
  private static TestService service;

  @BeforeAll
  @Timeout(value = 2, timeUnit = TimeUnit.MINUTES)
  static void startWhileTheDatabaseIsDown(Vertx vertx, VertxTestContext test) {
    Map<String, String> direct = TestDatabase.serverEnv();
    TcpProxy.start(vertx, direct.get("PGHOST"), Integer.parseInt(direct.get("PGPORT")))
      .compose(proxy -> {
        database = proxy;
        return TestService.start(vertx, Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(proxy.port())));
      })
      .compose(first -> {
        before = first;
        return database.cut();
      })
      .compose(down -> before.another(vertx))
      .onComplete(test.succeeding(started -> {
        service = started;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    service.stop().compose(stopped -> before.stop()).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Order(1)
  void while_the_database_is_down_it_is_alive_not_ready_and_answers_api_calls_503_with_retry_after() {
    String token = service.tokens.user().sign();

    assertThat(await(service.request(GET, "/health/live").send()).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> ready = await(service.request(GET, "/health/ready").send());
    assertThat(ready.statusCode()).isEqualTo(503);
    JsonObject databaseCheck = ready.bodyAsJsonObject().getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(check -> "database".equals(check.getString("id"))).findFirst().orElseThrow();
    assertThat(databaseCheck.getJsonObject("data").getString("reason"))
      .startsWith("start-up is waiting for the database: the schema migrations failed");

    assertServiceUnavailable(service.create(token, new JsonObject()));
    assertServiceUnavailable(service.call(GET, OPERATIONS, token, null));
    assertServiceUnavailable(service.call(GET, OPERATIONS + "/some-id", token, null));
  }

  @Test
  @Order(2)
  void once_the_database_is_back_it_becomes_ready_by_itself_within_5_s_and_serves_everything() throws Exception {
    String token = service.tokens.user().sign();

    await(database.restore());
    long back = System.nanoTime();
    while (await(service.request(GET, "/health/ready").send()).statusCode() != 200
      && System.nanoTime() - back < Duration.ofSeconds(10).toNanos()) {
      Thread.sleep(50);
    }
    Duration untilReady = Duration.ofNanos(System.nanoTime() - back);

    assertThat(untilReady).as("ready after the database returned").isLessThan(Duration.ofSeconds(5));
    HttpResponse<Buffer> created = service.create(token, new JsonObject().put("status", "running"));
    assertThat(created.statusCode()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    service.create(token, new JsonObject());
    HttpResponse<Buffer> page = service.call(GET, OPERATIONS + "?$top=1", token, null);
    assertThat(page.statusCode()).as("a list signs its next link with the key read from the database").isEqualTo(200);
    assertThat(page.bodyAsJsonObject().getString("@odata.nextLink")).contains("$skiptoken=");

    Future<HttpResponse<Buffer>> waiting = service.request(GET, OPERATIONS + "/" + id)
      .bearerTokenAuthentication(token).putHeader("Prefer", "wait=20").send();
    Thread.sleep(500);
    long patched = System.nanoTime();
    service.call(PATCH, OPERATIONS + "/" + id, token, new JsonObject().put("status", "succeeded"));
    HttpResponse<Buffer> woken = await(waiting);

    assertThat(woken.bodyAsJsonObject().getString("status")).isEqualTo("succeeded");
    assertThat(Duration.ofNanos(System.nanoTime() - patched)).as("woken by the change listener, not by its timeout")
      .isLessThan(Duration.ofSeconds(10));
  }
}
