package com.contoso.lro.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks a bearer token like Microsoft Entra ID tokens are checked: its header (see {@link TokenHeader}),
 * its signature against the trusted keys, {@code exp} and {@code nbf} with a clock skew, {@code iss}
 * and {@code aud} when configured, and an {@code oid} naming the caller. One per verticle: JWTAuth is
 * not shared across event loops. A token that names a key id the trusted keys lack waits for them to
 * be read again ({@link TrustedKeys#refresh}), as the key may be new.
 *
 * <p>A client sends the same token for an hour, and checking its signature is the dearest step of a
 * request, so a verified token is remembered, by its SHA-256 and never in the clear, until it
 * expires; the most recently used {@value #REMEMBERED} per verticle are kept. When the trusted keys
 * change, all are forgotten, as the key that signed one may be gone. Like the rest of a verticle, it
 * is used on that verticle's event loop only: the digest is computed in buffers of its own, with no
 * copy of the token made for it.
 */
public final class TokenVerifier {

  /** The claims that are dates (RFC 7519 4.1.4, 4.1.5, 4.1.6). */
  private static final List<String> NUMERIC_DATES = List.of("exp", "nbf", "iat");
  /** 9999-12-31T23:59:59Z. */
  private static final BigDecimal LATEST_NUMERIC_DATE = BigDecimal.valueOf(253_402_300_799L);

  static final int REMEMBERED = 4096;

  private final Vertx vertx;
  private final Context context;
  private final TrustedKeys keys;
  private final long skewMillis;
  private final Map<Digest, Verified> verified;
  private final MessageDigest sha256 = sha256();
  private final byte[] digested = new byte[32];
  /** A token's characters as the bytes digested; grows to the longest token seen, which the server's header limit bounds. */
  private byte[] ascii = new byte[2048];
  /** The keys that {@link #jwt} checks against, and that every remembered token was verified with. */
  private TrustedKeys.KeySet keySet;
  private JWTAuth jwt;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** @param answer the caller, as verify answers it each time */
  private record Verified(Caller caller, long validUntilMillis, Future<Caller> answer) {
    Verified(Caller caller, long validUntilMillis) {
      this(caller, validUntilMillis, Future.succeededFuture(caller));
    }
  }

  /** A token's SHA-256. */
  private record Digest(long first, long second, long third, long fourth) {
  }

  public TokenVerifier(Vertx vertx, TrustedKeys keys) {
    this(vertx, keys, REMEMBERED);
  }

  /** @param remembered how many verified tokens to keep, the most recently used */
  TokenVerifier(Vertx vertx, TrustedKeys keys, int remembered) {
    this.verified = new LinkedHashMap<>(remembered, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Digest, Verified> eldest) {
        return size() > remembered;
      }
    };
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.keys = keys;
    this.skewMillis = keys.skewMillis();
    useCurrentKeys();
  }

  /**
   * The caller, or a failed future whose message says why the token is refused, in words safe to
   * show the client: the JWT library's own messages can carry configuration and decoding details.
   */
  public Future<Caller> verify(String token) {
    return verify(token, 0, token.length());
  }

  /** As {@link #verify(String)}, of the token that {@code text} holds from {@code from} to {@code to}, e.g. a header's value. */
  public Future<Caller> verify(String text, int from, int to) {
    useCurrentKeys();
    Digest digest = digest(text, from, to);
    Verified known = digest == null ? null : verified.get(digest);
    if (known != null) {
      if (System.currentTimeMillis() < known.validUntilMillis()) {
        return known.answer();
      }
      verified.remove(digest);
    }
    return check(text.substring(from, to)).map(checked -> {
      if (digest != null) {
        verified.put(digest, checked);
      }
      return checked.caller();
    });
  }

  private void useCurrentKeys() {
    TrustedKeys.KeySet current = keys.current();
    if (current != keySet) {
      keySet = current;
      jwt = JWTAuth.create(vertx, new JWTAuthOptions(current.options()));
      verified.clear();
    }
  }

  private Future<Verified> check(String token) {
    keys.refreshIfStale();
    return TokenHeader.read(token).compose(header -> {
      if ("ES256".equals(header.algorithm()) && !isJoseEs256Signature(token)) {
        return Future.failedFuture(TokenHeader.MALFORMED);
      }
      if (keySet.knows(header.keyId())) {
        return checkSignatureAndClaims(token);
      }
      Promise<Verified> checked = Promise.promise();
      // The refresh completes on the event loop that read the keys: come back to this verticle's.
      keys.refresh().onComplete(refreshed -> context.runOnContext(back -> {
        useCurrentKeys();
        checkSignatureAndClaims(token).onComplete(checked);
      }));
      return checked.future();
    });
  }

  private Future<Verified> checkSignatureAndClaims(String token) {
    Future<User> checked;
    try {
      checked = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException malformedClaims) {
      // JWTAuth throws, rather than fails, on claims of the wrong type, e.g. a string exp.
      checked = Future.failedFuture(malformedClaims);
    }
    return checked
      .recover(refused -> Future.failedFuture(reason(refused.getMessage())))
      .compose(user -> {
      JsonObject claims = user.attributes().getJsonObject("accessToken");
      if (!(claims.getValue("exp") instanceof Number)) {
        return Future.failedFuture("The token has no expiry (exp).");
      }
      if (!NUMERIC_DATES.stream().allMatch(name -> isNumericDate(claims.getValue(name)))) {
        return Future.failedFuture(TokenHeader.MALFORMED);
      }
      if (!(claims.getValue("oid") instanceof String oid) || oid.isBlank()) {
        return Future.failedFuture("The token names no user (oid).");
      }
      long validUntil = ((Number) claims.getValue("exp")).longValue() * 1000 + skewMillis;
      return Future.succeededFuture(new Verified(Caller.fromClaims(claims), validUntil));
    });
  }

  /**
   * Whether the token's signature has the form JWS gives ES256 (RFC 7518 3.4): R and S, 32 bytes each.
   * vertx-auth-jwt 5.0.7 also takes a signature in ASN.1 DER form (its JWS.verify converts only what is
   * not DER already), a second encoding of one signature that no conforming issuer makes.
   */
  static boolean isJoseEs256Signature(String token) {
    String signature = token.substring(token.lastIndexOf('.') + 1);
    // 64 bytes are 86 base64url characters without padding; decoding only checks the alphabet.
    if (signature.length() != 86) {
      return false;
    }
    try {
      return Base64.getUrlDecoder().decode(signature).length == 64;
    } catch (IllegalArgumentException notBase64url) {
      return false;
    }
  }

  /**
   * Whether a date claim, when present, is a NumericDate a long holds: vertx-auth-jwt reads it as a
   * long, so a larger one wraps (an nbf years ahead became one in the past). Year 9999 at most.
   */
  static boolean isNumericDate(Object value) {
    if (value == null) {
      return true;
    }
    if (!(value instanceof Number number)) {
      return false;
    }
    BigDecimal date = number instanceof BigInteger big ? new BigDecimal(big) : new BigDecimal(number.toString());
    return date.signum() >= 0 && date.compareTo(LATEST_NUMERIC_DATE) <= 0;
  }

  /** How many verified tokens this verifier remembers. */
  int remembered() {
    return verified.size();
  }

  /** Whether {@code token} is among them; looking does not count as a use. */
  boolean remembers(String token) {
    return verified.containsKey(digest(token, 0, token.length()));
  }

  /** The SHA-256 of the token in {@code text} from {@code from} to {@code to}; null when it holds a character no JWT has (not ASCII). */
  private Digest digest(String text, int from, int to) {
    int length = to - from;
    if (ascii.length < length) {
      ascii = new byte[Math.max(length, 2 * ascii.length)];
    }
    for (int i = 0; i < length; i++) {
      char c = text.charAt(from + i);
      if (c > 0x7f) {
        Arrays.fill(ascii, 0, i, (byte) 0);
        return null;
      }
      ascii[i] = (byte) c;
    }
    sha256.update(ascii, 0, length);
    // Not kept in the clear between requests, as the remembered tokens are not.
    Arrays.fill(ascii, 0, length, (byte) 0);
    try {
      sha256.digest(digested, 0, digested.length);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 gives 32 bytes", e);
    }
    return new Digest((long) LONGS.get(digested, 0), (long) LONGS.get(digested, 8), (long) LONGS.get(digested, 16),
      (long) LONGS.get(digested, 24));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  private static String reason(String libraryMessage) {
    String message = libraryMessage == null ? "" : libraryMessage.toLowerCase();
    if (message.contains("expired")) {
      return "The token has expired or is not valid yet.";
    }
    if (message.contains("audience")) {
      return "The token's audience (aud) is not accepted.";
    }
    if (message.contains("issuer")) {
      return "The token's issuer (iss) is not accepted.";
    }
    return TokenHeader.MALFORMED;
  }
}
