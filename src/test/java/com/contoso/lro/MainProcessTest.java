package com.contoso.lro;

import com.contoso.lro.auth.DevToken;
import com.contoso.lro.config.AppConfig;
import com.contoso.lro.db.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service as an operator runs it, a real process: it migrates a fresh database, serves, accepts
 * the token that {@code make token} prints, counts in /metrics, and on SIGTERM (handled as Ctrl-C's SIGINT is) stops
 * gracefully: a held long-poll answers its current state, and the process exits 0. On a database
 * whose applied migrations differ from this build's, it does not start: it exits 1, saying which.
 */
@ExtendWith(VertxExtension.class)
class MainProcessTest {

  /** This build's last migration: the version of the newest db/migration/V{n}__*.sql. */
  private static final int LATEST_MIGRATION = latestMigration();

  private static int latestMigration() {
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
      return files.map(file -> file.getFileName().toString()).filter(name -> name.matches("V\\d+__.*\\.sql"))
        .mapToInt(name -> Integer.parseInt(name.substring(1, name.indexOf("__")))).max().orElseThrow();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }


  @TempDir
  Path dir;

  @Test
  void it_starts_serves_a_create_with_a_make_token_token_and_stops_cleanly(Vertx vertx) throws Exception {
    TestDatabase database = await(TestDatabase.create(vertx));
    Process server = null;
    try {
      int port = TestService.freePort();
      Path keyFile = dir.resolve("signing-key.pem");
      ProcessBuilder main = JavaProcess.command(Main.class, Map.of("HTTP_PORT", String.valueOf(port), "AUTH_DEV_KEY_FILE", keyFile.toString()));
      main.environment().putAll(database.env());
      server = main.start();
      List<String> output = new CopyOnWriteArrayList<>();
      JavaProcess.Output followed = JavaProcess.follow(server, output);
      assertThat(followed.serving().await(60, TimeUnit.SECONDS)).as("serving; output: %s", output).isTrue();

      Process tokenCommand = JavaProcess.command(DevToken.class, Map.of("AUTH_DEV_KEY_FILE", keyFile.toString())).start();
      String token = new String(tokenCommand.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      WebClient client = WebClient.create(vertx);
      HttpResponse<Buffer> created = await(client
        .post(port, "localhost", TestService.OPERATIONS)
        .bearerTokenAuthentication(token)
        .putHeader("client-request-id", "caller-trace-7")
        .sendJsonObject(new JsonObject().put("status", "running")));
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      String metrics = await(client.get(port, "localhost", "/metrics").send()).bodyAsString();
      assertThat(metrics).as("Main runs Vert.x with its metrics on")
        .contains("vertx_http_server_requests_total{code=\"201\",method=\"POST\",route=\"/beta/user/authentication/operations\"} 1.0")
        .contains("vertx_pool_in_use{pool_name=\"lro-pool\",pool_type=\"sql\"}")
        .contains("lro_created_operations_total 1.0");
      Future<HttpResponse<Buffer>> waiting = client
        .get(port, "localhost", TestService.OPERATIONS + "/" + created.bodyAsJsonObject().getString("id"))
        .bearerTokenAuthentication(token).putHeader("Prefer", "wait=60").send();
      Thread.sleep(1000);

      server.toHandle().destroy();
      HttpResponse<Buffer> answered = await(waiting);
      assertThat(answered.statusCode()).as("a held long-poll answers its current state on SIGTERM").isEqualTo(200);
      assertThat(answered.bodyAsJsonObject().getString("status")).isEqualTo("running");
      // An idle keep-alive connection would hold the drain for the whole grace period.
      client.close();
      assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
      assertThat(followed.ended().await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).as("a graceful stop exits 0; output: %s", output).isZero();
      assertThat(output).anySatisfy(line -> assertThat(line).contains("Stopped"));
      assertThat(output).as("one JSON object per log line").allSatisfy(line ->
        assertThat(line.startsWith("{") ? new JsonObject(line) : line).isInstanceOf(JsonObject.class));
      JsonObject createLog = output.stream().map(JsonObject::new)
        .filter(line -> "POST".equals(line.getString("method"))).findFirst().orElseThrow();
      assertThat(createLog.getString("route")).isEqualTo("/beta/user/authentication/operations");
      assertThat(createLog.getInteger("status")).isEqualTo(201);
      assertThat(createLog.getString("request-id")).isEqualTo(created.getHeader("request-id"));
      assertThat(createLog.getString("client-request-id")).isEqualTo("caller-trace-7");
      assertThat(createLog.getString("user")).hasSize(16).isNotEqualTo(DevToken.USER_OID);
      assertThat(createLog.getLong("durationMs")).isNotNegative();
      assertThat(String.join("\n", output)).as("no token in the logs").doesNotContain(token);
      assertThat(output).noneSatisfy(line -> assertThat(line).contains("did not finish cleanly"));
    } finally {
      if (server != null) {
        server.destroyForcibly();
      }
      await(database.drop());
    }
  }

  @Test
  void log_format_text_gives_readable_lines_and_log_level_filters_them(Vertx vertx) throws Exception {
    TestDatabase database = await(TestDatabase.create(vertx));
    try {
      List<String> text = runAndStop(vertx, database, Map.of("LOG_FORMAT", "text"));
      assertThat(text).anySatisfy(line -> assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO .*Serving http://.*"));
      assertThat(text).anySatisfy(line -> assertThat(line).contains("INFO").contains("method=GET").contains("status=200"));
      assertThat(text).noneSatisfy(line -> assertThat(line).startsWith("{"));

      List<String> warnings = runAndStop(vertx, database, Map.of("LOG_LEVEL", "WARN"));
      assertThat(warnings).as("LOG_LEVEL=WARN leaves out the INFO lines of start-up and requests")
        .noneSatisfy(line -> assertThat(line).contains("\"level\":\"INFO\""));
    } finally {
      await(database.drop());
    }
  }

  @Test
  void on_a_migrated_database_it_starts_and_once_an_applied_migration_was_edited_it_exits_1_naming_the_migration(Vertx vertx)
    throws Exception {
    TestDatabase database = await(TestDatabase.create(vertx));
    try {
      await(Migrations.apply(vertx, AppConfig.from(database.env()).database()));
      assertThat(runAndStop(vertx, database, Map.of()))
        .anySatisfy(line -> assertThat(line).contains("The database is ready, at schema version " + LATEST_MIGRATION));

      // As if V1__operations.sql had been edited after it was applied.
      await(database.pool().query("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'").execute());
      ProcessBuilder main = JavaProcess.command(Main.class, Map.of("HTTP_PORT", String.valueOf(TestService.freePort()),
        "AUTH_DEV_KEY_FILE", dir.resolve("signing-key.pem").toString(), "LOG_FORMAT", "text"));
      main.environment().putAll(database.env());
      Process server = main.start();
      try {
        List<String> output = new CopyOnWriteArrayList<>();
        JavaProcess.Output followed = JavaProcess.follow(server, output);
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("exits by itself; output: %s", output).isTrue();
        assertThat(followed.ended().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).as("output: %s", output).isEqualTo(1);
        assertThat(String.join("\n", output))
          .contains("Start-up failed: Flyway refuses the database's schema history, which does not match this build's migrations")
          .contains("Migration checksum mismatch for migration version 1");
        assertThat(output).as("Flyway's reasons, not buried under a stack trace").noneSatisfy(line -> assertThat(line).startsWith("\tat "));
        assertThat(output).noneSatisfy(line -> assertThat(line).contains("Serving http://"));
      } finally {
        server.destroyForcibly();
      }
    } finally {
      await(database.drop());
    }
  }

  @Test
  void a_sigterm_while_it_is_still_starting_stops_it_and_exits_0() throws Exception {
    // Start-up waits on the silent database for DB_TIMEOUT_SECONDS: a window in which to stop it.
    try (ServerSocket silent = silentDatabase()) {
      Process server = onSilentDatabase(silent, TestService.freePort(), 5).start();
      try {
        List<String> output = new CopyOnWriteArrayList<>();
        JavaProcess.Output followed = JavaProcess.follow(server, output);
        silent.setSoTimeout(60_000);
        try (Socket connecting = silent.accept()) {
          // The service is connecting to its database, so start-up is under way and the signals are handled.
          server.toHandle().destroy();
          assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("exits after SIGTERM; output: %s", output).isTrue();
        }
        assertThat(followed.ended().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).as("output: %s", output).isZero();
        assertThat(output).noneSatisfy(line -> assertThat(line).contains("Start-up failed"));
        assertThat(output).anySatisfy(line -> assertThat(line).contains("Stopped"));
      } finally {
        server.destroyForcibly();
      }
    }
  }

  @Test
  void with_a_database_that_takes_connections_and_never_answers_it_serves_503_within_db_timeout_seconds(Vertx vertx)
    throws Exception {
    try (ServerSocket silent = silentDatabase()) {
      int port = TestService.freePort();
      Process server = onSilentDatabase(silent, port, 2).start();
      try {
        List<String> output = new CopyOnWriteArrayList<>();
        JavaProcess.follow(server, output);
        WebClient client = WebClient.create(vertx);
        int live = pollUntil200(client, port, "/health/live", server, 300);
        assertThat(live).as("serving, though its database never answers; output: %s", output).isEqualTo(200);
        assertThat(client.get(port, "localhost", "/health/ready").send().map(HttpResponse::statusCode)
          .await(5, TimeUnit.SECONDS)).isEqualTo(503);
        client.close();
        assertThat(output).anySatisfy(line -> assertThat(line).contains("the database did not answer within 2 s"));
        // Not asked of it yet: a clean stop. Its pools' connections to such a server never finish
        // connecting (the PostgreSQL client bounds only the TCP connect), and Vert.x waits for them.
      } finally {
        server.destroyForcibly();
      }
    }
  }

  /**
   * Asks {@code path} every 100 ms, at most {@code attempts} times, until it answers 200 or the
   * server exits; the last status, 0 for no answer. Each probe has a timeout: Vert.x 5.0.7, with
   * metrics on, can leave a connection accepted while the server is starting unanswered (as
   * scripts/check-jar.sh notes); such a probe then failed the test.
   */
  private static int pollUntil200(WebClient client, int port, String path, Process server, int attempts)
    throws Exception {
    int status = 0;
    for (int attempt = 0; attempt < attempts && status != 200 && server.isAlive(); attempt++) {
      Thread.sleep(100);
      status = client.get(port, "localhost", path).timeout(2000).send()
        .map(HttpResponse::statusCode).otherwise(0).await(5, TimeUnit.SECONDS);
    }
    return status;
  }

  /** A database server that takes connections (into its backlog) and never answers them. */
  private static ServerSocket silentDatabase() throws IOException {
    return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  /** The service on {@code port}, its database {@code silent}, waiting on it {@code timeoutSeconds} at most. */
  private ProcessBuilder onSilentDatabase(ServerSocket silent, int port, int timeoutSeconds) {
    return JavaProcess.command(Main.class, Map.of("HTTP_PORT", String.valueOf(port),
      "AUTH_DEV_KEY_FILE", dir.resolve("signing-key.pem").toString(), "LOG_FORMAT", "text",
      "PGHOST", "127.0.0.1", "PGPORT", String.valueOf(silent.getLocalPort()), "DB_TIMEOUT_SECONDS", String.valueOf(timeoutSeconds)));
  }

  /** Starts the service with {@code env}, asks it whether it is ready, stops it, and returns what it printed. */
  private List<String> runAndStop(Vertx vertx, TestDatabase database, Map<String, String> env) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    int port = TestService.freePort();
    all.put("HTTP_PORT", String.valueOf(port));
    all.put("AUTH_DEV_KEY_FILE", dir.resolve("signing-key.pem").toString());
    ProcessBuilder main = JavaProcess.command(Main.class, all);
    main.environment().putAll(database.env());
    Process server = main.start();
    try {
      List<String> output = new CopyOnWriteArrayList<>();
      JavaProcess.Output followed = JavaProcess.follow(server, output);
      WebClient client = WebClient.create(vertx);
      int status = pollUntil200(client, port, "/health/ready", server, 600);
      client.close();
      assertThat(status).as("ready; output: %s", output).isEqualTo(200);
      server.toHandle().destroy();
      assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
      assertThat(followed.ended().await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).as("output: %s", output).isZero();
      return output;
    } finally {
      server.destroyForcibly();
    }
  }
}
