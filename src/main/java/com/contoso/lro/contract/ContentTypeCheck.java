package com.contoso.lro.contract;

import com.contoso.lro.graph.ApiException;
import com.contoso.lro.graph.ApiException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Operation;

import java.util.Locale;

/**
 * Answers 415 to a body whose media type the operation does not declare. vertx-openapi matches
 * media types by prefix and case-sensitively ("application/jsonx" passes, "Application/JSON" fails)
 * and calls a mismatch a 400; media types are case-insensitive and exact (RFC 9110 8.3.1).
 */
public final class ContentTypeCheck {

  private final Operation operation;

  private ContentTypeCheck(Operation operation) {
    this.operation = operation;
  }

  public static ContentTypeCheck of(Operation operation) {
    return new ContentTypeCheck(operation);
  }

  /** Whether the body's media type is the operation's; else the context has failed with a 415. */
  public boolean passes(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    boolean hasBody = ctx.body().length() > 0;
    if (operation.getRequestBody() == null || (contentType == null && !hasBody)) {
      return true;
    }
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!operation.getRequestBody().getContent().containsKey(mediaType)) {
      ctx.fail(ApiException.of(415, "Content-Type must be application/json; got "
        + (contentType == null ? "none" : "'" + contentType + "'") + "."));
      return false;
    }
    // Hand the validator the spelling it compares against; parameters such as charset stay.
    ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, mediaType + contentType.substring(contentType.indexOf(';') < 0
      ? contentType.length() : contentType.indexOf(';')));
    return true;
  }
}
