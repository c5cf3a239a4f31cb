package com.contoso.lro.operations.query;

/**
 * A query option that cannot be understood or is not supported; the message says where and why,
 * in words for the client.
 */
public final class QueryOptionException extends RuntimeException {

  private final String option;

  public QueryOptionException(String option, String message) {
    super(message, null, false, false);
    this.option = option;
  }

  /** The query option at fault, e.g. "$filter". */
  public String option() {
    return option;
  }
}
