package com.contoso.lro.throttle;

import com.contoso.lro.ServiceEnv;
import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.contoso.lro.TestService.OPERATIONS;
import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each caller has a token bucket on each instance: here 3 requests at once, then one every four
 * seconds (slow enough that a busy machine cannot refill it between a test's requests). Over it, a
 * request is answered 429 tooManyRequests with Retry-After, as the contract says (every response a
 * test receives is checked against openapi.yaml), and does nothing. Waiting out Retry-After moves
 * the service's clock on rather than sleeping.
 */
@ServiceEnv({"THROTTLE_RATE_PER_SECOND=0.25", "THROTTLE_BURST=3"})
class ThrottlingTest extends ServiceTest {

  private static final int BURST = 3;

  @Test
  void past_its_burst_a_caller_is_told_429_with_retry_after_and_is_served_again_after_it() {
    String alice = service.tokens.user().sign();
    for (int i = 0; i < BURST; i++) {
      assertThat(list(alice).statusCode()).isEqualTo(200);
    }

    HttpResponse<Buffer> refused = list(alice);

    assertThat(refused.statusCode()).isEqualTo(429);
    JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("tooManyRequests");
    assertThat(error.getString("message")).contains("0.25 requests per second", "bursts of 3", "each instance");
    assertThat(error.getJsonObject("innerError").getString("request-id")).isEqualTo(refused.getHeader("request-id"));
    int retryAfter = Integer.parseInt(refused.getHeader("Retry-After"));
    assertThat(retryAfter).as("the next token is at most four seconds away").isBetween(1, 4);

    service.clock.advance(Duration.ofSeconds(retryAfter));

    assertThat(list(alice).statusCode()).isEqualTo(200);
  }

  @Test
  void one_caller_over_its_rate_leaves_another_unaffected() {
    String alice = service.tokens.user().sign();
    String bob = service.tokens.user().sign();
    for (int i = 0; i < BURST; i++) {
      list(alice);
    }
    assertThat(list(alice).statusCode()).isEqualTo(429);

    for (int i = 0; i < BURST; i++) {
      assertThat(list(bob).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void a_refused_request_is_neither_validated_nor_carried_out() {
    Token alice = service.tokens.user();
    String token = alice.sign();
    for (int i = 0; i < BURST; i++) {
      list(token);
    }

    HttpResponse<Buffer> valid = service.create(token, new JsonObject().put("status", "running"));
    HttpResponse<Buffer> invalid = service.create(token, new JsonObject().put("status", "no such status"));

    assertThat(valid.statusCode()).isEqualTo(429);
    assertThat(invalid.statusCode()).as("throttled before validation").isEqualTo(429);
    assertThat(await(service.database.pool().preparedQuery("SELECT count(*) FROM operations WHERE owner_id = $1")
      .execute(Tuple.of(alice.oid()))).iterator().next().getLong(0)).isZero();
  }

  @Test
  void requests_without_a_valid_token_spend_nothing_from_the_users_bucket() {
    Token alice = service.tokens.user();
    String forged = service.tokens.user().claim("oid", alice.oid()).signedWith(service.tokens.stranger).sign();
    for (int i = 0; i < 2 * BURST; i++) {
      assertThat(list(forged).statusCode()).isEqualTo(401);
    }

    String token = alice.sign();
    for (int i = 0; i < BURST; i++) {
      assertThat(list(token).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void the_verticles_of_one_instance_share_each_callers_bucket(Vertx vertx) {
    // A connection per request: the server hands connections to its verticles (two here) in turn,
    // so a bucket per verticle would let twice the burst through.
    WebClient oneConnectionPerRequest = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
    try {
      String alice = service.tokens.user().sign();
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 2 * BURST; i++) {
        statuses.add(await(oneConnectionPerRequest.get(service.port, "localhost", OPERATIONS)
          .bearerTokenAuthentication(alice).send()).statusCode());
      }

      assertThat(statuses).containsExactly(200, 200, 200, 429, 429, 429);
    } finally {
      oneConnectionPerRequest.close();
    }
  }

  @Test
  void health_and_metrics_are_never_throttled() {
    for (int i = 0; i < 4 * BURST; i++) {
      assertThat(await(service.request(GET, "/health/live").send()).statusCode()).isEqualTo(200);
      assertThat(await(service.request(GET, "/health/ready").send()).statusCode()).isEqualTo(200);
      assertThat(await(service.request(GET, "/metrics").send()).statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<Buffer> list(String token) {
    return service.call(GET, OPERATIONS, token, null);
  }
}
