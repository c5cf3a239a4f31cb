package com.contoso.lro.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Headers every response carries, and the Graph error body for failures of every kind. */
class ErrorResponsesTest extends ServiceTest {


  @Test
  void every_response_has_a_new_request_id_guid_and_echoes_client_request_id() {
    String token = service.tokens.user().sign();

    HttpResponse<Buffer> first = await(service.request(HttpMethod.POST, TestService.OPERATIONS)
      .bearerTokenAuthentication(token).putHeader("client-request-id", "my-call-1").sendJsonObject(new JsonObject()));
    HttpResponse<Buffer> second = service.create(token, new JsonObject());

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.getHeader("client-request-id")).isEqualTo("my-call-1");
    assertThat(second.getHeader("client-request-id")).isNull();
    assertThat(UUID.fromString(first.getHeader("request-id"))).isNotEqualTo(UUID.fromString(second.getHeader("request-id")));
  }

  @Test
  void an_error_body_carries_innerError_with_date_request_id_and_client_request_id() {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.POST, TestService.OPERATIONS)
      .putHeader("client-request-id", "trace-42")
      .sendJsonObject(new JsonObject()));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("client-request-id")).isEqualTo("trace-42");
    JsonObject inner = response.bodyAsJsonObject().getJsonObject("error").getJsonObject("innerError");
    assertThat(inner.getString("request-id")).isEqualTo(response.getHeader("request-id"));
    assertThat(inner.getString("client-request-id")).isEqualTo("trace-42");
    assertThat(OffsetDateTime.parse(inner.getString("date")).toInstant()).isCloseTo(Instant.now(), within(Duration.ofSeconds(10)));
  }

  @Test
  void an_unknown_path_is_a_404_in_the_graph_shape() {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.GET, "/beta/user/authentication/nothing-here")
      .bearerTokenAuthentication(service.tokens.user().sign()).send());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.getHeader("request-id")).isNotNull();
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("notFound");
  }

  @Test
  void without_a_token_even_an_unknown_path_is_a_401() {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.GET, "/beta/user/authentication/nothing-here").send());

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void a_path_spelled_with_a_trailing_slash_still_needs_a_token() {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.POST, TestService.OPERATIONS + "/")
      .sendJsonObject(new JsonObject()));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unauthorized");
  }

  @Test
  void a_method_the_contract_does_not_have_is_a_405_in_the_graph_shape() {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.PUT, TestService.OPERATIONS)
      .bearerTokenAuthentication(service.tokens.user().sign()).sendJsonObject(new JsonObject()));

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("methodNotAllowed");
  }

  @Test
  void a_url_that_cannot_be_decoded_is_a_400_in_the_graph_shape() {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.GET, "/beta/user/%zz").send());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("badRequest");
  }

  @Test
  void an_error_without_a_target_leaves_out_target_and_details_as_graph_does() {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.POST, TestService.OPERATIONS)
      .sendJsonObject(new JsonObject()));

    assertThat(response.bodyAsJsonObject().getJsonObject("error").fieldNames())
      .containsExactlyInAnyOrder("code", "message", "innerError");
  }

  /** Breaks this class's database for a moment, and mends it whatever happens. */
  @Test
  void an_unexpected_failure_is_a_500_in_the_graph_shape_logged_with_its_request_id_and_revealing_nothing() {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(GraphErrorHandler.class)).addAppender(log);
    await(service.database.pool().query("ALTER TABLE operations RENAME TO operations_gone").execute());
    try {
      HttpResponse<Buffer> response = service.create(service.tokens.user().sign(), new JsonObject());

      assertThat(response.statusCode()).isEqualTo(500);
      String body = response.bodyAsString();
      JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("internalServerError");
      assertThat(error.getString("message")).contains("request-id");
      assertThat(body).doesNotContainIgnoringCase("operations").doesNotContain("Exception").doesNotContain("relation")
        .doesNotContain("io.vertx").doesNotContain("\tat ");
      String requestId = response.getHeader("request-id");
      assertThat(log.list).anySatisfy(event -> {
        assertThat(event.getFormattedMessage()).contains(requestId);
        assertThat(event.getThrowableProxy()).isNotNull();
      });
    } finally {
      await(service.database.pool().query("ALTER TABLE operations_gone RENAME TO operations").execute());
      ((Logger) LoggerFactory.getLogger(GraphErrorHandler.class)).detachAppender(log);
    }
  }

  /**
   * The request log writes the client's client-request-id as sent when it is a short run of visible
   * ASCII, as a GUID is, and never a longer one, or one with a tab that would misalign the text
   * format's line: a header value may be 8 KiB long.
   */
  @Test
  void the_request_log_writes_a_client_request_id_only_when_it_is_short_and_printable() throws InterruptedException {
    Logger requestLog = (Logger) LoggerFactory.getLogger(RequestLog.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Level level = requestLog.getLevel();
    requestLog.setLevel(Level.INFO);
    requestLog.addAppender(log);
    try {
      String guid = UUID.randomUUID().toString();
      String odd = "forged\tline-" + "x".repeat(3_000);
      String plainId = await(service.request(HttpMethod.GET, "/health/live").putHeader("client-request-id", guid).send())
        .getHeader("request-id");
      String oddId = await(service.request(HttpMethod.GET, "/health/live").putHeader("client-request-id", odd).send())
        .getHeader("request-id");

      String plainLine = requestLogLine(log, plainId);
      String oddLine = requestLogLine(log, oddId);
      assertThat(plainLine).contains("client-request-id=" + guid);
      assertThat(oddLine).doesNotContain("forged").doesNotContain("xxxxxxxx").doesNotContain("\t");
    } finally {
      requestLog.detachAppender(log);
      requestLog.setLevel(level);
    }
  }

  /**
   * The fields of the request log's line for a request, as the JSON format writes them: written
   * once its answer has been sent, so perhaps just after the answer arrived.
   */
  private static String requestLogLine(ListAppender<ILoggingEvent> log, String requestId) throws InterruptedException {
    for (int i = 0; i < 250; i++) {
      synchronized (log) {
        for (ILoggingEvent event : log.list) {
          String fields = Arrays.stream(event.getArgumentArray()).map(String::valueOf).collect(Collectors.joining(" "));
          if (fields.contains("request-id=" + requestId)) {
            return fields;
          }
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no request log line for " + requestId);
  }

  /**
   * A failure's log line names the request by its route template, as the request log does, and its
   * caller by a pseudonym: never by its path, which holds another user's object id.
   */
  @Test
  void a_failure_on_another_users_operations_is_logged_without_that_users_object_id() {
    String otherUser = UUID.randomUUID().toString();
    String path = "/beta/users/" + otherUser + "/authentication/operations";
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(GraphErrorHandler.class)).addAppender(log);
    await(service.database.pool().query("ALTER TABLE operations RENAME TO operations_gone").execute());
    try {
      HttpResponse<Buffer> response = await(service.request(HttpMethod.POST, path)
        .bearerTokenAuthentication(service.tokens.user().appOnly("UserAuthenticationMethod.ReadWrite.All").sign())
        .sendJsonObject(new JsonObject()));

      assertThat(response.statusCode()).isEqualTo(500);
      String requestId = response.getHeader("request-id");
      assertThat(log.list).filteredOn(event -> event.getFormattedMessage().contains(requestId)).singleElement()
        .satisfies(event -> {
          assertThat(event.getFormattedMessage()).doesNotContainIgnoringCase(otherUser)
            .contains("route=/beta/users/{userId}/authentication/operations").contains("method=POST")
            .containsPattern("user=[0-9a-f]{16}");
          assertThat(event.getThrowableProxy().getMessage()).doesNotContainIgnoringCase(otherUser);
        });
    } finally {
      await(service.database.pool().query("ALTER TABLE operations_gone RENAME TO operations").execute());
      ((Logger) LoggerFactory.getLogger(GraphErrorHandler.class)).detachAppender(log);
    }
  }
}
