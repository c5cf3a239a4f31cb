package com.contoso.lro.health;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.db.DatabaseReadiness;
import com.contoso.lro.db.Migrations;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

/** /health/live and /health/ready: JSON, no token, 503 when not ready. */
class HealthTest extends ServiceTest {

  @Test
  void live_answers_up_without_a_token() {
    HttpResponse<Buffer> response = await(service.request(GET, "/health/live").send());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    assertThat(response.getHeader("request-id")).isNotNull();
  }

  @Test
  void ready_answers_up_when_the_database_answers_with_the_migrated_schema() {
    HttpResponse<Buffer> response = await(service.request(GET, "/health/ready").send());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject database = response.bodyAsJsonObject().getJsonArray("checks").getJsonObject(0);
    assertThat(database.getString("id")).isEqualTo("database");
    assertThat(database.getString("status")).isEqualTo("UP");
    assertThat(database.getJsonObject("data").getString("schemaVersion")).isNotBlank();
  }

  @Test
  void ready_answers_503_when_the_database_schema_is_not_the_one_this_build_migrated_to() {
    await(service.database.pool().query("INSERT INTO flyway_schema_history (installed_rank, version, description, type, "
      + "script, installed_by, execution_time, success) VALUES (999, '999', 'from the future', 'SQL', 'V999__x.sql', "
      + "'test', 0, true)").execute());
    try {
      HttpResponse<Buffer> response = await(service.request(GET, "/health/ready").send());

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("DOWN");
    } finally {
      await(service.database.pool().query("DELETE FROM flyway_schema_history WHERE installed_rank = 999").execute());
    }
  }

  @Test
  void ready_answers_503_once_the_instance_drains_for_a_stop_though_the_database_answers(Vertx vertx) {
    String schemaVersion = await(service.database.pool().query(Migrations.CURRENT_VERSION).execute()).iterator().next().getString(0);

    assertThat(readiness(vertx, schemaVersion, false).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> draining = readiness(vertx, schemaVersion, true);

    assertThat(draining.statusCode()).isEqualTo(503);
    assertThat(draining.bodyAsJsonObject().getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(check -> "serving".equals(check.getString("id"))).findFirst().orElseThrow()
      .getJsonObject("data").getString("reason")).isEqualTo("shutting down");
  }

  private static HttpResponse<Buffer> readiness(Vertx vertx, String schemaVersion, boolean draining) {
    Router router = Router.router(vertx);
    DatabaseReadiness migrated = new DatabaseReadiness();
    migrated.complete(new DatabaseReadiness.Started(schemaVersion, new byte[32]));
    HealthRoutes.mount(router, vertx, service.database.pool(), migrated, () -> draining);
    var server = await(vertx.createHttpServer().requestHandler(router).listen(0));
    WebClient client = WebClient.create(vertx);
    try {
      return await(client.get(server.actualPort(), "localhost", "/health/ready").send());
    } finally {
      client.close();
      await(server.close());
    }
  }
}
