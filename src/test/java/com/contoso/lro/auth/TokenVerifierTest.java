package com.contoso.lro.auth;

import com.contoso.lro.TestTokens;
import com.contoso.lro.config.AppConfig;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  /** The service's verifiers keep {@value TokenVerifier#REMEMBERED}; a bound of 8 shows the rule without 4,097 signatures. */
  @Test
  void it_remembers_a_bounded_number_of_tokens_the_most_recently_used(Vertx vertx) {
    TokenVerifier verifier = new TokenVerifier(vertx, keys(vertx, 60), 8);
    List<String> signed = new ArrayList<>();
    // ES256: the test JVMs run C1 only, without the BigInteger intrinsics that make RSA signing cheap.
    for (int i = 0; i < 9; i++) {
      signed.add(tokens.user().claim("jti", "token-" + i).signedWith(tokens.ec).sign());
    }
    for (String token : signed.subList(0, 8)) {
      await(verifier.verify(token));
    }
    await(verifier.verify(signed.get(0)));

    await(verifier.verify(signed.get(8)));

    assertThat(verifier.remembered()).isEqualTo(8);
    assertThat(verifier.remembers(signed.get(0))).as("used again last but one: kept").isTrue();
    assertThat(verifier.remembers(signed.get(1))).as("the least recently used: forgotten").isFalse();
    assertThat(verifier.remembers(signed.get(8))).isTrue();
  }

  @Test
  void a_token_read_where_it_stands_in_a_header_is_the_token_itself(Vertx vertx) {
    TokenVerifier verifier = verifier(vertx, 60);
    String token = tokens.user().sign();
    String header = "Bearer " + token + "  ";

    Caller inHeader = await(verifier.verify(header, 7, 7 + token.length()));

    assertThat(verifier.remembers(token)).isTrue();
    assertThat(await(verifier.verify(token))).isEqualTo(inHeader);
  }

  @Test
  void a_token_that_differs_from_a_remembered_one_only_beyond_ascii_is_not_taken_for_it(Vertx vertx) {
    TokenVerifier verifier = verifier(vertx, 60);
    String token = tokens.user().sign();
    await(verifier.verify(token));
    char last = token.charAt(token.length() - 1);
    // The same low byte in each character: a digest of the characters cut to bytes would match the remembered one.
    String lookalike = token.substring(0, token.length() - 1) + (char) (last + 0x100);

    assertThat(refused(verifier, lookalike)).isTrue();
    assertThat(verifier.remembers(lookalike)).isFalse();
  }

  @Test
  void an_es256_signature_is_taken_in_jws_form_only_not_in_der_form(Vertx vertx) {
    TokenVerifier verifier = verifier(vertx, 60);
    String jose = tokens.user().signedWith(tokens.ec).sign();

    assertThat(await(verifier.verify(jose)).oid()).isNotBlank();
    assertThat(refused(verifier, TestTokens.derSigned(tokens.user().signedWith(tokens.ec).sign()))).isTrue();
  }

  /**
   * Canary: vertx-auth-jwt 5.0.7 verifies an ES256 signature in DER form as well as in JWS's form
   * (JWS.verify turns only a signature that is not DER already into DER), so TokenVerifier refuses
   * the DER form itself. When this fails, the library refuses it too, and that check can go.
   */
  @Test
  void canary_vertx_auth_jwt_still_accepts_an_es256_signature_in_der_form(Vertx vertx) {
    TrustedKeys keys = await(TrustedKeys.load(vertx, AppConfig.from(Map.of("AUTH_JWKS", tokens.writeJwks(dir).toString())).auth()));
    JWTAuth library = JWTAuth.create(vertx, new JWTAuthOptions(keys.current().options()));
    String der = TestTokens.derSigned(tokens.user().signedWith(tokens.ec).sign());

    assertThat(await(library.authenticate(new TokenCredentials(der))).principal().getString("oid")).isNotBlank();
  }

  private TokenVerifier verifier(Vertx vertx, int skewSeconds) {
    return new TokenVerifier(vertx, keys(vertx, skewSeconds));
  }

  private TrustedKeys keys(Vertx vertx, int skewSeconds) {
    Path jwks = tokens.writeJwks(dir);
    return await(TrustedKeys.load(vertx, AppConfig.from(Map.of(
      "AUTH_JWKS", jwks.toString(), "AUTH_CLOCK_SKEW_SECONDS", String.valueOf(skewSeconds))).auth()));
  }

  private static boolean refused(TokenVerifier verifier, String token) {
    return verifier.verify(token).transform(Future::succeededFuture).await().failed();
  }
}
