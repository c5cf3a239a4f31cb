package com.contoso.lro.http;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.contoso.lro.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static com.contoso.lro.http.RawAnswer.assertGraphError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 (over TLS, by ALPN: the service offers no HTTP/2 in cleartext) gets the answers HTTP/1.1 gets:
 * a header value with a control character is a 400 that neither echoes nor logs it; a {@code :path} over
 * the request-line limit is a 414 and a header section over the header limit a 431, in Graph's error
 * shape; and the idle timeout (2 s here) closes a connection that carries no requests, whatever PINGs
 * arrive on it.
 */
@ExtendWith(VertxExtension.class)
class Http2WireTest {

  private static SelfSignedCertificate certificate;
  private static TestService service;

  @BeforeAll
  static void startOverTls(Vertx vertx, VertxTestContext test) {
    certificate = SelfSignedCertificate.create("localhost");
    TestService.start(vertx, Map.of("TLS_CERT_FILE", certificate.certificatePath(),
        "TLS_KEY_FILE", certificate.privateKeyPath(), "HTTP_IDLE_TIMEOUT_SECONDS", "2"))
      .onComplete(test.succeeding(started -> {
        service = started;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    certificate.delete();
    service.stop().onComplete(test.succeedingThenComplete());
  }

  private static final List<String> CONTROL_VALUES = List.of("a\rb", "a\nb", "a\u0000b", "a\u0001b", "a\u007fb", "a\n b",
    "a\r\n b");

  @Test
  void a_header_value_with_a_control_character_is_a_400_on_every_path_never_echoed_nor_logged() throws IOException {
    try (CapturedLogs logs = new CapturedLogs(); RawHttp2 http = RawHttp2.overTls(service.port, 10_000)) {
      for (String path : List.of("/health/live", "/metrics", TestService.OPERATIONS)) {
        for (String value : CONTROL_VALUES) {
          RawHttp2.Answer answer = http.request("GET", path, List.of(new String[] {"client-request-id", value},
            new String[] {"authorization", "Bearer " + service.tokens.user().sign()}));

          String shown = path + " " + value.chars().mapToObj(Integer::toHexString).toList();
          assertThat(answer.status()).as(shown).isEqualTo(400);
          assertThat(answer.header("client-request-id")).as(shown).isNull();
          assertThat(answer.header("request-id")).as(shown).isNotBlank();
          assertThat(answer.header("x-content-type-options")).as(shown).isEqualTo("nosniff");
          JsonObject error = new JsonObject(answer.bodyText()).getJsonObject("error");
          assertThat(error.getString("code")).as(shown).isEqualTo("badRequest");
          assertThat(error.getString("message")).as(shown).contains("client-request-id");
          assertThat(error.getJsonObject("innerError").getString("client-request-id")).as(shown).isNull();
        }
      }
      assertThat(logs.errorsOrTraces()).isEmpty();
      assertThat(logs.events()).map(ILoggingEvent::getFormattedMessage)
        .noneMatch(line -> line.contains("a\rb") || line.contains("a\nb") || line.contains("a\u0000b")
          || line.contains("a\u0001b") || line.contains("a\u007fb") || line.contains("a\n b"));
    }
  }

  @Test
  void a_valid_client_request_id_is_still_echoed_over_http2() throws IOException {
    try (RawHttp2 http = RawHttp2.overTls(service.port, 10_000)) {
      RawHttp2.Answer answer = http.request("GET", "/health/live", List.<String[]>of(new String[] {"client-request-id",
        "a b\tc-1"}));

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("client-request-id")).isEqualTo("a b\tc-1");
    }
  }

  @Test
  void a_path_over_the_request_line_limit_is_a_414_in_the_graph_shape() throws IOException {
    try (RawHttp2 http = RawHttp2.overTls(service.port, 10_000)) {
      RawHttp2.Answer answer = http.request("GET", TestService.OPERATIONS + "?$filter=" + "x".repeat(8 * 1024),
        List.<String[]>of(auth()));

      assertThat(answer.status()).isEqualTo(414);
      assertGraphError(answer, "requestUriTooLong");
    }
  }

  @Test
  void a_header_section_over_the_limit_is_a_431_in_the_graph_shape() throws IOException {
    try (RawHttp2 http = RawHttp2.overTls(service.port, 10_000)) {
      RawHttp2.Answer answer = http.request("GET", TestService.OPERATIONS,
        List.of(auth(), new String[] {"x-padding", "p".repeat(8 * 1024)}));

      assertThat(answer.status()).isEqualTo(431);
      assertGraphError(answer, "requestHeaderFieldsTooLarge");
    }
  }

  @Test
  void many_headers_that_add_up_to_over_the_limit_are_a_431_and_the_connection_serves_on() throws IOException {
    try (RawHttp2 http = RawHttp2.overTls(service.port, 10_000)) {
      List<String[]> headers = new java.util.ArrayList<>(List.<String[]>of(auth()));
      for (int i = 0; i < 100; i++) {
        headers.add(new String[] {"x-padding-" + i, "c".repeat(80)});
      }

      RawHttp2.Answer answer = http.request("GET", TestService.OPERATIONS, headers);

      assertThat(answer.status()).isEqualTo(431);
      assertGraphError(answer, "requestHeaderFieldsTooLarge");
      assertThat(http.request("GET", TestService.OPERATIONS, List.<String[]>of(auth())).status()).isEqualTo(200);
    }
  }

  @Test
  void headers_of_6_KiB_and_a_path_of_7_KiB_are_read() throws IOException {
    try (RawHttp2 http = RawHttp2.overTls(service.port, 10_000)) {
      RawHttp2.Answer headers = http.request("GET", TestService.OPERATIONS,
        List.of(auth(), new String[] {"x-padding", "p".repeat(6 * 1024)}));
      RawHttp2.Answer path = http.request("GET", TestService.OPERATIONS + "?$filter="
        + ("statusDetail eq '" + "x".repeat(7 * 1024) + "'").replace(" ", "%20"), List.<String[]>of(auth()));

      assertThat(headers.status()).isEqualTo(200);
      assertThat(path.status()).as("the filter parser's own limit, not the server's").isEqualTo(400);
    }
  }

  @Test
  void pings_do_not_keep_an_idle_connection_open_past_the_idle_timeout() throws Exception {
    try (RawHttp2 http = RawHttp2.overTls(service.port, 10_000)) {
      assertThat(http.request("GET", "/health/live", List.of()).status()).isEqualTo(200);
      long started = System.nanoTime();

      boolean closed = false;
      while (!closed && elapsedMillis(started) < 10_000) {
        http.ping();
        Thread.sleep(250);
        closed = http.closedByServer();
      }

      assertThat(closed).as("closed while pinged every 250 ms, idle timeout 2 s").isTrue();
      assertThat(elapsedMillis(started)).isGreaterThanOrEqualTo(1_500);
    }
  }

  @Test
  void a_connection_that_carries_requests_is_not_cut_by_the_idle_timeout() throws Exception {
    try (RawHttp2 http = RawHttp2.overTls(service.port, 10_000)) {
      long started = System.nanoTime();
      while (elapsedMillis(started) < 5_000) {
        assertThat(http.request("GET", "/health/live", List.of()).status()).isEqualTo(200);
        Thread.sleep(500);
      }
    }
  }

  private static String[] auth() {
    return new String[] {"authorization", "Bearer " + service.tokens.user().sign()};
  }

  private static long elapsedMillis(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
