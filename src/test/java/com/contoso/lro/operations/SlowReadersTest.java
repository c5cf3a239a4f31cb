package com.contoso.lro.operations;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestTokens.Token;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that asks for large pages and does not read them is sent them as fast as it reads:
 * the service's native memory does not grow by the pages, and a caller has at most
 * {@link SlicedBodies#LARGE_PER_CALLER} large pages in flight on an instance.
 */
class SlowReadersTest extends ServiceTest {

  private static final String PAGE = "/beta/me/authentication/operations?$top=999";
  private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-03-01T12:00:00Z");

  @Test
  void clients_that_do_not_read_their_large_pages_hold_no_more_than_a_slice_of_native_memory_each() throws Exception {
    int users = 6;
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      Token user = service.tokens.user();
      seed(user.oid());
      tokens.add(user.sign());
    }
    // Netty's allocator reserves native memory in chunks of up to 8 MiB, as its traffic so far asks:
    // the same pages read whole first leave it the chunks that slices and these pages' rows take.
    for (String token : tokens) {
      readWhole(token);
    }
    long before = directMemory();

    List<Socket> readers = new ArrayList<>();
    for (String token : tokens) {
      for (int i = 0; i < SlicedBodies.LARGE_PER_CALLER; i++) {
        readers.add(slowReader(token));
      }
    }
    // Every response has begun: its head came back, so its body was rendered and handed to the
    // connection, whole before slices: about 54 MB for these 12 pages of about 4.5 MB.
    long grown = directMemory() - before;

    assertThat(grown).as("native memory taken by %d unread pages of about 4.5 MB: their slices, and at most two "
        + "chunks the allocator may reserve meanwhile", readers.size())
      .isLessThan(2 * 8L * 1024 * 1024);
    for (Socket reader : readers) {
      reader.close();
    }
  }

  @Test
  void a_caller_has_at_most_two_large_pages_in_flight_and_one_that_ends_gives_its_place_back() throws Exception {
    Token user = service.tokens.user();
    seed(user.oid());
    String token = user.sign();
    Socket first = slowReader(token);
    Socket second = slowReader(token);

    HttpResponse<Buffer> third = list(token);

    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.getHeader("Retry-After")).isEqualTo("1");
    assertThat(third.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("tooManyRequests");
    assertThat(list(service.tokens.user().sign()).statusCode()).as("another caller").isEqualTo(200);

    first.close();
    int status = 429;
    for (int i = 0; i < 100 && status == 429; i++) {
      Thread.sleep(50);
      status = list(token).statusCode();
    }
    assertThat(status).as("once a reader has gone, its place is free again").isEqualTo(200);
    second.close();
  }

  /** 999 operations of the longest statusDetail: a page of them is about 4.5 MB of JSON. */
  private static void seed(String ownerId) {
    await(service.database.pool().preparedQuery("INSERT INTO operations (owner_id, id, created_date_time, "
        + "last_action_date_time, status, status_detail) SELECT $1, 'op-' || g, $2, $2, 'running', repeat('x', 4096) "
        + "FROM generate_series(1, 999) g")
      .execute(Tuple.of(ownerId, T0)));
  }

  /** Asks for a page of 999 on a connection of its own, so on any event loop, and reads it to the end. */
  private static void readWhole(String token) throws IOException {
    try (Socket socket = asked(new Socket(), token, "Connection: close\r\n")) {
      socket.getInputStream().transferTo(OutputStream.nullOutputStream());
    }
  }

  /** A connection with a small receive buffer that asks for a page of 999, reads its head, and no more. */
  private static Socket slowReader(String token) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    return asked(socket, token, "");
  }

  /** {@code socket}, connected, having asked for a page of 999 and read the head of a 200 answer. */
  private static Socket asked(Socket socket, String token, String headers) throws IOException {
    socket.setSoTimeout(30_000);
    socket.connect(new InetSocketAddress("localhost", service.port));
    socket.getOutputStream().write(("GET " + PAGE + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "Authorization: Bearer "
      + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    byte[] head = socket.getInputStream().readNBytes(12);
    assertThat(new String(head, StandardCharsets.US_ASCII)).as("the answer's head").isEqualTo("HTTP/1.1 200");
    return socket;
  }

  private static HttpResponse<Buffer> list(String token) {
    return await(service.request(HttpMethod.GET, PAGE).bearerTokenAuthentication(token).send());
  }

  /** Native memory in use by buffers: those with a cleaner, and Netty's own when it counts them. */
  private static long directMemory() {
    long used = Math.max(0, PlatformDependent.usedDirectMemory());
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        used += pool.getMemoryUsed();
      }
    }
    return used;
  }
}
