package com.contoso.lro.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.contoso.lro.TestService;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real service for fuzz targets that go through HTTP: in this JVM, so that Jazzer's coverage
 * guidance sees the service's code, against its own fresh database. The client has a Vert.x of its
 * own, so that an event loop the service blocks cannot hold back the client's timeout. A request
 * without an answer within {@link #ANSWER_WITHIN} fails the input and the service is started
 * afresh for the next one, so that one hang is reported once rather than by every input after it.
 */
final class FuzzedService {

  /** An answer in bounded time: far above what any request takes, the database's 5 s timeout included. */
  static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
  private static final Set<String> LOOPBACK = Set.of("localhost", "::1", "0:0:0:0:0:0:0:1");
  private static final String CLIENT_REQUEST_ID = "3b0c6a52-8d0e-4a55-9e1b-5d6f0f9f2a10";

  private final Map<String, String> env;
  private final Vertx clientVertx = Vertx.vertx();
  private final WebClient client = WebClient.create(clientVertx);
  private Vertx vertx;
  private boolean connectionsAllowed;
  private TestService service;
  private String token;
  private String oid;

  private FuzzedService(Map<String, String> env) {
    this.env = env;
  }

  /** @param env the service's environment beyond TestService's, e.g. a throttle turned off */
  static FuzzedService start(Map<String, String> env) {
    FuzzedService fuzzed = new FuzzedService(env);
    fuzzed.startService();
    return fuzzed;
  }

  private void startService() {
    vertx = Vertx.vertx();
    Map<String, String> overrides = new HashMap<>(env);
    // Fuzzing sends thousands of requests a second as one user: a 429 would only hide the service's answers.
    overrides.putIfAbsent("THROTTLE_RATE_PER_SECOND", "0");
    try {
      // A fresh database and the service's start-up, on a machine that may be busy: longer than a request.
      service = TestService.start(vertx, overrides).await(2, TimeUnit.MINUTES);
    } catch (TimeoutException e) {
      throw new IllegalStateException("The service did not start within 2 minutes", e);
    }
    var user = service.tokens.user();
    token = user.sign();
    oid = user.oid();
  }

  void stop() {
    try {
      // One step at a time: a continuation chained after vertx.close() would be sent to its closed event loop.
      service.stop().await(2, TimeUnit.MINUTES);
      vertx.close().await(2, TimeUnit.MINUTES);
      clientVertx.close().await(2, TimeUnit.MINUTES);
    } catch (TimeoutException e) {
      throw new IllegalStateException("The service did not stop within 2 minutes", e);
    }
  }

  /** The owner of the operations that {@link #send} makes. */
  String oid() {
    return oid;
  }

  TestService service() {
    return service;
  }

  /**
   * Sends a request as the fuzzing user, with {@code body} as JSON when not null, and requires an
   * answer within {@link #ANSWER_WITHIN} that conforms to openapi.yaml, is no 5xx and, for a 4xx,
   * is in Graph's error shape.
   */
  HttpResponse<Buffer> send(HttpMethod method, String uri, byte[] body) {
    allowLocalConnections();
    HttpRequest<Buffer> request = client.request(method, service.port, "localhost", uri)
      .timeout(ANSWER_WITHIN.toMillis())
      .bearerTokenAuthentication(token)
      .putHeader("client-request-id", CLIENT_REQUEST_ID);
    if (body != null) {
      request.putHeader("Content-Type", "application/json");
    }
    HttpResponse<Buffer> response;
    try {
      response = (body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)))
        .await(ANSWER_WITHIN.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | RuntimeException noAnswer) {
      restart();
      throw new AssertionError(method + " " + abbreviate(uri) + " got no answer within " + ANSWER_WITHIN.toSeconds()
        + " s; the service was started afresh for the inputs after this one", noAnswer);
    }
    assertThat(response.statusCode()).as("%s %s answered %s", method, abbreviate(uri), abbreviate(response.bodyAsString()))
      .isLessThan(500);
    Map<String, String> headers = new HashMap<>();
    MultiMap all = response.headers();
    all.forEach(header -> headers.put(header.getKey(), header.getValue()));
    TestService.await(service.conformance.check(method.name(), uri, response.statusCode(), headers, response.body()));
    if (response.statusCode() >= 400) {
      assertGraphError(response);
    }
    return response;
  }

  /** The stored operations of the fuzzing user, as counted in the database. */
  long stored() {
    allowLocalConnections();
    return TestService.await(service.database.pool().preparedQuery("SELECT count(*) FROM operations WHERE owner_id = $1")
      .execute(Tuple.of(oid))).iterator().next().getLong(0);
  }

  /**
   * Jazzer's SSRF detector reports any connection while fuzzing: these targets' own are to this
   * machine. Its agent is there only once a fuzz test runs, not yet in @BeforeAll.
   */
  private void allowLocalConnections() {
    if (!connectionsAllowed) {
      BugDetectors.allowNetworkConnections((host, port) -> LOOPBACK.contains(host) || host.startsWith("127."));
      connectionsAllowed = true;
    }
  }

  private void restart() {
    Vertx blocked = vertx;
    // Whatever blocks the old service's event loops keeps them: leave it, and its database, behind.
    blocked.close();
    startService();
  }

  private static void assertGraphError(HttpResponse<Buffer> response) {
    String text = response.bodyAsString();
    assertThat(response.getHeader("Content-Type")).as(text).startsWith("application/json");
    JsonObject error;
    try {
      error = new JsonObject(text).getJsonObject("error");
    } catch (RuntimeException notJson) {
      throw new AssertionError("A " + response.statusCode() + " without Graph's error body: " + abbreviate(text), notJson);
    }
    assertThat(error).as(text).isNotNull();
    assertThat(error.getValue("code")).as(text).isInstanceOf(String.class);
    assertThat(error.getString("code")).as(text).isNotBlank();
    assertThat(error.getValue("message")).as(text).isInstanceOf(String.class);
    assertThat(error.getString("message")).as(text).isNotBlank();
    JsonObject inner = error.getJsonObject("innerError");
    assertThat(inner).as(text).isNotNull();
    assertThat(OffsetDateTime.parse(inner.getString("date"))).as(text).isNotNull();
    assertThat(inner.getString("request-id")).as(text).isNotBlank().isEqualTo(response.getHeader("request-id"));
    assertThat(inner.getString("client-request-id")).as(text).isEqualTo(CLIENT_REQUEST_ID);
  }

  static String abbreviate(String text) {
    return text == null || text.length() <= 300 ? text : text.substring(0, 300) + "… (" + text.length() + " characters)";
  }
}
