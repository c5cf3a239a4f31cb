package com.contoso.lro.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.contoso.lro.TestTokens;
import com.contoso.lro.auth.Caller;
import com.contoso.lro.auth.TokenVerifier;
import com.contoso.lro.auth.TrustedKeys;
import com.contoso.lro.config.AppConfig;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The token verifier (TokenHeader, then the signature and claims) with any bearer token: it
 * verifies only a token that nimbus-jose-jwt, an implementation independent of it, finds signed
 * by a trusted key as JWS says (RS256 or ES256 with the raw r‖s signature), with the claims that
 * the configuration requires; anything else is refused on the 401 path, a failed future whose
 * words are the verifier's own, never a throw and never the library's text, in bounded time.
 *
 * <p>An input is a token as a client sends it; or, to reach past the signature check, lines
 * {@code jws}, a header, a payload, and how to sign: {@code rs256} or {@code es256} with the trusted
 * keys, {@code es256-der} (the DER form of an ECDSA signature), {@code stranger} (an RSA key the
 * service doesn't trust), or the signature's base64url text as it stands. In the header and
 * payload, {@code $RSA_KID}, {@code $EC_KID}, {@code $ISS}, {@code $AUD}, {@code $NOW},
 * {@code $LATER} (an hour on) and {@code $EARLIER} (an hour ago) stand for this run's values.
 */
class TokenVerifierFuzzTest {

  private static final long SKEW_SECONDS = 60;
  /** The reasons the verifier gives a 401, in its own words. */
  private static final Pattern REFUSALS = Pattern.compile(String.join("|",
    Pattern.quote("The token's signature or format is invalid."),
    Pattern.quote("The token's signing algorithm (alg) is not accepted."),
    Pattern.quote("The token requires header extensions (crit) that are not supported."),
    "The token names a key of its own \\((jwk|jku|x5c|x5u)\\): only the configured keys are trusted\\.",
    Pattern.quote("The token has expired or is not valid yet."),
    Pattern.quote("The token's audience (aud) is not accepted."),
    Pattern.quote("The token's issuer (iss) is not accepted."),
    Pattern.quote("The token has no expiry (exp)."),
    Pattern.quote("The token names no user (oid).")));
  private static final List<String> KEYS_OF_ITS_OWN = List.of("jwk", "jku", "x5c", "x5u", "crit");
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private static final TestTokens KEYS = new TestTokens();
  private static Vertx vertx;
  private static TokenVerifier verifier;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("lro-fuzz-jwks");
    Path jwks = KEYS.writeJwks(dir);
    TrustedKeys keys = com.contoso.lro.TestService.await(TrustedKeys.load(vertx, AppConfig.from(Map.of(
      "AUTH_JWKS", jwks.toString(), "AUTH_ISSUER", TestTokens.ISSUER, "AUTH_AUDIENCE", TestTokens.AUDIENCE,
      "AUTH_CLOCK_SKEW_SECONDS", String.valueOf(SKEW_SECONDS))).auth()));
    verifier = new TokenVerifier(vertx, keys);
  }

  @AfterAll
  static void stop() {
    com.contoso.lro.TestService.await(vertx.close());
  }

  @FuzzTest
  void verify(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    String token = text.startsWith("jws\n") ? assemble(text.split("\n", -1)) : text;
    if (token == null) {
      return;
    }
    Future<Caller> verified;
    try {
      verified = verifier.verify(token);
    } catch (RuntimeException thrown) {
      throw new AssertionError("verify threw rather than refusing (a 500, not a 401): " + token, thrown);
    }
    AsyncResult<Caller> settled;
    try {
      settled = verified.transform(Future::succeededFuture).await(FuzzedService.ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no verdict within " + FuzzedService.ANSWER_WITHIN + " for " + token, e);
    }
    if (settled.failed()) {
      String reason = settled.cause().getMessage();
      assertThat(reason).as("the 401's reason for %s", token).isNotNull();
      assertThat(REFUSALS.matcher(reason).matches()).as("'%s' is the verifier's own words, for %s", reason, token).isTrue();
      return;
    }
    String why = whyNotTrusted(token);
    if (why != null) {
      fail("Verified a token that must be refused, as %s: %s", why, token);
    }
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    assertThat(settled.result().oid()).isEqualTo(claims.getString("oid").toLowerCase(java.util.Locale.ROOT));
  }

  /** Why the token is no valid token of a trusted issuer for this service, in the oracle's eyes; null if it is. */
  private static String whyNotTrusted(String token) {
    JWSObject jws;
    try {
      jws = JWSObject.parse(token);
    } catch (ParseException e) {
      return "not a JWS to nimbus (" + e.getMessage() + ")";
    }
    JWSAlgorithm algorithm = jws.getHeader().getAlgorithm();
    JsonObject header = new JsonObject(jws.getHeader().toJSONObject());
    for (String name : KEYS_OF_ITS_OWN) {
      if (header.containsKey(name)) {
        return "it has " + name;
      }
    }
    try {
      JWSVerifier trusted;
      if (JWSAlgorithm.RS256.equals(algorithm)) {
        trusted = new RSASSAVerifier(KEYS.rsa.toRSAPublicKey());
      } else if (JWSAlgorithm.ES256.equals(algorithm)) {
        trusted = new ECDSAVerifier(KEYS.ec.toECPublicKey());
      } else {
        return "its alg is " + algorithm;
      }
      if (!jws.verify(trusted)) {
        return "its signature is not a trusted key's, as JWS defines it";
      }
    } catch (JOSEException e) {
      return "nimbus cannot check it (" + e.getMessage() + ")";
    }
    JsonObject claims;
    try {
      claims = new JsonObject(jws.getPayload().toString());
    } catch (RuntimeException e) {
      return "its payload is no JSON object";
    }
    long now = Instant.now().getEpochSecond();
    if (!(claims.getValue("exp") instanceof Number exp) || exp.doubleValue() + SKEW_SECONDS <= now) {
      return "it has no exp ahead";
    }
    if (claims.containsKey("nbf") && (!(claims.getValue("nbf") instanceof Number nbf) || nbf.doubleValue() - SKEW_SECONDS > now)) {
      return "its nbf is not passed";
    }
    if (!TestTokens.ISSUER.equals(claims.getValue("iss"))) {
      return "its iss is another";
    }
    Object audience = claims.getValue("aud");
    if (!(TestTokens.AUDIENCE.equals(audience) || audience instanceof JsonArray list && list.contains(TestTokens.AUDIENCE))) {
      return "its aud is another";
    }
    if (!(claims.getValue("oid") instanceof String oid) || oid.isBlank()) {
      return "it names no oid";
    }
    return null;
  }

  /** The token that a {@code jws} input describes, or null when the input is not one. */
  private static String assemble(String[] lines) {
    if (lines.length != 4) {
      return null;
    }
    String header = BASE64URL.encodeToString(substitute(lines[1]).getBytes(StandardCharsets.UTF_8));
    String payload = BASE64URL.encodeToString(substitute(lines[2]).getBytes(StandardCharsets.UTF_8));
    byte[] signingInput = (header + "." + payload).getBytes(StandardCharsets.US_ASCII);
    String signature;
    try {
      signature = switch (lines[3]) {
        case "rs256" -> BASE64URL.encodeToString(sign("SHA256withRSA", KEYS.rsa.toPrivateKey(), signingInput));
        case "stranger" -> BASE64URL.encodeToString(sign("SHA256withRSA", KEYS.stranger.toPrivateKey(), signingInput));
        case "es256" -> BASE64URL.encodeToString(sign("SHA256withECDSAinP1363Format", KEYS.ec.toPrivateKey(), signingInput));
        case "es256-der" -> BASE64URL.encodeToString(sign("SHA256withECDSA", KEYS.ec.toPrivateKey(), signingInput));
        default -> lines[3];
      };
    } catch (JOSEException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return header + "." + payload + "." + signature;
  }

  private static byte[] sign(String algorithm, java.security.PrivateKey key, byte[] data) throws GeneralSecurityException {
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(data);
    return signer.sign();
  }

  private static String substitute(String text) {
    long now = Instant.now().getEpochSecond();
    return text.replace("$RSA_KID", KEYS.rsa.getKeyID())
      .replace("$EC_KID", KEYS.ec.getKeyID())
      .replace("$ISS", TestTokens.ISSUER)
      .replace("$AUD", TestTokens.AUDIENCE)
      .replace("$NOW", String.valueOf(now))
      .replace("$LATER", String.valueOf(now + 3600))
      .replace("$EARLIER", String.valueOf(now - 3600));
  }
}
