package com.contoso.lro.contract;

import com.contoso.lro.graph.ApiException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Operation;

import java.util.Locale;

/**
 * Answers 415 to a body whose media type the operation does not declare. Media types are
 * case-insensitive and compared exactly (RFC 9110 8.3.1): "application/jsonx" is another one.
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
    return true;
  }
}
