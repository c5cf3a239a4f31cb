package com.contoso.lro;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.function.BiConsumer;

import static com.contoso.lro.TestService.await;

/**
 * A router of a test's own on a free port, with a client to call it: for the request path's pieces
 * that need a request, without the service or a database.
 */
public final class BareRouter implements AutoCloseable {

  private final Vertx vertx;
  private final HttpServer server;
  private final WebClient client;

  /** @param routes sets up the router, on the Vert.x it will run on */
  public BareRouter(BiConsumer<Vertx, Router> routes) {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    routes.accept(vertx, router);
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    client = WebClient.create(vertx);
  }

  public HttpResponse<Buffer> send(HttpMethod method, String pathAndQuery) {
    return await(client.request(method, server.actualPort(), "127.0.0.1", pathAndQuery).send());
  }

  /** The scheme and authority that the client calls. */
  public String origin() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() {
    client.close();
    await(vertx.close());
  }
}
