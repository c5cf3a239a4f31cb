package com.contoso.lro.auth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The JOSE header of a token, read before any key is looked at, so that what Entra ID never sends is
 * refused whatever the JWT library would make of it: an algorithm other than RS256 and ES256 (no
 * {@code none}, no HMAC keyed with a public key), {@code crit} extensions, which RFC 7515 says must be
 * refused when not understood, and keys that the token brings or points to: only the configured
 * JWKS's keys are trusted. A header or claims set that names a member twice is refused too (RFC 7515
 * section 4 lets a reader refuse it): two readers that kept different copies could disagree on what was verified.
 *
 * @param algorithm {@code alg}: RS256 or ES256
 * @param keyId {@code kid}, or null
 */
record TokenHeader(String algorithm, String keyId) {

  static final String MALFORMED = "The token's signature or format is invalid.";
  private static final List<String> KEYS_OF_ITS_OWN = List.of("jwk", "jku", "x5c", "x5u");
  private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** The header, or a failed future whose message says, in words safe to show the client, why it is refused. */
  static Future<TokenHeader> read(String token) {
    int end = token.indexOf('.');
    if (end <= 0) {
      return Future.failedFuture(MALFORMED);
    }
    int claimsEnd = token.indexOf('.', end + 1);
    JsonObject header;
    try {
      header = new JsonObject(object(token.substring(0, end)));
      if (claimsEnd > end) {
        object(token.substring(end + 1, claimsEnd));
      }
    } catch (RuntimeException | IOException notOneJsonObject) {
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

  /** A base64url segment as one JSON object whose names are each given once. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(String segment) throws IOException {
    return STRICT.readValue(Base64.getUrlDecoder().decode(segment), Map.class);
  }
}
