package com.contoso.lro.http;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static com.contoso.lro.http.RawAnswer.assertGraphError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/1.1 requests whose body framing is ambiguous or broken (RFC 9112 6.1, 6.3, 7.1) or whose target
 * host is (3.2): each is a 400 in Graph's error shape, the connection is closed after it, and no request
 * sent behind it on the same connection is ever answered, since where it starts cannot be known.
 */
class RequestFramingTest extends ServiceTest {

  private static final String BODY = "{\"@odata.type\":\"#microsoft.graph.longRunningOperation\"}";
  private static final String SMUGGLED = "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n";

  @Test
  void content_length_with_chunked_is_a_400_and_the_request_behind_it_is_never_answered() throws IOException {
    String request = post("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n") + chunked(BODY) + SMUGGLED;

    assertRefusedAlone(request, "Content-Length");
  }

  @Test
  void an_obs_folded_transfer_encoding_with_content_length_is_a_400_too() throws IOException {
    String request = post("Transfer-Encoding:\r\n chunked\r\nContent-Length: 4\r\n") + chunked(BODY) + SMUGGLED;

    assertRefusedAlone(request, "Content-Length");
  }

  @Test
  void content_length_with_chunked_is_a_400_in_http_1_0_as_well() throws IOException {
    String request = post("Connection: keep-alive\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n")
      .replace("HTTP/1.1", "HTTP/1.0") + chunked(BODY) + SMUGGLED;

    assertRefusedAlone(request, "Content-Length");
  }

  @Test
  void a_transfer_encoding_other_than_chunked_is_a_400_before_the_body_is_read() throws IOException {
    String request = post("Transfer-Encoding: gzip, chunked\r\n") + chunked(BODY) + SMUGGLED;

    assertRefusedAlone(request, "Transfer-Encoding");
  }

  @Test
  void two_host_headers_are_a_400() throws IOException {
    String request = "GET /health/live HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n" + SMUGGLED;

    assertRefusedAlone(request, "Host");
  }

  @Test
  void a_chunk_size_that_overflows_is_a_400_the_connection_is_closed_and_nothing_is_logged_as_a_500()
    throws IOException {
    int before = storedCount();
    try (CapturedLogs logs = new CapturedLogs(); Socket socket = new RawHttp(service.port, 10_000).open()) {
      RawHttp.write(socket.getOutputStream(), post("Transfer-Encoding: chunked\r\nclient-request-id: overflow-1\r\n")
        + "ffffffffffffffff14\r\n" + BODY + "\r\n0\r\n\r\n");

      RawHttp.Answer answer = RawHttp.read(socket.getInputStream(), true);

      assertThat(answer.status()).isEqualTo(400);
      assertGraphError(answer, "badRequest");
      assertThat(answer.header("connection")).isEqualTo("close");
      assertThat(endOfStream(socket.getInputStream())).isTrue();
      assertThat(logs.requestLines()).anySatisfy(line -> assertThat(line).contains("status=400"))
        .noneSatisfy(line -> assertThat(line).contains("status=500"));
      assertThat(logs.errorsOrTraces()).isEmpty();
    }
    assertThat(storedCount()).isEqualTo(before);
  }

  @Test
  void a_chunk_size_that_is_not_hexadecimal_is_a_400() throws IOException {
    try (Socket socket = new RawHttp(service.port, 10_000).open()) {
      RawHttp.write(socket.getOutputStream(), post("Transfer-Encoding: chunked\r\n") + "zz\r\n" + BODY + "\r\n0\r\n\r\n");

      RawHttp.Answer answer = RawHttp.read(socket.getInputStream(), true);

      assertThat(answer.status()).isEqualTo(400);
      assertGraphError(answer, "badRequest");
      assertThat(endOfStream(socket.getInputStream())).isTrue();
    }
  }

  @Test
  void a_well_framed_chunked_create_and_a_request_pipelined_behind_it_are_both_answered() throws IOException {
    try (Socket socket = new RawHttp(service.port, 10_000).open()) {
      RawHttp.write(socket.getOutputStream(), post("Transfer-Encoding: chunked\r\n") + chunked(BODY) + SMUGGLED);

      assertThat(RawHttp.read(socket.getInputStream(), true).status()).isEqualTo(201);
      assertThat(RawHttp.read(socket.getInputStream(), true).status()).isEqualTo(200);
    }
  }

  @Test
  void a_header_value_with_a_control_character_is_a_400_that_is_neither_echoed_nor_logged() throws IOException {
    try (CapturedLogs logs = new CapturedLogs()) {
      for (String value : List.of("a\u0000b", "a\u0001b", "a\u007fb")) {
        try (RawHttp http = new RawHttp(service.port, 10_000)) {
          RawHttp.Answer answer = http.exchange(("GET /health/live HTTP/1.1\r\nHost: localhost\r\nclient-request-id: "
            + value + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), true);

          assertThat(answer.status()).as(value).isEqualTo(400);
          assertThat(answer.header("client-request-id")).isNull();
          assertGraphError(answer, "badRequest");
          assertThat(new JsonObject(answer.bodyText()).getJsonObject("error").getJsonObject("innerError")
            .getString("client-request-id")).isNull();
        }
      }
      assertThat(logs.errorsOrTraces()).isEmpty();
      assertThat(logs.events()).noneMatch(event -> event.getFormattedMessage().contains("a\u0001b")
        || event.getFormattedMessage().contains("a\u007fb") || event.getFormattedMessage().contains("a\u0000b"));
    }
  }

  @Test
  void an_http2_preface_in_cleartext_and_an_unknown_method_get_graphs_error_shape() throws IOException {
    try (RawHttp http = new RawHttp(service.port, 10_000)) {
      RawHttp.Answer answer = http.exchange("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII), true);

      assertThat(answer.status()).as("HTTP/2 is offered over TLS only").isEqualTo(400);
      assertGraphError(answer, "badRequest");
    }
    try (RawHttp http = new RawHttp(service.port, 10_000)) {
      RawHttp.Answer answer = http.exchange(("FROB " + TestService.OPERATIONS + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII), true);

      assertThat(answer.status()).as("refused before any route, as any request without a token").isEqualTo(401);
      assertGraphError(answer, "unauthorized");
    }
  }

  /** Sends {@code request} (the refused one, then another) and expects one 400, then the connection's end. */
  private static void assertRefusedAlone(String request, String named) throws IOException {
    int before = storedCount();
    try (Socket socket = new RawHttp(service.port, 10_000).open()) {
      RawHttp.write(socket.getOutputStream(), request);

      RawHttp.Answer answer = RawHttp.read(socket.getInputStream(), true);

      assertThat(answer.status()).isEqualTo(400);
      assertGraphError(answer, "badRequest");
      assertThat(new JsonObject(answer.bodyText()).getJsonObject("error").getString("message")).contains(named);
      assertThat(answer.header("connection")).isEqualTo("close");
      assertThat(endOfStream(socket.getInputStream())).as("no second answer: the connection ends").isTrue();
    }
    assertThat(storedCount()).isEqualTo(before);
  }

  private static String post(String framing) {
    return "POST " + TestService.OPERATIONS + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
      + service.tokens.user().sign() + "\r\nContent-Type: application/json\r\n" + framing + "\r\n";
  }

  private static String chunked(String body) {
    return Integer.toHexString(body.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + body + "\r\n0\r\n\r\n";
  }

  /** Whether the server closed the connection with nothing more sent. */
  private static boolean endOfStream(InputStream in) throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketException reset) {
      return true;
    }
  }

  private static int storedCount() {
    return TestService.await(service.database.pool().query("SELECT count(*) FROM operations").execute())
      .iterator().next().getInteger(0);
  }
}
