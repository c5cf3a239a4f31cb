package com.contoso.lro.http;

import com.contoso.lro.graph.ApiException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Refuses, before any body is read, four requests that would otherwise fail outside the reach of
 * {@link GraphErrorHandler}:
 * <ul>
 *   <li>a header value with a control character (RFC 9110 5.5): HTTP/2 lets CR, LF and NUL through, and an
 *       echoed client-request-id would then fail the response (a 500) or split it for an HTTP/1.1 hop;
 *   <li>a query string that is not valid percent-encoding (e.g. {@code $filter=%}): vertx-web's
 *       BodyHandler decodes it once the body has arrived, and throws there, leaving the request unanswered;
 *   <li>a form or multipart body with a method other than POST, PUT, PATCH or DELETE: BodyHandler asks
 *       Vert.x to decode it, which throws (a 500). The API takes JSON only, so it is a 415;
 *   <li>a Transfer-Encoding other than {@code chunked} (RFC 9112 6.1): the body's length cannot be known,
 *       so the rest of the connection could be read as another request; a 400, and the connection is closed.
 * </ul>
 */
final class UnreadableRequests implements PlatformHandler {

  private static final Set<HttpMethod> FORM_METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
    HttpMethod.DELETE);

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    for (Map.Entry<String, String> header : request.headers()) {
      if (!RequestIds.isFieldValue(header.getValue())) {
        ctx.fail(ApiException.badRequest("The " + shown(header.getKey()) + " header's value holds a control character."));
        return;
      }
    }
    String transferEncoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
    if (transferEncoding != null && !transferEncoding.trim().equalsIgnoreCase("chunked")) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      ctx.fail(ApiException.badRequest("Transfer-Encoding must be chunked, or absent."));
      return;
    }
    try {
      request.params();
    } catch (IllegalArgumentException e) {
      ctx.fail(ApiException.badRequest("The query string is not valid percent-encoding."));
      return;
    }
    if (isForm(request.getHeader(HttpHeaders.CONTENT_TYPE)) && !FORM_METHODS.contains(request.method())) {
      ctx.fail(new ApiException(415, "unsupportedMediaType", "The API takes application/json bodies only.", null,
        Map.of()));
      return;
    }
    ctx.next();
  }

  /** A header's name as the message may show it: a token (RFC 9110 5.1), or not at all. */
  private static String shown(String name) {
    return name.length() <= 64 && name.chars().allMatch(c -> c < 0x7f && (Character.isLetterOrDigit(c)
      || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) ? name : "(unnamed)";
  }

  private static boolean isForm(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.toLowerCase(Locale.ROOT).trim();
    return type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded");
  }
}
