package com.contoso.lro.auth;

import com.contoso.lro.TestTokens;
import com.contoso.lro.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/** A verified token is remembered until it expires, and only a verified one. */
@ExtendWith(VertxExtension.class)
class TokenVerifierTest {

  private final TestTokens tokens = new TestTokens();

  @TempDir
  Path dir;

  @Test
  void a_verified_token_is_remembered_and_answered_again_as_the_same_caller(Vertx vertx) {
    TokenVerifier verifier = verifier(vertx, 60);
    String token = tokens.user().sign();

    Caller first = await(verifier.verify(token));
    Caller again = await(verifier.verify(token));

    assertThat(verifier.remembered()).isEqualTo(1);
    assertThat(again).isEqualTo(first);
  }

  @Test
  void a_refused_token_is_not_remembered_and_stays_refused(Vertx vertx) {
    TokenVerifier verifier = verifier(vertx, 60);
    String forged = tokens.user().signedWith(tokens.stranger).sign();

    assertThat(refused(verifier, forged)).isTrue();
    assertThat(refused(verifier, forged)).isTrue();
    assertThat(verifier.remembered()).isZero();
  }

  @Test
  void a_remembered_token_is_refused_once_it_expires(Vertx vertx) throws InterruptedException {
    TokenVerifier verifier = verifier(vertx, 0);
    String shortLived = tokens.user().expiresAt(Instant.now().plusSeconds(2)).sign();
    assertThat(await(verifier.verify(shortLived)).oid()).isNotBlank();

    Thread.sleep(3_000);

    assertThat(refused(verifier, shortLived)).isTrue();
  }

  @Test
  void it_remembers_a_bounded_number_of_tokens(Vertx vertx) {
    TokenVerifier verifier = verifier(vertx, 60);

    for (int i = 0; i <= TokenVerifier.REMEMBERED; i++) {
      await(verifier.verify(tokens.user().claim("jti", "token-" + i).sign()));
    }

    assertThat(verifier.remembered()).isEqualTo(TokenVerifier.REMEMBERED);
  }

  private TokenVerifier verifier(Vertx vertx, int skewSeconds) {
    Path jwks = tokens.writeJwks(dir);
    return new TokenVerifier(vertx, await(TrustedKeys.load(vertx, AppConfig.from(Map.of(
      "AUTH_JWKS", jwks.toString(), "AUTH_CLOCK_SKEW_SECONDS", String.valueOf(skewSeconds))).auth())));
  }

  private static boolean refused(TokenVerifier verifier, String token) {
    return verifier.verify(token).transform(Future::succeededFuture).await().failed();
  }
}
