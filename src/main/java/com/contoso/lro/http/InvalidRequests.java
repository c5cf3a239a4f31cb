package com.contoso.lro.http;

import com.contoso.lro.graph.ApiException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import java.util.Map;

/**
 * Answers what Vert.x could not parse as an HTTP request, before any route sees it: a request line
 * over {@link ServerOptions#MAX_REQUEST_LINE_BYTES} is a 414, a header section over
 * {@link ServerOptions#MAX_HEADER_BYTES} a 431, anything else malformed (a bad header line, a bad
 * Content-Length, a framing {@link StrictRequestDecoder} refuses) a 400. Vert.x's own handler answers
 * these with an empty body; this one gives the Graph error body, with a request-id and the security
 * headers, and then closes the connection, whose remaining bytes cannot be trusted to start a request.
 */
public final class InvalidRequests implements Handler<HttpServerRequest> {

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiException error;
    if (cause instanceof TooLongHttpLineException) {
      error = uriTooLong();
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = headersTooLarge();
    } else if (cause instanceof MalformedFraming framing) {
      error = ApiException.badRequest(framing.getMessage());
    } else {
      error = ApiException.badRequest("The request is not valid HTTP/1.1.");
    }
    request.response().putHeader(HttpHeaders.CONNECTION, "close");
    GraphErrorHandler.sendOutsideRouter(request, error).onComplete(sent -> request.connection().close());
  }

  static ApiException uriTooLong() {
    return new ApiException(414, "requestUriTooLong",
      "The request line is longer than " + ServerOptions.MAX_REQUEST_LINE_BYTES + " bytes.", null, Map.of());
  }

  static ApiException headersTooLarge() {
    return new ApiException(431, "requestHeaderFieldsTooLarge",
      "The request's headers are larger than " + ServerOptions.MAX_HEADER_BYTES + " bytes.", null, Map.of());
  }
}
