package com.contoso.lro.auth;

import com.contoso.lro.TestService;
import com.contoso.lro.TestTokens;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;

import static com.contoso.lro.GraphErrors.assertInvalidToken;
import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * AUTH_JWKS as an http(s) URL whose keys rotate, as Entra ID's do: a new key is trusted at its first
 * token and a withdrawn one refused once the keys are read again, all without a restart; a JWKS that
 * cannot be read costs an unknown key a 401, never a 500, and costs the known keys nothing.
 */
@ExtendWith(VertxExtension.class)
// Start-up, when this class is the first of its JVM on a busy machine, can outlast the default 30 s.
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class JwksRefreshTest {

  private static final int MIN_REFRESH_SECONDS = 1;

  private static JwksEndpoint endpoint;
  private static TestService service;

  /** How the JWKS endpoint fails to give its keys, and how it comes back. */
  enum Failure {
    ANSWERS_500(endpoint -> answer(endpoint, 500, "{\"error\":\"server_error\"}")),
    ANSWERS_WHAT_IS_NOT_JSON(endpoint -> answer(endpoint, 200, "<html>Down for maintenance</html>")),
    ANSWERS_NO_USABLE_KEY(endpoint -> answer(endpoint, 200, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}")),
    DROPS_THE_CONNECTION(endpoint -> {
      endpoint.answer(request -> request.connection().close());
      return Future.succeededFuture();
    }),
    NEVER_ANSWERS(endpoint -> {
      endpoint.answer(request -> { });
      return Future.succeededFuture();
    }),
    TRICKLES_ITS_ANSWER(endpoint -> {
      endpoint.trickle();
      return Future.succeededFuture();
    }),
    IS_DOWN(JwksEndpoint::down);

    private final Function<JwksEndpoint, Future<Void>> start;

    Failure(Function<JwksEndpoint, Future<Void>> start) {
      this.start = start;
    }

    private static Future<Void> answer(JwksEndpoint endpoint, int status, String body) {
      endpoint.answer(request -> request.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json").end(body));
      return Future.succeededFuture();
    }
  }

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext test) {
    TestTokens tokens = new TestTokens();
    JwksEndpoint.start(vertx, tokens.rsa, tokens.ec)
      .compose(started -> {
        endpoint = started;
        return TestService.start(vertx, tokens, Map.of("AUTH_JWKS", started.url(),
          "AUTH_JWKS_MIN_REFRESH_SECONDS", String.valueOf(MIN_REFRESH_SECONDS)));
      })
      .onComplete(test.succeeding(started -> {
        service = started;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    service.stop().compose(stopped -> endpoint.close()).onComplete(test.succeedingThenComplete());
  }

  @Test
  void a_token_signed_by_a_newly_published_key_is_accepted_without_a_restart() {
    RSAKey rotated = newKey();
    endpoint.publish(service.tokens.rsa, service.tokens.ec);
    waitOutTheMinimumRefreshInterval();
    assertInvalidToken(post(service.tokens.user().signedWith(rotated).sign()));

    endpoint.publish(service.tokens.rsa, service.tokens.ec, rotated);
    waitOutTheMinimumRefreshInterval();
    int readsBefore = endpoint.reads();
    List<Future<HttpResponse<Buffer>>> concurrent = IntStream.range(0, 8)
      .mapToObj(i -> send(service.tokens.user().signedWith(rotated).sign())).toList();

    for (Future<HttpResponse<Buffer>> response : concurrent) {
      assertThat(await(response).statusCode()).as(await(response).bodyAsString()).isEqualTo(201);
    }
    assertThat(endpoint.reads()).as("one read, for every verticle and every waiting request").isEqualTo(readsBefore + 1);
    assertThat(post(service.tokens.user().sign()).statusCode()).as("the key still published").isEqualTo(201);
  }

  @Test
  void a_key_withdrawn_from_the_jwks_is_refused_once_the_keys_are_read_again() {
    RSAKey successor = newKey();
    endpoint.publish(service.tokens.rsa, service.tokens.ec, successor);
    String verifiedBeforehand = service.tokens.user().sign();
    assertThat(post(verifiedBeforehand).statusCode()).isEqualTo(201);

    endpoint.publish(service.tokens.ec, successor);
    waitOutTheMinimumRefreshInterval();
    assertInvalidToken(post(service.tokens.user().signedWith(unknownKey()).sign()));

    assertInvalidToken(post(verifiedBeforehand));
    assertInvalidToken(post(service.tokens.user().sign()));
    assertThat(post(service.tokens.user().signedWith(successor).sign()).statusCode()).isEqualTo(201);
    assertThat(post(service.tokens.user().signedWith(service.tokens.ec).sign()).statusCode()).isEqualTo(201);
  }

  @ParameterizedTest
  @EnumSource(Failure.class)
  void when_the_jwks_cannot_be_read_an_unknown_key_is_401_and_the_last_good_keys_stay(Failure failure) {
    endpoint.publish(service.tokens.rsa, service.tokens.ec);
    await(failure.start.apply(endpoint));
    try {
      waitOutTheMinimumRefreshInterval();
      int readsBefore = endpoint.reads();

      assertInvalidToken(post(service.tokens.user().signedWith(unknownKey()).sign()));

      if (failure != Failure.IS_DOWN) {
        assertThat(endpoint.reads()).as("the service tried to read the keys again").isGreaterThan(readsBefore);
      }
      assertThat(post(service.tokens.user().sign()).statusCode()).isEqualTo(201);
      assertThat(post(service.tokens.user().signedWith(service.tokens.ec).sign()).statusCode()).isEqualTo(201);
    } finally {
      if (failure == Failure.IS_DOWN) {
        await(endpoint.up());
      }
      endpoint.publish(service.tokens.rsa, service.tokens.ec);
    }
  }

  @Test
  void while_a_read_of_the_jwks_hangs_tokens_of_known_keys_are_answered_at_once() throws InterruptedException {
    endpoint.answer(request -> { });
    try {
      waitOutTheMinimumRefreshInterval();
      int readsBefore = endpoint.reads();
      Future<HttpResponse<Buffer>> ofAnUnknownKey = send(service.tokens.user().signedWith(unknownKey()).sign());
      for (int waited = 0; endpoint.reads() == readsBefore; waited += 10) {
        assertThat(waited).as("ms before the service reads the JWKS again").isLessThan(5_000);
        Thread.sleep(10);
      }

      assertThat(post(service.tokens.user().sign()).statusCode()).isEqualTo(201);
      assertThat(ofAnUnknownKey.isComplete()).as("the unknown key still waits for the JWKS").isFalse();
      assertInvalidToken(await(ofAnUnknownKey));
    } finally {
      endpoint.publish(service.tokens.rsa, service.tokens.ec);
    }
  }

  /** Past it, a token naming an unknown key makes the service read the JWKS again. */
  private static void waitOutTheMinimumRefreshInterval() {
    service.clock.advance(Duration.ofSeconds(MIN_REFRESH_SECONDS));
  }

  /** An RSA key, as Entra ID publishes: dear to make here (C1 only), so only for keys that get published. */
  private static RSAKey newKey() {
    try {
      return new RSAKeyGenerator(2048).keyID("rotated-" + UUID.randomUUID()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A key the JWKS never publishes: its kind does not matter, only its id. */
  private static ECKey unknownKey() {
    return TestTokens.ecKey("unknown-" + UUID.randomUUID());
  }

  private static HttpResponse<Buffer> post(String token) {
    return await(send(token));
  }

  private static Future<HttpResponse<Buffer>> send(String token) {
    return service.request(HttpMethod.POST, TestService.OPERATIONS)
      .putHeader("client-request-id", UUID.randomUUID().toString())
      .bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("status", "running"));
  }
}
