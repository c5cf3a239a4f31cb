package com.contoso.lro.db;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.contoso.lro.ServiceEnv;
import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestDatabase;
import com.contoso.lro.TestService;
import com.contoso.lro.http.GraphErrorHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static com.contoso.lro.GraphErrors.assertServiceUnavailable;
import static com.contoso.lro.TestService.OPERATIONS;
import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A statement held up in the database, here behind a lock that another session holds, is not a
 * stuck request: PostgreSQL cancels it after DB_STATEMENT_TIMEOUT_MS, and the service gives up on
 * it after DB_TIMEOUT_SECONDS in any case; either way the answer is a 503 with Retry-After, and the
 * next requests are served. Waiting for a change (Prefer: wait) is not a statement.
 */
@ServiceEnv("DB_STATEMENT_TIMEOUT_MS=500")
class StatementTimeoutTest extends ServiceTest {

  /** For a machine busy with other work: a bound on a hang, not a measure of speed. */
  private static final Duration MARGIN = Duration.ofSeconds(3);

  @Test
  void a_statement_that_waits_on_a_lock_is_cancelled_by_statement_timeout_and_answered_503() {
    String token = service.tokens.user().sign();
    String id = service.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");

    SqlConnection locker = await(service.database.lockTable("operations"));
    try {
      assertUnavailableWithin(Duration.ofMillis(500), () -> service.call(GET, OPERATIONS + "/" + id, token, null));
      assertUnavailableWithin(Duration.ofMillis(500),
        () -> service.call(PATCH, OPERATIONS + "/" + id, token, new JsonObject().put("status", "succeeded")));
    } finally {
      await(TestDatabase.unlock(locker));
    }

    HttpResponse<Buffer> after = service.call(GET, OPERATIONS + "/" + id, token, null);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.bodyAsJsonObject().getString("status")).as("the cancelled PATCH changed nothing").isEqualTo("running");
  }

  /** The warning a 503 leaves names the route template, never the path, which holds another user's object id. */
  @Test
  void a_503_on_another_users_operation_is_logged_without_that_users_object_id() {
    String otherUser = UUID.randomUUID().toString();
    String path = "/beta/users/" + otherUser + "/authentication/operations/" + UUID.randomUUID();
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger errors = (Logger) LoggerFactory.getLogger(GraphErrorHandler.class);
    errors.addAppender(log);
    SqlConnection locker = await(service.database.lockTable("operations"));
    try {
      HttpResponse<Buffer> response = service.call(GET, path,
        service.tokens.user().appOnly("UserAuthenticationMethod.Read.All").sign(), null);

      assertServiceUnavailable(response);
      String requestId = response.getHeader("request-id");
      assertThat(log.list).filteredOn(event -> event.getFormattedMessage().contains(requestId)).singleElement()
        .satisfies(event -> {
          assertThat(event.getLevel()).isEqualTo(Level.WARN);
          assertThat(event.getFormattedMessage()).doesNotContainIgnoringCase(otherUser)
            .contains("route=/beta/users/{userId}/authentication/operations/{longRunningOperationId}")
            .containsPattern("user=[0-9a-f]{16}");
        });
    } finally {
      await(TestDatabase.unlock(locker));
      errors.detachAppender(log);
    }
  }

  @Test
  void without_a_statement_timeout_requests_still_answer_503_after_db_timeout_seconds_even_queued_for_a_connection(
    Vertx vertx) {
    // One connection per API verticle, so that most of these requests queue for one held by a stuck statement.
    TestService untimed = await(TestService.start(vertx,
      Map.of("DB_STATEMENT_TIMEOUT_MS", "0", "DB_TIMEOUT_SECONDS", "1", "DB_POOL_SIZE", "2")));
    try {
      String token = untimed.tokens.user().sign();
      String id = untimed.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");

      SqlConnection locker = await(untimed.database.lockTable("operations"));
      try {
        long start = System.nanoTime();
        List<Future<HttpResponse<Buffer>>> reads = IntStream.range(0, 4)
          .mapToObj(i -> untimed.request(GET, OPERATIONS + "/" + id).bearerTokenAuthentication(token).send()).toList();
        await(Future.join(reads));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(reads).allSatisfy(read -> assertServiceUnavailable(read.result()));
        assertThat(took).isLessThan(Duration.ofSeconds(1).plus(MARGIN));
      } finally {
        await(TestDatabase.unlock(locker));
      }
      assertThat(untimed.call(GET, OPERATIONS + "/" + id, token, null).statusCode()).as("once the lock is gone").isEqualTo(200);

      HttpResponse<Buffer> waited = await(untimed.request(GET, OPERATIONS + "/" + id)
        .bearerTokenAuthentication(token).putHeader("Prefer", "wait=2").send());
      assertThat(waited.statusCode()).as("a wait of 2 s is longer than DB_TIMEOUT_SECONDS, and fine").isEqualTo(200);
      assertThat(waited.getHeader("Preference-Applied")).isEqualTo("wait=2");
    } finally {
      await(untimed.stop());
    }
  }

  private static void assertUnavailableWithin(Duration timeout, java.util.function.Supplier<HttpResponse<Buffer>> call) {
    long start = System.nanoTime();
    HttpResponse<Buffer> response = call.get();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.plus(MARGIN));
    assertServiceUnavailable(response);
  }
}
