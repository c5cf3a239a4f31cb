package com.contoso.lro;

import com.contoso.lro.contract.ContractOperations;
import com.contoso.lro.auth.TokenVerifier;
import com.contoso.lro.batch.JsonBatches;
import com.contoso.lro.auth.TrustedKeys;
import com.contoso.lro.config.AppConfig;
import com.contoso.lro.db.CancellingStatements;
import com.contoso.lro.db.DatabaseClients;
import com.contoso.lro.db.DatabaseReadiness;
import com.contoso.lro.db.DatabaseTimeout;
import com.contoso.lro.db.DeadConnections;
import com.contoso.lro.contract.ContractDocs;
import com.contoso.lro.http.ApiRouter;
import com.contoso.lro.http.BodyDeadline;
import com.contoso.lro.http.ConnectionSetup;
import com.contoso.lro.http.Http2HeadLimits;
import com.contoso.lro.http.InvalidRequests;
import com.contoso.lro.http.ServerOptions;
import com.contoso.lro.health.HealthRoutes;
import com.contoso.lro.graph.GraphLinks;
import com.contoso.lro.metrics.MetricsRoutes;
import com.contoso.lro.operations.OperationMetrics;
import com.contoso.lro.operations.IdempotencyKeyStore;
import com.contoso.lro.operations.IdempotentCreates;
import com.contoso.lro.operations.OperationService;
import com.contoso.lro.operations.OperationStore;
import com.contoso.lro.operations.OperationsHandler;
import com.contoso.lro.operations.StatusSpellings;
import com.contoso.lro.operations.query.PageTokens;
import com.contoso.lro.throttle.CallerLimits;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Serves the API on one event loop. Deployed once per core; all instances listen on the same port,
 * and each has its share of the DB_POOL_SIZE connections. It serves with or without its database:
 * until the database part of start-up has completed, API calls answer 503.
 */
public final class ApiVerticle extends VerticleBase {

  private final AppConfig config;
  private final OpenAPIContract contract;
  private final ContractDocs docs;
  private final TrustedKeys keys;
  private final DatabaseReadiness readiness;
  private final PrometheusMeterRegistry registry;
  private final OperationMetrics operationMetrics;
  private final CallerLimits limits;
  private OperationsHandler operations;
  private HttpServer server;
  private volatile boolean draining;

  public ApiVerticle(AppConfig config, OpenAPIContract contract, ContractDocs docs, TrustedKeys keys,
                     DatabaseReadiness readiness, PrometheusMeterRegistry registry, OperationMetrics operationMetrics,
                     CallerLimits limits) {
    this.config = config;
    this.contract = contract;
    this.docs = docs;
    this.keys = keys;
    this.readiness = readiness;
    this.registry = registry;
    this.operationMetrics = operationMetrics;
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    // Clients of its own, on this verticle's event loop, as in the TechEmpower Vert.x benchmark.
    SqlClient database = DatabaseClients.pipelined(vertx, config.database(), config.httpInstances());
    Pool lists = DatabaseClients.forLists(vertx, config.database(), config.httpInstances());
    GraphLinks links = new GraphLinks(config.publicBaseUrl(), ContractOperations.basePath(contract));
    // Asked for only once the gate below has let a request through, when start-up has read the key.
    Supplier<PageTokens> pageTokens = () -> new PageTokens(readiness.started().orElseThrow().pageTokenKey());
    DeadConnections dead = new DeadConnections(context, config.database().timeout());
    OperationStore store = new OperationStore(database, new CancellingStatements(vertx, lists, config.database().timeout(), dead),
      dead, context, config.database().timeout());
    IdempotentCreates idempotentCreates = new IdempotentCreates(new IdempotencyKeyStore(database, dead),
      Duration.ofHours(config.idempotencyKeyHours()), operationMetrics);
    OperationService service = new OperationService(store, pageTokens, Clock.systemUTC(),
      config.retryAfterMaxSeconds(), idempotentCreates, operationMetrics, new DatabaseTimeout(config.database().timeout()));
    JsonBatches batches = new JsonBatches(loopbackClient(), ContractOperations.basePath(contract),
      () -> server.actualPort(), TimeUnit.SECONDS.toMillis(config.connections().idleTimeoutSeconds()));
    // Asked only of a request the gate has let through, as the page-token key is.
    OperationsHandler operations = new OperationsHandler(service, links, vertx, limits, docs.metadata(), batches,
      () -> readiness.started().orElseThrow().listeningStretch().getAsLong());
    this.operations = operations;
    TokenVerifier verifier = new TokenVerifier(vertx, keys);
    Router router = ApiRouter.create(vertx, contract, verifier, limits.requests(), operations,
      ctx -> {
        if (readiness.isReady()) {
          ctx.next();
        } else {
          ctx.fail(readiness.notReady());
        }
      }, StatusSpellings::canonical);
    HealthRoutes.mount(router, vertx, database, readiness, () -> draining);
    MetricsRoutes.mount(router, registry, verifier, config.metricsRequireToken());
    docs.mount(router, links);
    HttpServerOptions serverOptions = ServerOptions.of(config.httpPort(), config.connections());
    return vertx.createHttpServer(serverOptions)
      .connectionHandler(new ConnectionSetup(serverOptions))
      .invalidRequestHandler(new InvalidRequests())
      .requestHandler(new Http2HeadLimits(new BodyDeadline(vertx, config.connections().bodyTimeoutSeconds(), router)))
      .listen()
      .onSuccess(listening -> server = listening);
  }

  /**
   * The client through which $batch sends its requests back to this server, as it listens: over TLS
   * when the server speaks it, trusting the server's own certificate (the name in it is the public
   * one, not the loopback address). No bound on its connections that matters: one batch's answers,
   * paused while its client reads slowly, must not hold up another's; the server's own limits bound
   * them, as any client's. One client for the instance's verticles, shared, so that its metrics are
   * registered once.
   */
  private HttpClient loopbackClient() {
    HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setShared(true).setName("lro-batch");
    config.connections().tls().ifPresent(files -> options.setSsl(true).setVerifyHost(false)
      .setTrustOptions(new PemTrustOptions().addCertPath(files.certificate().toString())));
    return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(1024));
  }

  /**
   * Graceful shutdown: not ready any more and held long-polls answer now; requests are still served
   * for SHUTDOWN_DRAIN_SECONDS, while a load balancer's health checks move the traffic elsewhere (a
   * request it sent on a connection the server had closed would be lost to it, unsent or not); then
   * the server stops taking connections while the requests in flight finish, for
   * SHUTDOWN_GRACE_SECONDS at most.
   */
  @Override
  public Future<?> stop() {
    draining = true;
    operations.wakeWaiters();
    if (server == null) {
      return Future.succeededFuture();
    }
    Future<Void> drained = config.shutdownDrainSeconds() == 0 ? Future.succeededFuture()
      : vertx.timer(config.shutdownDrainSeconds(), TimeUnit.SECONDS).mapEmpty();
    return drained.compose(done -> server.shutdown(config.shutdownGraceSeconds(), TimeUnit.SECONDS));
  }
}
