package com.contoso.lro;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Mints Entra-style access tokens for tests, with nimbus-jose-jwt: an implementation independent of
 * the one under test. The service trusts {@link #rsa} and {@link #ec} through a JWKS file; {@link #stranger}
 * is a key it has never seen.
 */
public final class TestTokens {

  public static final String ISSUER = "https://login.microsoftonline.com/2f4a9838-26b7-47ee-be60-ccc1fdec5953/v2.0";
  public static final String AUDIENCE = "api://lro-tests";
  public static final String READ_WRITE = "UserAuthenticationMethod.ReadWrite";

  /**
   * Microsoft Entra built-in roles by template id, as a token's {@code wids} claim names them
   * ("Microsoft Entra built-in roles", learn.microsoft.com).
   */
  public static final String GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
  public static final String AUTHENTICATION_ADMINISTRATOR = "c4e39bd9-1100-46d3-8c65-fb160da0071f";
  public static final String PRIVILEGED_AUTHENTICATION_ADMINISTRATOR = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13";
  public static final String GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10";
  /** A role that has nothing to do with authentication methods. */
  public static final String USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1";

  public final RSAKey rsa;
  public final ECKey ec;
  public final RSAKey stranger;

  /**
   * The keys of this JVM, made once: an RSA key pair costs a fifth of a second of CPU or more, and a
   * test class never needs keys that another class's service does not know.
   */
  public TestTokens() {
    rsa = Keys.OF_THIS_JVM.rsa();
    ec = Keys.OF_THIS_JVM.ec();
    stranger = Keys.OF_THIS_JVM.stranger();
  }

  private record Keys(RSAKey rsa, ECKey ec, RSAKey stranger) {

    private static final Keys OF_THIS_JVM = generate();

    private static Keys generate() {
      try {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-" + UUID.randomUUID()).generate();
        return new Keys(rsa, ecKey("ec-" + UUID.randomUUID()), new RSAKeyGenerator(2048).keyID(rsa.getKeyID()).generate());
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A new P-256 key named {@code keyId}: made in a millisecond, where an RSA key takes seconds without C2. */
  public static ECKey ecKey(String keyId) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(keyId).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the public half of the trusted keys as a JWKS file, as Entra publishes them. */
  public Path writeJwks(Path dir) {
    try {
      Path file = dir.resolve("jwks.json");
      Files.writeString(file, new JWKSet(List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a service started as a process needs to trust these tokens: the JWKS file and its issuer and audience. */
  public static java.util.Map<String, String> trusting(Path jwks) {
    return java.util.Map.of("AUTH_JWKS", jwks.toString(), "AUTH_ISSUER", ISSUER, "AUTH_AUDIENCE", AUDIENCE);
  }

  /**
   * The same ES256 token with its signature written in ASN.1 DER, as Java's and OpenSSL's ECDSA give
   * it, rather than as JWS's R and S (RFC 7518 3.4): a form no honest issuer sends.
   */
  public static String derSigned(String es256Token) {
    int dot = es256Token.lastIndexOf('.');
    try {
      byte[] der = ECDSA.transcodeSignatureToDER(Base64URL.from(es256Token.substring(dot + 1)).decode());
      return es256Token.substring(0, dot + 1) + Base64URL.encode(der);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A valid delegated token for a fresh user, with the ReadWrite scope: change what a test needs. */
  public Token user() {
    return new Token(this, new JWTClaimsSet.Builder()
      .issuer(ISSUER)
      .audience(AUDIENCE)
      .subject(UUID.randomUUID().toString())
      .claim("oid", UUID.randomUUID().toString())
      .claim("tid", "2f4a9838-26b7-47ee-be60-ccc1fdec5953")
      .claim("upn", "user-" + UUID.randomUUID() + "@contoso.test")
      .claim("scp", READ_WRITE)
      .issueTime(Date.from(Instant.now()))
      .notBeforeTime(Date.from(Instant.now().minusSeconds(60)))
      .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1)))));
  }

  /** A token under construction; every setter returns a new one. */
  public static final class Token {
    private final TestTokens keys;
    private final JWTClaimsSet.Builder claims;
    private JWK signingKey;

    private Token(TestTokens keys, JWTClaimsSet.Builder claims) {
      this.keys = keys;
      this.claims = claims;
      this.signingKey = keys.rsa;
    }

    public Token claim(String name, Object value) {
      claims.claim(name, value);
      return this;
    }

    public Token without(String name) {
      claims.claim(name, null);
      return this;
    }

    public Token expiresAt(Instant when) {
      claims.expirationTime(Date.from(when));
      return this;
    }

    public Token notBefore(Instant when) {
      claims.notBeforeTime(Date.from(when));
      return this;
    }

    /** An app-only token: application roles, no delegated scopes. */
    public Token appOnly(String... roles) {
      claims.claim("scp", null).claim("roles", List.of(roles));
      return this;
    }

    /** The signed-in user's directory roles: the {@code wids} claim, by role template id. */
    public Token directoryRoles(String... templateIds) {
      claims.claim("wids", List.of(templateIds));
      return this;
    }

    public Token signedWith(JWK key) {
      this.signingKey = key;
      return this;
    }

    public String oid() {
      return (String) claims.build().getClaim("oid");
    }

    public String sign() {
      try {
        if (signingKey instanceof ECKey ecKey) {
          SignedJWT jwt = new SignedJWT(header(JWSAlgorithm.ES256, ecKey.getKeyID()), claims.build());
          jwt.sign(new ECDSASigner(ecKey));
          return jwt.serialize();
        }
        RSAKey rsaKey = (RSAKey) signingKey;
        SignedJWT jwt = new SignedJWT(header(JWSAlgorithm.RS256, rsaKey.getKeyID()), claims.build());
        jwt.sign(new RSASSASigner(rsaKey));
        return jwt.serialize();
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Signed with any header and signer, for tokens that no honest issuer makes. */
    public String sign(JWSHeader header, JWSSigner signer) {
      try {
        SignedJWT jwt = new SignedJWT(header, claims.build());
        jwt.sign(signer);
        return jwt.serialize();
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The same claims with {@code alg: none} and no signature. */
    public String unsigned() {
      return new PlainJWT(claims.build()).serialize();
    }

    private static JWSHeader header(JWSAlgorithm algorithm, String keyId) {
      return new JWSHeader.Builder(algorithm).keyID(keyId).type(JOSEObjectType.JWT).build();
    }
  }
}
