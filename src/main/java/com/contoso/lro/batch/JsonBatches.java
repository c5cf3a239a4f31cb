package com.contoso.lro.batch;

import com.contoso.lro.contract.model.BatchRequest;
import io.vertx.core.http.HttpClient;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import java.util.function.IntSupplier;

/**
 * Serves {@code POST /beta/$batch}: reads the batch ({@link BatchPlan}), then sends each of its
 * requests to this very server, over a loopback connection, with the batch's Authorization, and
 * streams each answer into the batch's response as it comes ({@link RunningBatch}).
 *
 * <p>Why over HTTP rather than a call into the handlers: a request of a batch must meet exactly what
 * it would meet alone (token, throttle, permission, query options, media type, validation, body and
 * header limits, database gates, request log and metrics), and the one place that holds all of it,
 * in its order, is the server's request path. Re-entering the router would need a request object
 * made up by hand, which Vert.x does not offer; a loopback request is an ordinary request, and the
 * client is non-blocking.
 */
public final class JsonBatches {

  private final HttpClient client;
  private final String basePath;
  private final IntSupplier port;
  private final long idleTimeoutMillis;

  /**
   * @param client            an HTTP client that speaks to this server as it listens (TLS or not)
   * @param basePath          the version prefix, e.g. /beta, that a request's url is relative to
   * @param port              the port this server listens on, once it does
   * @param idleTimeoutMillis how long a request of the batch may stay silent, as a connection may
   */
  public JsonBatches(HttpClient client, String basePath, IntSupplier port, long idleTimeoutMillis) {
    this.client = client;
    this.basePath = basePath;
    this.port = port;
    this.idleTimeoutMillis = idleTimeoutMillis;
  }

  public void serve(RoutingContext ctx, BatchRequest batch) {
    BatchPlan plan;
    try {
      plan = BatchPlan.of(batch);
    } catch (RuntimeException malformed) {
      ctx.fail(malformed);
      return;
    }
    new RunningBatch(ctx, plan, client, SocketAddress.inetSocketAddress(port.getAsInt(), "127.0.0.1"), basePath,
      idleTimeoutMillis).start();
  }
}
