package com.contoso.lro.http;

import com.contoso.lro.OffLoopWrites;
import com.contoso.lro.config.AppConfig.ConnectionConfig;
import com.contoso.lro.config.JsonMapping;
import com.contoso.lro.graph.ApiException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's server runs in strict thread mode, where a response written off its connection's
 * event loop never reaches the client; a failure raised on another thread is still answered, on
 * the loop, by {@link GraphErrorHandler}, and the move is reported (which {@link OffLoopWrites}
 * makes a failure of any service test).
 */
class ConnectionThreadTest {

  private Vertx vertx;
  private WebClient client;
  private HttpServer server;

  @BeforeEach
  void strictServer() {
    JsonMapping.configure();
    OffLoopWrites.install();
    OffLoopWrites.drain();
    vertx = Vertx.vertx();
    HttpServerOptions options = ServerOptions.of(0, new ConnectionConfig(Optional.empty(), 30, 30));
    assertThat(options.getStrictThreadMode()).as("the service's server writes without a cross-thread queue").isTrue();
    Router router = Router.router(vertx);
    router.get("/failed-elsewhere").handler(ctx -> new Thread(() ->
      ctx.fail(ApiException.tooManyRequests(7, "Failed on a thread of its own.")), "not-an-event-loop").start());
    router.route().failureHandler(new GraphErrorHandler(null));
    server = await(vertx.createHttpServer(options.setHost("127.0.0.1")).requestHandler(router).listen());
    client = WebClient.create(vertx);
  }

  @AfterEach
  void close() {
    client.close();
    await(vertx.close());
  }

  @Test
  void a_failure_raised_off_the_event_loop_is_answered_on_it_and_reported() {
    HttpResponse<Buffer> answer = await(client.get(server.actualPort(), "127.0.0.1", "/failed-elsewhere")
      .timeout(10_000).send());

    assertThat(answer.statusCode()).isEqualTo(429);
    assertThat(answer.getHeader("Retry-After")).isEqualTo("7");
    assertThat(answer.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("tooManyRequests");
    assertThat(OffLoopWrites.drain()).as("what the tests' check sees").singleElement().asString()
      .contains("[not-an-event-loop]", "off its connection's event loop");
  }
}
