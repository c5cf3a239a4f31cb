package com.contoso.lro.auth;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.List;

/**
 * The JOSE header of a token, read before any key is looked at, so that what Entra ID never sends is
 * refused whatever the JWT library would make of it: an algorithm other than RS256 and ES256 (no
 * {@code none}, no HMAC keyed with a public key), {@code crit} extensions, which RFC 7515 says must be
 * refused when not understood, and keys that the token brings or points to: only the configured
 * JWKS's keys are trusted.
 *
 * @param algorithm {@code alg}: RS256 or ES256
 * @param keyId {@code kid}, or null
 */
record TokenHeader(String algorithm, String keyId) {

  static final String MALFORMED = "The token's signature or format is invalid.";
  private static final List<String> KEYS_OF_ITS_OWN = List.of("jwk", "jku", "x5c", "x5u");

  /** The header, or a failed future whose message says, in words safe to show the client, why it is refused. */
  static Future<TokenHeader> read(String token) {
    int end = token.indexOf('.');
    if (end <= 0) {
      return Future.failedFuture(MALFORMED);
    }
    JsonObject header;
    try {
      header = new JsonObject(Buffer.buffer(Base64.getUrlDecoder().decode(token.substring(0, end))));
    } catch (RuntimeException notJson) {
      return Future.failedFuture(MALFORMED);
    }
    if (!(header.getValue("alg") instanceof String algorithm) || !TrustedKeys.ALGORITHMS.contains(algorithm)) {
      return Future.failedFuture("The token's signing algorithm (alg) is not accepted.");
    }
    if (header.containsKey("crit")) {
      return Future.failedFuture("The token requires header extensions (crit) that are not supported.");
    }
    for (String name : KEYS_OF_ITS_OWN) {
      if (header.containsKey(name)) {
        return Future.failedFuture("The token names a key of its own (" + name + "): only the configured keys are trusted.");
      }
    }
    Object keyId = header.getValue("kid");
    if (keyId != null && !(keyId instanceof String)) {
      return Future.failedFuture(MALFORMED);
    }
    return Future.succeededFuture(new TokenHeader(algorithm, (String) keyId));
  }
}
