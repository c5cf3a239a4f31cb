package com.contoso.lro.auth;

import com.contoso.lro.TestService;
import com.contoso.lro.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AUTH_JWKS as an http(s) URL, as Entra publishes its keys, and the small clock skew allowed on
 * {@code exp} and {@code nbf}.
 */
@ExtendWith(VertxExtension.class)
class JwksUrlTest {

  private static TestService service;
  private static JwksEndpoint keysEndpoint;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext test) {
    TestTokens tokens = new TestTokens();
    JwksEndpoint.start(vertx, tokens.rsa, tokens.ec)
      .compose(listening -> {
        keysEndpoint = listening;
        return TestService.start(vertx, tokens, Map.of("AUTH_JWKS", listening.url()));
      })
      .onComplete(test.succeeding(started -> {
        service = started;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    service.stop().compose(stopped -> keysEndpoint.close()).onComplete(test.succeedingThenComplete());
  }

  @Test
  void tokens_signed_by_keys_fetched_from_the_jwks_url_are_accepted() {
    assertThat(service.create(service.tokens.user().sign(), new JsonObject()).statusCode()).isEqualTo(201);
    assertThat(service.create(service.tokens.user().signedWith(service.tokens.ec).sign(), new JsonObject()).statusCode())
      .isEqualTo(201);
  }

  @Test
  void a_token_expired_within_the_clock_skew_is_still_accepted() {
    String token = service.tokens.user().expiresAt(Instant.now().minusSeconds(20)).sign();

    assertThat(service.create(token, new JsonObject()).statusCode()).isEqualTo(201);
  }

  @Test
  void a_token_valid_from_a_moment_within_the_clock_skew_is_accepted() {
    String token = service.tokens.user().notBefore(Instant.now().plusSeconds(20)).sign();

    assertThat(service.create(token, new JsonObject()).statusCode()).isEqualTo(201);
  }

  @Test
  void a_token_expired_beyond_the_clock_skew_is_refused() {
    String token = service.tokens.user().expiresAt(Instant.now().minusSeconds(120)).sign();

    assertThat(service.create(token, new JsonObject()).statusCode()).isEqualTo(401);
  }
}
