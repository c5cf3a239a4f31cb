package com.contoso.lro.db;

import com.contoso.lro.TcpProxy;
import com.contoso.lro.TestDatabase;
import com.contoso.lro.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/** When the database cannot be reached, the API answers 503 with Retry-After, not 500. */
@ExtendWith(VertxExtension.class)
class DatabaseUnavailableTest {

  private static TcpProxy proxy;
  private static TestService service;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext test) {
    Map<String, String> direct = TestDatabase.serverEnv();
    TcpProxy.start(vertx, direct.get("PGHOST"), Integer.parseInt(direct.get("PGPORT")))
      .compose(started -> {
        proxy = started;
        return TestService.start(vertx, Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(proxy.port())));
      })
      .onComplete(test.succeeding(started -> {
        service = started;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    service.stop().onComplete(test.succeedingThenComplete());
  }

  @Test
  void a_create_while_the_database_is_unreachable_is_a_503_with_retry_after() {
    String token = service.tokens.user().sign();
    assertThat(service.create(token, new JsonObject()).statusCode()).isEqualTo(201);

    await(proxy.cut());
    HttpResponse<Buffer> response = service.create(token, new JsonObject());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After")).isEqualTo("5");
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("serviceUnavailable");
    assertThat(await(service.request(HttpMethod.GET, "/health/ready").send()).statusCode()).isEqualTo(503);
    assertThat(await(service.request(HttpMethod.GET, "/health/live").send()).statusCode()).isEqualTo(200);
  }
}
