package com.contoso.lro.http;

import com.contoso.lro.ServiceEnv;
import com.contoso.lro.ServiceTest;
import com.contoso.lro.config.AppConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections that dawdle are cut: one that sends nothing after HTTP_IDLE_TIMEOUT_SECONDS, one that
 * sends its request head a byte at a time after the same, one that trickles its body after
 * HTTP_BODY_TIMEOUT_SECONDS (with a 408). Here both are 2 s; each test allows 10 s at most.
 */
@ServiceEnv({"HTTP_IDLE_TIMEOUT_SECONDS=2", "HTTP_BODY_TIMEOUT_SECONDS=2"})
class ConnectionTimeoutsTest extends ServiceTest {

  private static final int BOUND_MILLIS = 10_000;

  @Test
  void a_connection_that_sends_nothing_is_closed_after_the_idle_timeout() throws IOException {
    try (Socket socket = connect()) {
      long started = System.nanoTime();

      assertThat(socket.getInputStream().read()).as("end of stream: the server closed it").isEqualTo(-1);
      assertThat(elapsedMillis(started)).isGreaterThanOrEqualTo(1_500);
    }
  }

  @Test
  void a_kept_alive_connection_serves_requests_until_it_idles() throws IOException {
    try (Socket socket = connect()) {
      for (int i = 0; i < 3; i++) {
        RawHttp.write(socket.getOutputStream(), "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(RawHttp.read(socket.getInputStream(), true).status()).isEqualTo(200);
      }
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void a_request_head_sent_a_byte_at_a_time_is_cut() throws Exception {
    byte[] head = ("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "s".repeat(100) + "\r\n\r\n")
      .getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = connect()) {
      long started = System.nanoTime();

      boolean cut = trickle(socket, head, 200);

      assertThat(cut).as("cut before the head was whole, %d bytes at 200 ms each", head.length).isTrue();
      assertThat(elapsedMillis(started)).isLessThan(BOUND_MILLIS);
    }
  }

  @Test
  void a_body_sent_a_byte_at_a_time_is_a_408_and_the_connection_is_closed() throws Exception {
    String body = new JsonObject().put("statusDetail", "s".repeat(200)).encode();
    try (Socket socket = connect()) {
      RawHttp.write(socket.getOutputStream(), "POST /beta/me/authentication/operations HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: Bearer " + service.tokens.user().sign() + "\r\nContent-Type: application/json\r\n"
        + "client-request-id: slow-1\r\nContent-Length: " + body.length() + "\r\n\r\n");
      long started = System.nanoTime();

      // Each byte keeps the connection from idling; only the body's own deadline stops it.
      boolean cut = trickle(socket, body.getBytes(StandardCharsets.US_ASCII), 200);

      assertThat(cut).isTrue();
      assertThat(elapsedMillis(started)).isLessThan(BOUND_MILLIS);
      RawHttp.Answer answer = RawHttp.read(socket.getInputStream(), true);
      assertThat(answer.status()).isEqualTo(408);
      assertThat(answer.header("connection")).isEqualTo("close");
      JsonObject error = new JsonObject(answer.bodyText()).getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("requestTimeout");
      assertThat(error.getJsonObject("innerError").getString("client-request-id")).isEqualTo("slow-1");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void by_default_a_connection_idles_for_longer_than_the_longest_prefer_wait() {
    AppConfig.ConnectionConfig defaults = AppConfig.from(Map.of()).connections();

    assertThat(defaults.idleTimeoutSeconds()).as("Prefer: wait holds a GET silent for up to 60 s").isGreaterThan(60);
    assertThat(defaults.bodyTimeoutSeconds()).isPositive();
  }

  /**
   * Sends {@code bytes} one at a time, {@code pauseMillis} apart, until they are all sent or the
   * server has answered or closed the connection; returns whether it stopped the client early.
   */
  private static boolean trickle(Socket socket, byte[] bytes, long pauseMillis) throws InterruptedException {
    try {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      for (byte b : bytes) {
        out.write(b);
        out.flush();
        Thread.sleep(pauseMillis);
        if (in.available() > 0) {
          return true;
        }
      }
      return false;
    } catch (SocketException closed) {
      return true;
    } catch (IOException e) {
      return true;
    }
  }

  private static Socket connect() throws IOException {
    Socket socket = new RawHttp(service.port, BOUND_MILLIS).open();
    return socket;
  }

  private static long elapsedMillis(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
