package com.contoso.lro.http;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static com.contoso.lro.http.RawAnswer.assertGraphError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's limits: a request line over 8 KiB is a 414, a header section over 8 KiB a 431, a body
 * over 64 KiB a 413, and a request that is not HTTP a 400; each in Graph's error shape, with a
 * request-id, although most are refused before any route sees them.
 */
class RequestLimitsTest extends ServiceTest {

  private static final String HOST = "Host: localhost\r\n";

  @Test
  void a_request_line_over_8_KiB_is_a_414_in_the_graph_shape_and_the_connection_is_closed() throws IOException {
    String query = "?$filter=" + "x".repeat(8 * 1024);

    RawHttp.Answer answer = exchange("GET " + TestService.OPERATIONS + query + " HTTP/1.1\r\n" + HOST + auth() + "\r\n");

    assertThat(answer.status()).isEqualTo(414);
    assertGraphError(answer, "requestUriTooLong");
    assertThat(answer.header("connection")).isEqualTo("close");
  }

  @Test
  void a_request_line_of_7_KiB_reaches_the_service_which_judges_it() throws IOException {
    String filter = "statusDetail eq '" + "x".repeat(7 * 1024) + "'";

    RawHttp.Answer answer = exchange("GET " + TestService.OPERATIONS + "?$filter=" + filter.replace(" ", "%20")
      + " HTTP/1.1\r\n" + HOST + auth() + "\r\n");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(new JsonObject(answer.bodyText()).getJsonObject("error").getString("message"))
      .as("the filter parser's own limit, not the server's").contains("$filter").contains("too long");
  }

  @Test
  void a_header_section_over_8_KiB_is_a_431_in_the_graph_shape() throws IOException {
    RawHttp.Answer answer = exchange("GET " + TestService.OPERATIONS + " HTTP/1.1\r\n" + HOST + auth()
      + "X-Padding: " + "p".repeat(8 * 1024) + "\r\n\r\n");

    assertThat(answer.status()).isEqualTo(431);
    assertGraphError(answer, "requestHeaderFieldsTooLarge");
  }

  @Test
  void many_headers_that_add_up_to_over_8_KiB_are_a_431_too() throws IOException {
    String repeated = ("client-request-id: " + "c".repeat(80) + "\r\n").repeat(100);

    RawHttp.Answer answer = exchange("GET " + TestService.OPERATIONS + " HTTP/1.1\r\n" + HOST + auth() + repeated + "\r\n");

    assertThat(answer.status()).isEqualTo(431);
    assertGraphError(answer, "requestHeaderFieldsTooLarge");
  }

  @Test
  void headers_of_6_KiB_are_read() throws IOException {
    RawHttp.Answer answer = exchange("GET " + TestService.OPERATIONS + " HTTP/1.1\r\n" + HOST + auth()
      + "X-Padding: " + "p".repeat(6 * 1024) + "\r\n\r\n");

    assertThat(answer.status()).isEqualTo(200);
  }

  @Test
  void a_chunked_body_that_grows_over_64_KiB_is_a_413() throws IOException {
    String chunk = "x".repeat(16 * 1024);
    StringBuilder request = new StringBuilder("POST " + TestService.OPERATIONS + " HTTP/1.1\r\n" + HOST + auth()
      + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 5; i++) {
      request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
    }
    request.append("0\r\n\r\n");

    RawHttp.Answer answer = exchange(request.toString());

    assertThat(answer.status()).isEqualTo(413);
    assertGraphError(answer, "payloadTooLarge");
  }

  @Test
  void a_malformed_header_is_a_400_in_the_graph_shape() throws IOException {
    RawHttp.Answer answer = exchange("POST " + TestService.OPERATIONS + " HTTP/1.1\r\n" + HOST + auth()
      + "Content-Length: twelve\r\n\r\n");

    assertThat(answer.status()).isEqualTo(400);
    assertGraphError(answer, "badRequest");
  }

  private static String auth() {
    return "Authorization: Bearer " + service.tokens.user().sign() + "\r\n";
  }

  private static RawHttp.Answer exchange(String request) throws IOException {
    try (RawHttp http = new RawHttp(service.port, 10_000)) {
      return http.exchange(request.getBytes(StandardCharsets.UTF_8), true);
    }
  }
}
