package com.contoso.lro;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a stop does to the traffic, seen from the wire: new connections are refused at once, a
 * request already in flight still gets its answer, and then the database connections close.
 * The real process's signal handling is {@link MainProcessTest}'s.
 */
@ExtendWith(VertxExtension.class)
class GracefulStopTest {

  @Test
  void a_stop_refuses_new_connections_finishes_the_request_in_flight_then_closes_the_pool(Vertx vertx) throws Exception {
    TestService service = await(TestService.start(vertx, Map.of("SHUTDOWN_GRACE_SECONDS", "10")));
    try (Socket inFlight = new Socket("localhost", service.port)) {
      OutputStream out = inFlight.getOutputStream();
      // Half a create: its headers and the first byte of its two-byte body.
      out.write(("POST " + TestService.OPERATIONS + " HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: Bearer " + service.tokens.user().sign() + "\r\n"
        + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(300);

      Future<Void> stopped = service.undeploy();

      assertThat(refusesNewConnections(service.port)).as("a new connection is refused while the stop drains").isTrue();
      assertThat(stopped.isComplete()).as("the stop waits for the request in flight").isFalse();
      out.write('}');
      out.flush();
      assertThat(statusLine(inFlight.getInputStream())).isEqualTo("HTTP/1.1 201 Created");
      await(stopped);
      assertThat(serviceConnections(service)).as("the service's database sessions once stopped").isZero();
    } finally {
      await(service.database.drop());
    }
  }

  @Test
  void with_a_drain_a_stopping_instance_answers_not_ready_and_still_serves_new_connections_then_refuses_them(Vertx vertx)
    throws Exception {
    TestService service = await(TestService.start(vertx, Map.of("SHUTDOWN_DRAIN_SECONDS", "2", "SHUTDOWN_GRACE_SECONDS", "10")));
    try {
      Future<Void> stopped = service.undeploy();

      // A load balancer's health check sees it going, and a request it sends meanwhile is served.
      assertThat(await(service.request(io.vertx.core.http.HttpMethod.GET, "/health/ready").send()).statusCode())
        .as("/health/ready while draining").isEqualTo(503);
      io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> created = await(
        service.request(io.vertx.core.http.HttpMethod.POST, TestService.OPERATIONS)
          .bearerTokenAuthentication(service.tokens.user().sign())
          .sendJsonObject(new io.vertx.core.json.JsonObject().put("status", "running")));
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      try (Socket fresh = new Socket("localhost", service.port)) {
        fresh.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(statusLine(fresh.getInputStream())).as("a new connection while draining").isEqualTo("HTTP/1.1 200 OK");
      }
      assertThat(stopped.isComplete()).as("the stop waits for the drain").isFalse();

      assertThat(refusesNewConnections(service.port)).as("a new connection is refused once the drain is over").isTrue();
      await(stopped);
    } finally {
      await(service.database.drop());
    }
  }

  @Test
  void a_batch_whose_requests_are_sent_once_the_stop_has_begun_answers_each_503_with_retry_after_as_not_done(Vertx vertx)
    throws Exception {
    TestService service = await(TestService.start(vertx, Map.of("SHUTDOWN_GRACE_SECONDS", "10")));
    try (Socket inFlight = new Socket("localhost", service.port)) {
      String batch = "{\"requests\":[{\"id\":\"1\",\"method\":\"POST\",\"url\":\"/me/authentication/operations\","
        + "\"headers\":{\"Content-Type\":\"application/json\"},\"body\":{\"status\":\"running\"}}]}";
      byte[] body = batch.getBytes(StandardCharsets.UTF_8);
      OutputStream out = inFlight.getOutputStream();
      // The batch but its last byte: it starts its requests only once the stop refuses connections.
      out.write(("POST /beta/$batch HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: Bearer " + service.tokens.user().sign() + "\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length - 1);
      out.flush();
      Thread.sleep(300);

      Future<Void> stopped = service.undeploy();
      assertThat(refusesNewConnections(service.port)).as("a new connection is refused while the stop drains").isTrue();
      out.write(body, body.length - 1, 1);
      out.flush();

      InputStream in = inFlight.getInputStream();
      assertThat(statusLine(in)).isEqualTo("HTTP/1.1 200 OK");
      io.vertx.core.json.JsonObject item = new io.vertx.core.json.JsonObject(chunkedBody(in))
        .getJsonArray("responses").getJsonObject(0);
      assertThat(item.getInteger("status")).as(item.encode()).isEqualTo(503);
      assertThat(item.getJsonObject("headers").getString("retry-after")).isEqualTo("1");
      assertThat(item.getJsonObject("body").getJsonObject("error").getString("code")).isEqualTo("serviceUnavailable");
      await(stopped);
      assertThat(await(service.database.pool().query("SELECT count(*) FROM operations").execute()).iterator().next().getLong(0))
        .as("operations stored").isZero();
    } finally {
      await(service.database.drop());
    }
  }

  private static boolean refusesNewConnections(int port) throws InterruptedException {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("localhost", port), 1000);
      } catch (ConnectException refused) {
        return true;
      } catch (IOException other) {
        throw new AssertionError(other);
      }
      Thread.sleep(50);
    }
    return false;
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
      line.append((char) c);
    }
    return line.toString();
  }

  /** The body of a chunked answer whose status line has been read: its headers skipped, its chunks joined. */
  private static String chunkedBody(InputStream in) throws IOException {
    while (!line(in).isEmpty()) {
      // a header
    }
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    for (int size = Integer.parseInt(line(in), 16); size > 0; size = Integer.parseInt(line(in), 16)) {
      body.write(in.readNBytes(size));
      line(in);
    }
    return body.toString(StandardCharsets.UTF_8);
  }

  private static String line(InputStream in) throws IOException {
    String line = statusLine(in);
    in.read(); // the \n after the \r
    return line;
  }

  private static long serviceConnections(TestService service) {
    return await(service.database.pool().query("SELECT count(*) FROM pg_stat_activity "
      + "WHERE datname = current_database() AND application_name LIKE 'lro-service%'").execute())
      .iterator().next().getLong(0);
  }
}
