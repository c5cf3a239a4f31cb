package com.contoso.lro.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JWKS endpoint on a local port, as Entra ID's discovery keys endpoint: a test sets what it
 * publishes, or how it fails, and counts how often the service read it.
 */
public final class JwksEndpoint {

  private final Vertx vertx;
  private final AtomicInteger reads = new AtomicInteger();
  private volatile Handler<HttpServerRequest> answer;
  private HttpServer server;
  private int port;

  private JwksEndpoint(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Listening on a free port and publishing the public halves of {@code keys}. */
  public static Future<JwksEndpoint> start(Vertx vertx, JWK... keys) {
    JwksEndpoint endpoint = new JwksEndpoint(vertx);
    endpoint.publish(keys);
    return endpoint.listen(0).map(listening -> {
      endpoint.port = listening.actualPort();
      return endpoint;
    });
  }

  private Future<HttpServer> listen(int onPort) {
    return vertx.createHttpServer()
      .requestHandler(request -> {
        reads.incrementAndGet();
        answer.handle(request);
      })
      .listen(onPort, "127.0.0.1")
      .onSuccess(listening -> server = listening);
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/common/discovery/v2.0/keys";
  }

  /** From now on answers the public halves of these keys. */
  void publish(JWK... keys) {
    String jwks = new JWKSet(Arrays.stream(keys).map(JWK::toPublicJWK).toList()).toString();
    answer = request -> request.response().putHeader("Content-Type", "application/json").end(jwks);
  }

  /** From now on answers every read this way instead. */
  void answer(Handler<HttpServerRequest> failure) {
    answer = failure;
  }

  /**
   * From now on begins every answer and never ends it, writing a byte a second: no idle timeout
   * ever fires on such a read.
   */
  void trickle() {
    answer = request -> {
      HttpServerResponse response = request.response().setChunked(true).putHeader("Content-Type", "application/json");
      response.write("{\"keys\": [");
      long timer = vertx.setPeriodic(1_000, tick -> response.write(" "));
      response.closeHandler(closed -> vertx.cancelTimer(timer));
    };
  }

  /** Stops listening, as a server that is down: connections are refused until {@link #up}. */
  Future<Void> down() {
    return server.close();
  }

  Future<Void> up() {
    return listen(port).mapEmpty();
  }

  /** How many requests it has had. */
  int reads() {
    return reads.get();
  }

  public Future<Void> close() {
    return server.close();
  }
}
