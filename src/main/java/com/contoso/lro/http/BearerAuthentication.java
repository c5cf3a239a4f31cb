package com.contoso.lro.http;

import com.contoso.lro.graph.ApiException;
import com.contoso.lro.auth.Caller;
import com.contoso.lro.auth.TokenVerifier;
import com.contoso.lro.contract.ContractOperations;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Requires a valid bearer token on every API request, as the contract's global security
 * requirement says, before anything else looks at the request: an unauthenticated caller learns
 * nothing from validation errors or unknown paths. An operation that the contract declares with
 * no security requirement ({@code security: []}, GET $metadata, as on Graph) needs no token, and
 * any it carries is not looked at.
 */
public final class BearerAuthentication implements Handler<RoutingContext> {

  private static final String BEARER = "Bearer ";

  private final TokenVerifier verifier;
  private final OpenAPIContract contract;

  /** Requires a token on every request. */
  public BearerAuthentication(TokenVerifier verifier) {
    this(verifier, null);
  }

  /** @param contract whose operations without a security requirement need no token */
  public BearerAuthentication(TokenVerifier verifier, OpenAPIContract contract) {
    this.verifier = verifier;
    this.contract = contract;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (contract != null && ContractOperations.isPublic(ctx, contract)) {
      ctx.next();
      return;
    }
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null || authorization.isBlank()) {
      ctx.fail(ApiException.unauthorized("Access token is empty.", "Bearer"));
      return;
    }
    if (authorization.length() <= BEARER.length() || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      // RFC 6750 3.1: a request in another scheme gets the bare challenge, with no error code.
      ctx.fail(ApiException.unauthorized("The Authorization header must be 'Bearer <token>'.", "Bearer"));
      return;
    }
    // The token, trimmed, is read where it stands: it is about a kilobyte, and copying it for every request
    // cost more than anything else a request allocates.
    int from = BEARER.length();
    int to = authorization.length();
    while (from < to && authorization.charAt(from) <= ' ') {
      from++;
    }
    while (to > from && authorization.charAt(to - 1) <= ' ') {
      to--;
    }
    verifier.verify(authorization, from, to)
      .onSuccess(caller -> {
        caller.putOn(ctx);
        ctx.next();
      })
      .onFailure(refused -> ctx.fail(ApiException.unauthorized("Access token validation failure: " + refused.getMessage(),
        "Bearer error=\"invalid_token\"")));
  }
}
