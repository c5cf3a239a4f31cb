package com.contoso.lro.http;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import com.contoso.lro.TestTokens;
import com.contoso.lro.TestTokens.Token;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import static com.contoso.lro.GraphErrors.assertInvalidToken;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens forged, stolen late, or meant for someone else: each is 401 with Graph's error body and
 * RFC 6750's invalid_token challenge, tells nothing of why in Java's words, and stores nothing.
 * The service trusts only the RSA and EC keys of its JWKS, for its issuer and audience.
 */
class TokenAttacksTest extends ServiceTest {

  /** A forged token, and the user it would act as, whose operations must stay untouched. */
  private record Attack(String token, String oid) {

    static Attack of(Token token, Function<Token, String> forge) {
      return new Attack(forge.apply(token), token.oid());
    }
  }

  static Stream<Named<Function<TestTokens, Attack>>> attacks() {
    return Stream.of(
      attack("alg none: unsigned", tokens -> Attack.of(tokens.user(), Token::unsigned)),
      attack("HS256 keyed with the trusted RSA public key as PEM", tokens -> Attack.of(tokens.user(),
        token -> token.sign(header(JWSAlgorithm.HS256, tokens.rsa.getKeyID()), hmac(pem(publicKey(tokens)))))),
      attack("HS256 keyed with the trusted RSA public key as X.509 DER", tokens -> Attack.of(tokens.user(),
        token -> token.sign(header(JWSAlgorithm.HS256, tokens.rsa.getKeyID()), hmac(publicKey(tokens).getEncoded())))),
      attack("HS256 keyed with the trusted RSA key's modulus", tokens -> Attack.of(tokens.user(),
        token -> token.sign(header(JWSAlgorithm.HS256, tokens.rsa.getKeyID()), hmac(tokens.rsa.getModulus().decode())))),
      attack("expired 10 minutes ago, beyond the clock skew", tokens -> Attack.of(
        tokens.user().expiresAt(Instant.now().minus(Duration.ofMinutes(10))), Token::sign)),
      attack("nbf 10 minutes from now, beyond the clock skew", tokens -> Attack.of(
        tokens.user().notBefore(Instant.now().plus(Duration.ofMinutes(10))), Token::sign)),
      attack("iss of another tenant", tokens -> Attack.of(tokens.user()
        .claim("iss", "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"), Token::sign)),
      attack("aud of another API", tokens -> Attack.of(tokens.user().claim("aud", "api://someone-else"), Token::sign)),
      attack("payload tampered with after signing", tokens -> {
        String otherOid = UUID.randomUUID().toString();
        return new Attack(withOid(tokens.user().sign(), otherOid), otherOid);
      }),
      attack("unknown kid on a trusted key's valid signature", tokens -> Attack.of(tokens.user(),
        token -> token.sign(header(JWSAlgorithm.RS256, "unknown-" + UUID.randomUUID()), trustedSigner(tokens)))),
      attack("unknown kid of a key the service never saw", tokens -> {
        ECKey unseen = TestTokens.ecKey("unknown-" + UUID.randomUUID());
        return Attack.of(tokens.user(), token -> token.signedWith(unseen).sign());
      }),
      attack("no oid", tokens -> Attack.of(tokens.user().without("oid"), Token::sign)),
      attack("trusted kid, another key's signature", tokens -> Attack.of(
        tokens.user().signedWith(tokens.stranger), Token::sign)),
      attack("no exp", tokens -> Attack.of(tokens.user().without("exp"), Token::sign)),
      attack("exp that is not a number", tokens -> Attack.of(tokens.user().claim("exp", "tomorrow"), Token::sign)),
      // Found by TokenVerifierFuzzTest: an nbf past a long's range wrapped into the past and passed.
      // An exp past a long's range, which would wrap to an hour ahead, is refused alike.
      attack("nbf past a long's range, trusted signature", tokens -> Attack.of(
        tokens.user().claim("nbf", new java.math.BigInteger("9".repeat(20))), Token::sign)),
      attack("exp past a long's range, trusted signature", tokens -> Attack.of(
        tokens.user().claim("exp", java.math.BigInteger.TWO.pow(64).add(
          java.math.BigInteger.valueOf(Instant.now().plus(Duration.ofHours(1)).getEpochSecond()))), Token::sign)),
      attack("PS256 by the trusted RSA key: not an accepted alg", tokens -> Attack.of(tokens.user(),
        token -> token.sign(header(JWSAlgorithm.PS256, tokens.rsa.getKeyID()), trustedSigner(tokens)))),
      attack("crit extension not understood, trusted signature", tokens -> Attack.of(tokens.user(),
        token -> token.sign(headerBuilder(JWSAlgorithm.RS256, tokens.rsa.getKeyID())
          .criticalParams(Set.of("urn:contoso:must-understand")).customParam("urn:contoso:must-understand", true)
          .build(), trustedSigner(tokens)))),
      attack("jwk: the forger's own key embedded", tokens -> {
        ECKey forger = TestTokens.ecKey("forger");
        return Attack.of(tokens.user(), token -> token.sign(headerBuilder(JWSAlgorithm.ES256, null)
          .jwk(forger.toPublicJWK()).build(), ecdsa(forger)));
      }),
      attack("jku: the forger's JWKS URL", tokens -> {
        ECKey forger = TestTokens.ecKey("forger");
        return Attack.of(tokens.user(), token -> token.sign(headerBuilder(JWSAlgorithm.ES256, "forger")
          .jwkURL(URI.create("http://127.0.0.1:9/keys")).build(), ecdsa(forger)));
      }),
      attack("x5u: the forger's certificate URL", tokens -> {
        ECKey forger = TestTokens.ecKey("forger");
        return Attack.of(tokens.user(), token -> token.sign(headerBuilder(JWSAlgorithm.ES256, "forger")
          .x509CertURL(URI.create("http://127.0.0.1:9/cert.pem")).build(), ecdsa(forger)));
      }),
      attack("x5c: a key of its own, even on a trusted signature", tokens -> Attack.of(tokens.user(),
        token -> token.sign(headerBuilder(JWSAlgorithm.RS256, tokens.rsa.getKeyID())
          .x509CertChain(List.of(com.nimbusds.jose.util.Base64.encode(publicKey(tokens).getEncoded()))).build(),
          trustedSigner(tokens)))),
      attack("ES256 by the trusted EC key, its signature in DER form rather than JWS's R and S",
        tokens -> Attack.of(tokens.user(), token -> TestTokens.derSigned(token.signedWith(tokens.ec).sign()))),
      attack("numbers no token needs in its header and claims, which a JSON reader might write out at length",
        tokens -> {
          String oid = UUID.randomUUID().toString();
          return new Attack(base64url("{\"alg\":\"ES256\",\"kid\":\"" + tokens.ec.getKeyID() + "\",\"n\":1e999999999}") + "."
            + base64url("{\"oid\":\"" + oid + "\",\"exp\":1e20000000,\"nbf\":-1e999999999,\"iat\":"
            + "9".repeat(900) + "}") + "." + "A".repeat(86), oid);
        }),
      attack("not a JWT", tokens -> new Attack("not-a-jwt", UUID.randomUUID().toString())),
      attack("three segments of nothing", tokens -> new Attack("a.b.c", UUID.randomUUID().toString())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void is_401_invalid_token_reveals_nothing_and_stores_nothing(Function<TestTokens, Attack> forge) {
    Attack attack = forge.apply(service.tokens);

    HttpResponse<Buffer> response = TestService.await(service.request(HttpMethod.POST, TestService.OPERATIONS)
      .putHeader("client-request-id", UUID.randomUUID().toString())
      .bearerTokenAuthentication(attack.token())
      .sendJsonObject(new JsonObject().put("status", "running")));

    assertInvalidToken(response);
    String body = response.bodyAsString();
    assertThat(body).doesNotContain(attack.token(), "Exception", "at com.", "io.vertx", "java.");
    for (String segment : attack.token().split("\\.")) {
      if (segment.length() > 8) {
        assertThat(body).doesNotContain(segment);
      }
    }
    assertThat(storedCount(attack.oid())).as("operations stored for the forged user").isZero();
  }

  private static String base64url(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static Named<Function<TestTokens, Attack>> attack(String name, Function<TestTokens, Attack> forge) {
    return Named.of(name, forge);
  }

  private static JWSHeader header(JWSAlgorithm algorithm, String keyId) {
    return headerBuilder(algorithm, keyId).build();
  }

  private static JWSHeader.Builder headerBuilder(JWSAlgorithm algorithm, String keyId) {
    return new JWSHeader.Builder(algorithm).keyID(keyId);
  }

  private static RSAPublicKey publicKey(TestTokens tokens) {
    try {
      return tokens.rsa.toRSAPublicKey();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JWSSigner trustedSigner(TestTokens tokens) {
    try {
      return new RSASSASigner(tokens.rsa);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] pem(RSAPublicKey key) {
    return ("-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
      .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static JWSSigner hmac(byte[] secret) {
    try {
      return new MACSigner(secret);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JWSSigner ecdsa(ECKey key) {
    try {
      return new ECDSASigner(key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same token, header and signature, with its payload re-encoded to name another oid. */
  private static String withOid(String token, String oid) {
    String[] parts = token.split("\\.");
    JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
      .put("oid", oid);
    return parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
      .encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
  }

  private static long storedCount(String oid) {
    return TestService.await(service.database.pool()
        .preparedQuery("SELECT count(*) FROM operations WHERE owner_id = $1")
        .execute(Tuple.of(oid)))
      .iterator().next().getLong(0);
  }
}
