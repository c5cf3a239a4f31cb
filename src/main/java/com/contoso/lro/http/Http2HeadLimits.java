package com.contoso.lro.http;

import com.contoso.lro.graph.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

import java.util.Map;

/**
 * The request-line and header-section limits of {@link ServerOptions}, for HTTP/2, where Vert.x's HTTP/1.x
 * decoder does not apply: a {@code :path} whose request line would be over {@link ServerOptions#MAX_REQUEST_LINE_BYTES}
 * is a 414, headers over {@link ServerOptions#MAX_HEADER_BYTES} (counted as HTTP/1.1 would carry them) a 431,
 * answered as {@link InvalidRequests} answers HTTP/1.1. Netty's own limit, HTTP/2's max header list size, is set
 * well above both ({@link ServerOptions#HTTP2_MAX_HEADER_LIST_BYTES}), since over it Netty answers a bare 431
 * with no body, request-id or security headers.
 */
public final class Http2HeadLimits implements Handler<HttpServerRequest> {

  /** " HTTP/1.1", which the request line holds after the target. */
  private static final int VERSION_BYTES = 9;

  private final Handler<HttpServerRequest> next;

  public Http2HeadLimits(Handler<HttpServerRequest> next) {
    this.next = next;
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      ApiException refused = refusal(request);
      if (refused != null) {
        GraphErrorHandler.sendOutsideRouter(request, refused);
        return;
      }
    }
    next.handle(request);
  }

  private static ApiException refusal(HttpServerRequest request) {
    if (request.method().name().length() + 1 + request.uri().length() + VERSION_BYTES > ServerOptions.MAX_REQUEST_LINE_BYTES) {
      return InvalidRequests.uriTooLong();
    }
    long headerBytes = 0;
    for (Map.Entry<String, String> header : request.headers()) {
      // "name: value\r\n", as the HTTP/1.1 decoder counts a header section; pseudo-headers are the request line.
      if (!header.getKey().startsWith(":")) {
        headerBytes += header.getKey().length() + 2 + header.getValue().length() + 2;
      }
    }
    return headerBytes > ServerOptions.MAX_HEADER_BYTES ? InvalidRequests.headersTooLarge() : null;
  }
}
