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

  private static long serviceConnections(TestService service) {
    return await(service.database.pool().query("SELECT count(*) FROM pg_stat_activity "
      + "WHERE datname = current_database() AND application_name LIKE 'lro-service%'").execute())
      .iterator().next().getLong(0);
  }
}
