package com.contoso.lro.graph;

import java.util.Map;

/**
 * A failure the client caused or must know about, answered with the Graph error body.
 * It carries no stack trace: it is an answer, not a bug.
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final String target;
  private final Map<String, String> headers;

  public ApiException(int status, String code, String message, String target, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.target = target;
    this.headers = Map.copyOf(headers);
  }

  /** An error whose code is the status's name in camelCase, as Graph spells the generic ones. */
  public static ApiException of(int status, String message) {
    return new ApiException(status, codeOf(status), message, null, Map.of());
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "badRequest", message, null, Map.of());
  }

  public static ApiException badRequest(String message, String target) {
    return new ApiException(400, "badRequest", message, target, Map.of());
  }

  public static ApiException unauthorized(String message, String wwwAuthenticate) {
    return new ApiException(401, "unauthorized", message, null,
      Map.of("WWW-Authenticate", wwwAuthenticate));
  }

  /** Graph's answer for an item that does not exist, or that the caller may not know exists. */
  public static ApiException itemNotFound() {
    return new ApiException(404, "itemNotFound", "The operation does not exist.", null, Map.of());
  }

  /** An If-Match that names another version than the operation has: Graph's code for a stale ETag. */
  public static ApiException resourceModified() {
    return new ApiException(412, "resourceModified",
      "The operation has changed since the ETag given in If-Match: read it again.", null, Map.of());
  }

  public static ApiException conflict(String message, String target) {
    return new ApiException(409, "conflict", message, target, Map.of());
  }

  public static ApiException unprocessable(String message, String target) {
    return new ApiException(422, "unprocessableEntity", message, target, Map.of());
  }

  public static ApiException accessDenied(String message) {
    return new ApiException(403, "accessDenied", message, null, Map.of());
  }

  public static ApiException serviceUnavailable(int retryAfterSeconds) {
    return new ApiException(503, "serviceUnavailable",
      "The service's database is unavailable or too slow now; retry after " + retryAfterSeconds + " seconds.", null,
      Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
  }

  /** Graph's answer to a caller over its rate: come back after {@code retryAfterSeconds}. */
  public static ApiException tooManyRequests(long retryAfterSeconds, String message) {
    return new ApiException(429, "tooManyRequests", message, null,
      Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
  }

  static String codeOf(int status) {
    return switch (status) {
      case 400 -> "badRequest";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "notFound";
      case 405 -> "methodNotAllowed";
      case 406 -> "notAcceptable";
      case 413 -> "payloadTooLarge";
      case 415 -> "unsupportedMediaType";
      case 503 -> "serviceUnavailable";
      default -> status >= 500 ? "internalServerError" : "badRequest";
    };
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String target() {
    return target;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
