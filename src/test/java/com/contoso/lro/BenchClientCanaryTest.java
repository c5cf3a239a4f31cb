package com.contoso.lro;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Canary of the Vert.x 5.0.7 client defect that bench/LongPollBench.java works around (its exchange()): a
 * response's body() asked for once the response's end has been read never completes, the end having been dropped
 * (eclipse-vertx/vert.x#6038, fixed after 5.0.7 by #6071; #5904 asks for body() to work whenever it is called).
 * LongPollBench built each request's chain on its main thread, so that when main was descheduled for the length of
 * a round trip, body() was asked for after the end: a create answered 201 on the wire was never counted. When this
 * test fails after an upgrade, the client keeps the end, and exchange() need not run on the event loop.
 */
@ExtendWith(VertxExtension.class)
class BenchClientCanaryTest {

  @Test
  void vertx_client_never_completes_a_body_asked_for_after_the_response_ended(Vertx vertx) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.response().end("ok"))
      .listen(0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    // One connection: the second request is sent only once the first's response has ended.
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultPort(server.actualPort())
      .setDefaultHost("127.0.0.1"), new PoolOptions().setHttp1MaxSize(1));
    Promise<Boolean> lateBodyCompleted = Promise.promise();
    vertx.getOrCreateContext().runOnContext(start -> {
      Future<HttpClientResponse> first = send(client);
      first.onSuccess(response -> send(client)
        // The second answer has come back on the one connection: the first response's end has been read.
        .compose(second -> second.body())
        .onSuccess(secondBody -> {
          Future<Buffer> late = response.body();
          // A third round trip, for a fixed client's replay of the end to have run.
          send(client).compose(HttpClientResponse::body)
            .onComplete(third -> lateBodyCompleted.complete(late.isComplete()));
        }))
        .onFailure(lateBodyCompleted::fail);
    });

    boolean completed = lateBodyCompleted.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    client.close();
    server.close();

    assertThat(completed).as("body() asked for after the end has completed").isFalse();
  }

  private static Future<HttpClientResponse> send(HttpClient client) {
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/"))
      .compose(HttpClientRequest::send);
  }
}
