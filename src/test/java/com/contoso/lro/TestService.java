package com.contoso.lro;

import com.contoso.lro.contract.ContractLoader;
import com.contoso.lro.contract.ServedContract;
import com.contoso.lro.config.AppConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The real service, deployed as {@code Main} deploys it, on a free port, against a fresh database,
 * trusting the keys of {@link #tokens} through a JWKS file; with a real HTTP client to call it,
 * which fails any response that does not match openapi.yaml.
 */
public final class TestService {

  public static final String OPERATIONS = "/beta/user/authentication/operations";

  public final TestTokens tokens;
  public final TestDatabase database;
  public final int port;
  /** What checks this service's answers against openapi.yaml, for clients other than {@link #request}'s. */
  public final ContractConformance conformance;
  /** The service's clock for its throttle and its keys' refreshes: a test moves it on rather than sleep. */
  public final TestClock clock;
  private final Vertx vertx;
  private final WebClient client;
  private final String deployment;
  private final Map<String, String> env;
  private final boolean ownsDatabase;

  private TestService(Vertx vertx, TestTokens tokens, TestDatabase database, Map<String, String> env, String deployment,
                      ContractConformance conformance, boolean ownsDatabase, TestClock clock) {
    this.vertx = vertx;
    this.clock = clock;
    this.tokens = tokens;
    this.database = database;
    this.env = Map.copyOf(env);
    this.port = Integer.parseInt(env.get("HTTP_PORT"));
    this.deployment = deployment;
    this.conformance = conformance;
    this.ownsDatabase = ownsDatabase;
    this.client = WebClient.create(vertx);
    conformance.enforce(client);
  }

  public static Future<TestService> start(Vertx vertx) {
    return start(vertx, Map.of());
  }

  /** The environment variables that a test class declares with {@link ServiceEnv}, or none. */
  static Map<String, String> envOf(Class<?> testClass) {
    ServiceEnv env = testClass.getAnnotation(ServiceEnv.class);
    return env == null ? Map.of() : Arrays.stream(env.value())
      .map(variable -> variable.split("=", 2))
      .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
  }

  /** @param overrides environment variables to add or replace; an empty value unsets one */
  public static Future<TestService> start(Vertx vertx, Map<String, String> overrides) {
    return start(vertx, new TestTokens(), overrides);
  }

  /** @param tokens the keys to trust, for tests that publish them elsewhere than the default JWKS file */
  public static Future<TestService> start(Vertx vertx, TestTokens tokens, Map<String, String> overrides) {
    return start(vertx, tokens, overrides, null);
  }

  /**
   * On a Vert.x with metrics, as Main runs it.
   *
   * @param registry the registry that {@code vertx} was made with by {@link com.contoso.lro.metrics.MeteredVertx}
   */
  public static Future<TestService> start(Vertx vertx, PrometheusMeterRegistry registry, Map<String, String> overrides) {
    return start(vertx, new TestTokens(), overrides, registry);
  }

  /** On a Vert.x with metrics, trusting {@code tokens}' keys wherever {@code overrides} publish them. */
  public static Future<TestService> start(Vertx vertx, PrometheusMeterRegistry registry, TestTokens tokens,
                                          Map<String, String> overrides) {
    return start(vertx, tokens, overrides, registry);
  }

  private static Future<TestService> start(Vertx vertx, TestTokens tokens, Map<String, String> overrides,
                                           PrometheusMeterRegistry registry) {
    return TestDatabase.create(vertx).compose(database -> start(vertx, tokens, database, overrides, registry, true));
  }

  /**
   * On a database that the test made elsewhere (e.g. on a {@link ThrowawayPostgres}), which the
   * test then drops or removes itself.
   */
  public static Future<TestService> start(Vertx vertx, TestDatabase database, Map<String, String> overrides) {
    return start(vertx, new TestTokens(), database, overrides);
  }

  /** On a database that the test made, trusting {@code tokens}' keys, e.g. beside a service run as a process. */
  public static Future<TestService> start(Vertx vertx, TestTokens tokens, TestDatabase database,
                                          Map<String, String> overrides) {
    return start(vertx, tokens, database, overrides, null, false);
  }

  private static Future<TestService> start(Vertx vertx, TestTokens tokens, TestDatabase database,
                                           Map<String, String> overrides, PrometheusMeterRegistry registry,
                                           boolean ownsDatabase) {
    Map<String, String> env = new HashMap<>(database.env());
    env.put("HTTP_INSTANCES", "2");
    env.put("AUTH_JWKS", tokens.writeJwks(tempDir()).toString());
    env.put("AUTH_ISSUER", TestTokens.ISSUER);
    env.put("AUTH_AUDIENCE", TestTokens.AUDIENCE);
    env.putAll(overrides);
    return deployOnAFreePort(vertx, tokens, database, env, ownsDatabase, registry, new TestClock(), 3);
  }

  /**
   * A second instance of the same service: its own Vert.x and port, the same database and keys, as
   * users scale it out. Stopping it leaves the database to this instance.
   */
  public Future<TestService> another(Vertx otherVertx) {
    return deployOnAFreePort(otherVertx, tokens, database, new HashMap<>(env), false, null, clock, 3);
  }

  /**
   * Deploys on a port that was free a moment ago: when another JVM's test took it meanwhile (the
   * test classes run in several JVMs at once), on another, a few times.
   */
  private static Future<TestService> deployOnAFreePort(Vertx vertx, TestTokens tokens, TestDatabase database,
                                                       Map<String, String> env, boolean ownsDatabase,
                                                       PrometheusMeterRegistry registry, TestClock clock, int attempts) {
    env.put("HTTP_PORT", String.valueOf(freePort()));
    return deploy(vertx, tokens, database, env, ownsDatabase, registry, clock).recover(failure ->
      attempts > 1 && portTaken(failure)
        ? deployOnAFreePort(vertx, tokens, database, env, ownsDatabase, registry, clock, attempts - 1)
        : Future.failedFuture(failure));
  }

  private static boolean portTaken(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.BindException || String.valueOf(cause.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  /** @param registry null on a Vert.x without metrics, when the service makes a registry of its own */
  private static Future<TestService> deploy(Vertx vertx, TestTokens tokens, TestDatabase database,
                                            Map<String, String> env, boolean ownsDatabase,
                                            PrometheusMeterRegistry registry, TestClock clock) {
    OffLoopWrites.install();
    AppConfig config = AppConfig.from(env);
    return Application.deploy(vertx, config, registry == null ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : registry, clock)
      .compose(deployment -> {
        Future<ServedContract> served = ContractLoader.read(vertx);
        return ContractLoader.load(vertx, served).map(contract -> new TestService(vertx, tokens, database,
          env, deployment, new ContractConformance(contract, ResponseValidator.create(vertx, contract), served.result().tree()),
          ownsDatabase, clock));
      });
  }

  /** Fails, once stopped, if a response was written off its connection's event loop since the last check. */
  public Future<Void> stop() {
    client.close();
    Future<Void> undeployed = undeploy();
    return (ownsDatabase ? undeployed.eventually(database::drop) : undeployed).compose(stopped -> {
      try {
        OffLoopWrites.assertNone();
        return Future.succeededFuture();
      } catch (AssertionError offLoop) {
        return Future.failedFuture(offLoop);
      }
    });
  }

  /** Stops the service as a SIGTERM does, and leaves the database for the test to look at. */
  public Future<Void> undeploy() {
    return vertx.undeploy(deployment);
  }

  /** A request to this service; {@code path} starts at the root, e.g. {@link #OPERATIONS}. */
  public HttpRequest<Buffer> request(HttpMethod method, String path) {
    return client.request(method, port, "localhost", path);
  }

  /** POST a JSON body to /beta/user/authentication/operations as the holder of {@code token}. */
  public HttpResponse<Buffer> create(String token, JsonObject body) {
    return await(request(HttpMethod.POST, OPERATIONS)
      .bearerTokenAuthentication(token)
      .sendJsonObject(body));
  }

  /** Any call as the holder of {@code token}, with a JSON body when {@code body} is not null. */
  public HttpResponse<Buffer> call(HttpMethod method, String path, String token, JsonObject body) {
    HttpRequest<Buffer> request = request(method, path).bearerTokenAuthentication(token);
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  /** The stored row of an operation, or null. */
  public Row storedRow(String ownerId, String id) {
    return await(database.pool()
      .preparedQuery("SELECT * FROM operations WHERE owner_id = $1 AND id = $2")
      .execute(Tuple.of(ownerId, id)))
      .stream().findFirst().orElse(null);
  }

  /** How many operations the user has stored. */
  public long storedCount(String ownerId) {
    return await(database.pool()
      .preparedQuery("SELECT count(*) FROM operations WHERE owner_id = $1")
      .execute(Tuple.of(ownerId)))
      .iterator().next().getLong(0);
  }

  /** Waits on a JUnit thread for what the service does on its event loops. */
  public static <T> T await(Future<T> future) {
    try {
      return future.await(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      List<String> offLoop = OffLoopWrites.peek();
      throw new AssertionError("No answer within 20 s" + (offLoop.isEmpty() ? ""
        : "; responses were written off their connection's event loop, which strict thread mode drops:\n  "
          + String.join("\n  ", offLoop)), e);
    }
  }

  /**
   * Waits for a service to start: longer than for a request, as the first start in a JVM loads
   * and compiles much of the service, on cores that other test JVMs share.
   */
  public static TestService awaitStart(Future<TestService> starting) {
    try {
      return starting.await(2, TimeUnit.MINUTES);
    } catch (TimeoutException e) {
      throw new AssertionError("The service did not start within 2 minutes", e);
    }
  }

  /** A port that nothing listens on now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("lro-test");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
