package com.contoso.lro.health;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestDatabase;
import com.contoso.lro.db.DatabaseReadiness;
import com.contoso.lro.db.Migrations;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.Map;

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

  @Test
  void ready_answers_503_with_the_reason_while_the_database_is_too_slow_to_answer() {
    SqlConnection locker = await(service.database.lockTable("flyway_schema_history"));
    try {
      HttpResponse<Buffer> response = await(service.request(GET, "/health/ready").send());

      assertSlowDatabase(response);
    } finally {
      await(TestDatabase.unlock(locker));
    }
    assertThat(await(service.request(GET, "/health/ready").send()).statusCode()).isEqualTo(200);
  }

  /**
   * The check gives up on a slow database before vertx-health-check's own deadline would call it a
   * failed procedure (a 500); the answer that comes after it is ignored, not an error. On one
   * connection, so that the next check's answer comes after the late one, on the same event loop.
   */
  @Test
  void a_database_answer_after_the_check_gave_up_is_not_an_error(Vertx vertx) {
    String schemaVersion = await(service.database.pool().query(Migrations.CURRENT_VERSION).execute()).iterator().next().getString(0);
    Map<String, String> env = service.database.env();
    Pool oneConnection = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
      .connectingTo(new PgConnectOptions().setHost(env.get("PGHOST")).setPort(Integer.parseInt(env.get("PGPORT")))
        .setUser(env.get("PGUSER")).setPassword(env.get("PGPASSWORD")).setDatabase(env.get("PGDATABASE")))
      .using(vertx).build();
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(log);
    Router router = Router.router(vertx);
    DatabaseReadiness migrated = new DatabaseReadiness();
    migrated.complete(new DatabaseReadiness.Started(schemaVersion, new byte[32], () -> 1));
    HealthRoutes.mount(router, vertx, oneConnection, migrated, () -> false);
    var server = await(vertx.createHttpServer().requestHandler(router).listen(0));
    WebClient client = WebClient.create(vertx);
    try {
      SqlConnection locker = await(service.database.lockTable("flyway_schema_history"));
      try {
        assertSlowDatabase(await(client.get(server.actualPort(), "localhost", "/health/ready").send()));
      } finally {
        await(TestDatabase.unlock(locker));
      }
      assertThat(await(client.get(server.actualPort(), "localhost", "/health/ready").send()).statusCode()).isEqualTo(200);

      assertThat(log.list).as("what was logged").noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.ERROR));
    } finally {
      root.detachAppender(log);
      client.close();
      await(server.close());
      await(oneConnection.close());
    }
  }

  /** 503, as documented: DOWN, and the database check says why. */
  private static void assertSlowDatabase(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("DOWN");
    JsonObject database = body.getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(check -> "database".equals(check.getString("id"))).findFirst().orElseThrow();
    assertThat(database.getString("status")).isEqualTo("DOWN");
    assertThat(database.getJsonObject("data").getString("reason")).isEqualTo("the database does not answer");
  }

  private static HttpResponse<Buffer> readiness(Vertx vertx, String schemaVersion, boolean draining) {
    Router router = Router.router(vertx);
    DatabaseReadiness migrated = new DatabaseReadiness();
    migrated.complete(new DatabaseReadiness.Started(schemaVersion, new byte[32], () -> 1));
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
