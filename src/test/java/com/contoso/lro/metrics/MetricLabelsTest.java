package com.contoso.lro.metrics;

import com.contoso.lro.TestService;
import com.contoso.lro.TestTokens;
import com.contoso.lro.auth.JwksEndpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every label of /metrics comes from a set that no client can grow, and an anonymous scrape tells
 * nothing of the software's versions nor of the service's internal addresses. The service runs as
 * Main runs it, on a Vert.x with metrics, reading its keys from a JWKS URL as in production.
 */
class MetricLabelsTest {

  /** The characters HTTP allows in a method (a token, RFC 9110 §5.6.2). */
  private static final String TOKEN_CHARS =
    "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  /** Characters a path may carry unescaped. */
  private static final String PATH_CHARS = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final String[] STANDARD = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"};
  /** The standard methods, a made-up one in lower case, and a made-up one. */
  private static final int METHOD_KINDS = STANDARD.length + 2;
  private static final int PATH_KINDS = 7;
  private static final int KINDS = METHOD_KINDS * PATH_KINDS;
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private static MeteredVertx metered;
  private static JwksEndpoint keys;
  private static TestService service;

  @BeforeAll
  static void start() throws TimeoutException {
    metered = MeteredVertx.create();
    TestTokens tokens = new TestTokens();
    keys = await(JwksEndpoint.start(metered.vertx(), tokens.rsa, tokens.ec));
    // Longer than await's 20 s: on a machine busy with other builds, a first start in a cold JVM may take that.
    service = TestService.start(metered.vertx(), metered.registry(), tokens, Map.of("AUTH_JWKS", keys.url()))
      .await(2, TimeUnit.MINUTES);
  }

  /** On the JUnit thread: a Vert.x closed from its own event loop does not finish closing. */
  @AfterAll
  static void stop() {
    await(service.stop());
    await(keys.close());
    await(metered.vertx().close());
  }

  @Test
  void made_up_methods_and_paths_with_and_without_a_token_leave_metrics_the_same_size() throws IOException {
    String token = service.tokens.user().sign();
    Random random = new Random(15);
    scrape(); // so that GET /metrics has its own series before the scrapes compared
    List<String> sent = new ArrayList<>(send(junk(random, 1), token));
    Scrape first = scrape();

    sent.addAll(send(junk(random, 3), token));
    Scrape second = scrape();

    assertThat(series(second)).as("the series after %d more made-up requests", 3 * KINDS * 2).isEqualTo(series(first));
    assertThat(second.text().length()).as("the size of /metrics, where only counts grew")
      .isLessThanOrEqualTo(first.text().length() + 8_192);
    assertThat(labelValues(second, "method")).isSubsetOf("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE",
      "PATCH", "CONNECT", "other");
    assertThat(labelValues(second, "method")).contains("other");
    assertThat(labelValues(second, "code")).allMatch(code -> code.matches("[1-5][0-9][0-9]"));
    assertThat(labelValues(second, "route")).as("templates, fixed paths and the two names of no route")
      .allMatch(route -> route.isEmpty() || route.equals("/beta/") || route.equals(MetricsRoutes.PATH)
        || route.startsWith("/health/") || route.startsWith("/beta/me/") || route.startsWith("/beta/user/")
        || route.startsWith("/beta/users/{userId}/"));
    assertThat(sent).as("no made-up method, path nor user id appears in /metrics")
      .noneMatch(madeUp -> second.text().contains(madeUp));
  }

  @Test
  void an_anonymous_scrape_shows_neither_the_jvm_version_nor_the_jwks_address() {
    URI jwks = URI.create(keys.url());

    String text = scrape().text();

    assertThat(text).as("a JVM's metrics are still there").contains("jvm_memory_used_bytes");
    assertThat(text).doesNotContain(System.getProperty("java.version"))
      .doesNotContain(System.getProperty("java.vm.version"))
      .doesNotContain(System.getProperty("java.runtime.version"))
      .doesNotContain("jvm_info");
    assertThat(text).doesNotContain(keys.url()).doesNotContain(jwks.getHost() + ":" + jwks.getPort())
      .doesNotContain(":" + jwks.getPort() + "\"");
    assertThat(labelValues(new Scrape(text), "pool_name")).as("pools by fixed names")
      .contains("http-client", "lro-pool", "lro-retention-pool");
  }

  /** A request line's method and path, and what of them was made up: it must not show in /metrics. */
  private record Junk(String method, String path, List<String> madeUp) {
  }

  /**
   * Requests no client of the API would send: made-up methods up to 4,000 bytes long, many distinct
   * paths up to 3,000 bytes (other users' ids, unknown roots, under /health and /metrics, bad
   * escapes), and the standard methods on such paths. Every {@link #KINDS} requests, each kind of
   * method has gone to each kind of path once, so later rounds make no kind of request that an
   * earlier one did not.
   */
  private static List<Junk> junk(Random random, int rounds) {
    List<Junk> requests = new ArrayList<>();
    for (int i = 0; i < rounds * KINDS; i++) {
      int methodKind = i % METHOD_KINDS;
      String madeUpMethod = text(random, TOKEN_CHARS, 8 + random.nextInt(4_000));
      String method = methodKind < STANDARD.length ? STANDARD[methodKind]
        : methodKind == STANDARD.length ? madeUpMethod.toLowerCase(Locale.ROOT) : madeUpMethod;
      String segment = text(random, PATH_CHARS, 8 + random.nextInt(3_000));
      String otherUser = UUID.randomUUID().toString();
      String path = switch (i / METHOD_KINDS % PATH_KINDS) {
        case 0 -> "/beta/users/" + otherUser + "/authentication/operations/" + segment;
        case 1 -> "/beta/users/" + otherUser + "/authentication/operations";
        case 2 -> "/" + segment;
        case 3 -> "/beta/" + segment;
        case 4 -> "/health/" + segment;
        case 5 -> MetricsRoutes.PATH + "/" + segment;
        default -> "/beta/user/%zz" + segment;
      };
      requests.add(new Junk(method, path, methodKind < STANDARD.length
        ? List.of(segment, otherUser) : List.of(method, segment, otherUser)));
    }
    return requests;
  }

  /** Sends each request twice, without and with the token; answers what was made up in them. */
  private static List<String> send(List<Junk> requests, String token) throws IOException {
    List<String> madeUp = new ArrayList<>();
    for (Junk request : requests) {
      for (String authorization : new String[] {"", "Authorization: Bearer " + token + "\r\n"}) {
        int status = exchange(request.method() + " " + request.path() + " HTTP/1.1\r\nHost: localhost\r\n"
          + authorization + "Connection: close\r\n\r\n");
        assertThat(status).as("%.80s %.80s", request.method(), request.path()).isBetween(400, 499);
      }
      madeUp.addAll(request.madeUp());
    }
    return madeUp;
  }

  /** One request on a connection of its own; answers the status of the response. */
  private static int exchange(String request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", service.port), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder statusLine = new StringBuilder();
      for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
        statusLine.append((char) b);
      }
      return Integer.parseInt(statusLine.toString().split(" ", 3)[1]);
    }
  }

  private static String text(Random random, String alphabet, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  /**
   * The series of a scrape, by name and labels. Not the JVM's garbage collections: they are labelled
   * by the collector's own causes, a small set, of which one may first happen between two scrapes.
   */
  private static Set<String> series(Scrape scrape) {
    return Arrays.stream(scrape.text().split("\n"))
      .filter(line -> !line.isEmpty() && !line.startsWith("#") && !line.startsWith("jvm_gc_"))
      .map(line -> line.substring(0, line.lastIndexOf(' ')))
      .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  private static Set<String> labelValues(Scrape scrape, String label) {
    Set<String> values = new java.util.TreeSet<>();
    for (String line : scrape.text().split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      Matcher matcher = LABEL.matcher(line);
      while (matcher.find()) {
        if (matcher.group(1).equals(label)) {
          values.add(matcher.group(2));
        }
      }
    }
    return values;
  }

  private static Scrape scrape() {
    HttpResponse<Buffer> response = await(service.request(GET, MetricsRoutes.PATH).send());
    assertThat(response.statusCode()).isEqualTo(200);
    return new Scrape(response.bodyAsString());
  }
}
