package com.contoso.lro.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;

/**
 * Checks a bearer token like Microsoft Entra ID tokens are checked: signature against the trusted
 * keys, {@code exp} and {@code nbf} with a clock skew, {@code iss} and {@code aud} when configured,
 * and an {@code oid} naming the caller. One per verticle: JWTAuth is not shared across event loops.
 */
public final class TokenVerifier {

  private final JWTAuth jwt;

  public TokenVerifier(Vertx vertx, TrustedKeys keys) {
    this.jwt = JWTAuth.create(vertx, keys.options());
  }

  /**
   * The caller, or a failed future whose message says why the token is refused, in words safe to
   * show the client: the JWT library's own messages can carry configuration and decoding details.
   */
  public Future<Caller> verify(String token) {
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
      if (!(claims.getValue("oid") instanceof String oid) || oid.isBlank()) {
        return Future.failedFuture("The token names no user (oid).");
      }
      return Future.succeededFuture(Caller.fromClaims(claims));
    });
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
    return "The token's signature or format is invalid.";
  }
}
