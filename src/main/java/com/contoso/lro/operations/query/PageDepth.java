package com.contoso.lro.operations.query;

import java.util.List;

/**
 * How deep $skip may reach: rows passed over are read and sorted all the same, so $skip is bounded,
 * and more tightly under an order by statusDetail or resourceLocation, whose long values PostgreSQL
 * sorts on disk once they outgrow work_mem (measured in bench/README.md). Deeper pages are reached
 * by @odata.nextLink, whose cost does not grow with depth on the other orders.
 */
public final class PageDepth {

  /** The contract's maximum of $skip. */
  public static final int MAX_SKIP = 10_000;
  /** $skip plus $top, when the order names statusDetail or resourceLocation. */
  public static final int MAX_ROWS_BY_LONG_TEXT = 1_000;

  private PageDepth() {
  }

  /**
   * @param orderby the clauses of $orderby as the contract validated them, e.g. "statusDetail desc"
   * @throws QueryOptionException for "$skip", naming the limit
   */
  public static void check(List<String> orderby, int skip, int top) {
    if (skip > MAX_SKIP) {
      throw new QueryOptionException("$skip", "Invalid $skip: at most " + MAX_SKIP
        + " items may be skipped, this service's limit; follow @odata.nextLink to go further.");
    }
    boolean longText = orderby.stream().map(clause -> clause.trim().split("\\s+")[0])
      .anyMatch(name -> name.equals(OperationProperty.STATUS_DETAIL.odataName())
        || name.equals(OperationProperty.RESOURCE_LOCATION.odataName()));
    if (longText && skip > 0 && skip + top > MAX_ROWS_BY_LONG_TEXT) {
      throw new QueryOptionException("$skip", "Invalid $skip: with $orderby on statusDetail or resourceLocation, "
        + "$skip plus $top may be at most " + MAX_ROWS_BY_LONG_TEXT
        + ", this service's limit; follow @odata.nextLink to go further.");
    }
  }
}
