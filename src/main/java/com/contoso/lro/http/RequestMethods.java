package com.contoso.lro.http;

import java.util.Set;

/**
 * A request's method as metrics and logs name it: one of HTTP's standard methods (RFC 9110, and
 * PATCH), else {@value #OTHER}. A request line may carry any token as its method, thousands of bytes
 * long, and each one written out as it came would be a new metric series or a log line's worth of
 * the client's bytes.
 */
public final class RequestMethods {

  public static final String OTHER = "other";

  private static final Set<String> STANDARD =
    Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private RequestMethods() {
  }

  /** {@code method} when it is a standard method, spelled as HTTP spells it (methods are case-sensitive), else {@value #OTHER}. */
  public static String named(String method) {
    return STANDARD.contains(method) ? method : OTHER;
  }
}
