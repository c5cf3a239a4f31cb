package com.contoso.lro.auth;

import com.contoso.lro.TestTokens;
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
import java.util.Map;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Which keys of a JWKS the service trusts, and that it refuses to start trusting none. */
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

  private Future<TrustedKeys> load(Vertx vertx, JsonArray keys) throws IOException {
    Path jwks = Files.writeString(dir.resolve("jwks.json"), new JsonObject().put("keys", keys).encode());
    return TrustedKeys.load(vertx, AppConfig.from(Map.of("AUTH_JWKS", jwks.toString())).auth());
  }
}
