package com.contoso.lro.auth;

import com.contoso.lro.TestClock;
import com.contoso.lro.TestTokens;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.contoso.lro.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which keys of a JWKS the service trusts, that it refuses to start trusting none, and that it reads
 * the JWKS again, without a restart, for a key id it does not know and when its keys grow old.
 */
@ExtendWith(VertxExtension.class)
class TrustedKeysTest {

  private static final JsonObject BROKEN_RSA = new JsonObject().put("kty", "RSA").put("kid", "broken")
    .put("n", "!!!not-base64url!!!").put("e", "AQAB");
  private static final JsonObject P384 = new JsonObject().put("kty", "EC").put("kid", "p384").put("crv", "P-384")
    .put("x", "AAAA").put("y", "AAAA");
  private static final JsonObject HS256 = new JsonObject().put("kty", "oct").put("kid", "shared").put("k", "c2VjcmV0");

  @TempDir
  Path dir;

  @Test
  void a_jwks_with_no_usable_signing_key_stops_start_up_with_the_reason(Vertx vertx) throws IOException {
    Throwable failure = await(load(vertx, new JsonArray().add(BROKEN_RSA).add(P384).add(HS256))
      .transform(result -> Future.succeededFuture(result.cause())));

    assertThat(failure).hasMessageContaining("no usable RS256 or ES256 signing key");
  }

  @Test
  void unusable_keys_are_skipped_and_the_usable_ones_verify_tokens(Vertx vertx) throws IOException {
    TestTokens tokens = new TestTokens();
    JsonArray keys = new JsonArray().add(BROKEN_RSA).add(HS256)
      .add(new JsonObject(tokens.rsa.toPublicJWK().toJSONObject()))
      .add(new JsonObject(tokens.ec.toPublicJWK().toJSONObject()).put("use", "enc"));

    TokenVerifier verifier = new TokenVerifier(vertx, await(load(vertx, keys)));

    String rsaSigned = tokens.user().sign();
    assertThat(await(verifier.verify(rsaSigned)).oid()).isNotBlank();
    assertThat(verifier.verify(tokens.user().signedWith(tokens.ec).sign()).transform(Future::succeededFuture).await()
      .failed()).as("an encryption key does not verify signatures").isTrue();
  }

  @Test
  void a_key_added_to_the_jwks_file_is_trusted_at_its_first_token(Vertx vertx) throws IOException, JOSEException {
    TestTokens tokens = new TestTokens();
    TokenVerifier verifier = new TokenVerifier(vertx, await(load(vertx, publicKeys(tokens.rsa))));
    RSAKey added = new RSAKeyGenerator(2048).keyID("added").generate();

    writeJwks(publicKeys(tokens.rsa, added));

    assertThat(await(verifier.verify(tokens.user().signedWith(added).sign())).oid()).isNotBlank();
  }

  @Test
  void keys_older_than_the_refresh_interval_are_read_again_and_a_withdrawn_one_is_refused(Vertx vertx)
    throws IOException, InterruptedException {
    TestTokens tokens = new TestTokens();
    TestClock clock = new TestClock();
    TokenVerifier verifier = new TokenVerifier(vertx, await(load(vertx, publicKeys(tokens.rsa, tokens.ec),
      Map.of("AUTH_JWKS_REFRESH_SECONDS", "1", "AUTH_JWKS_MIN_REFRESH_SECONDS", "1"), clock)));
    String verifiedBeforehand = tokens.user().sign();
    assertThat(await(verifier.verify(verifiedBeforehand)).oid()).isNotBlank();

    writeJwks(publicKeys(tokens.ec));
    clock.advance(Duration.ofSeconds(1));

    // The stale keys are read again in the background: the tokens that come meanwhile meet the old ones.
    for (int waited = 0; !refused(verifier, tokens.user().sign()); waited += 10) {
      assertThat(waited).as("ms until the withdrawn key is refused").isLessThan(10_000);
      Thread.sleep(10);
    }
    assertThat(refused(verifier, verifiedBeforehand)).as("a token it verified before").isTrue();
    assertThat(await(verifier.verify(tokens.user().signedWith(tokens.ec).sign())).oid()).isNotBlank();
  }

  @Test
  void verifiers_on_every_event_loop_share_one_rate_limited_read_of_the_jwks(Vertx vertx) throws JOSEException {
    TestTokens tokens = new TestTokens();
    JwksEndpoint endpoint = await(JwksEndpoint.start(vertx, tokens.rsa));
    TrustedKeys keys = await(TrustedKeys.load(vertx, AppConfig.from(Map.of("AUTH_JWKS", endpoint.url(),
      "AUTH_JWKS_MIN_REFRESH_SECONDS", "3600")).auth()));
    List<TokenVerifier> verifiers = List.of(new TokenVerifier(vertx, keys), new TokenVerifier(vertx, keys));
    assertThat(endpoint.reads()).as("read at start-up").isEqualTo(1);

    for (int i = 0; i < 20; i++) {
      ECKey unknown = new ECKeyGenerator(Curve.P_256).keyID("unknown-" + i).generate();
      for (TokenVerifier verifier : verifiers) {
        assertThat(refused(verifier, tokens.user().signedWith(unknown).sign())).isTrue();
      }
    }

    assertThat(endpoint.reads()).as("start-up's read and one more for 40 unknown key ids").isEqualTo(2);
    await(endpoint.close());
  }

  private static JsonArray publicKeys(JWK... keys) {
    JsonArray jwks = new JsonArray();
    for (JWK key : keys) {
      jwks.add(new JsonObject(key.toPublicJWK().toJSONObject()));
    }
    return jwks;
  }

  private static boolean refused(TokenVerifier verifier, String token) {
    return verifier.verify(token).transform(Future::succeededFuture).await().failed();
  }

  private Future<TrustedKeys> load(Vertx vertx, JsonArray keys) throws IOException {
    return load(vertx, keys, Map.of());
  }

  private Future<TrustedKeys> load(Vertx vertx, JsonArray keys, Map<String, String> env) throws IOException {
    return load(vertx, keys, env, System::nanoTime);
  }

  /** Writes the JWKS file, and loads it with these variables too, on {@code nanoClock}. */
  private Future<TrustedKeys> load(Vertx vertx, JsonArray keys, Map<String, String> env, LongSupplier nanoClock)
    throws IOException {
    Map<String, String> all = new HashMap<>(env);
    all.put("AUTH_JWKS", writeJwks(keys).toString());
    return TrustedKeys.load(vertx, AppConfig.from(all).auth(), nanoClock);
  }

  private Path writeJwks(JsonArray keys) throws IOException {
    return Files.writeString(dir.resolve("jwks.json"), new JsonObject().put("keys", keys).encode());
  }
}
