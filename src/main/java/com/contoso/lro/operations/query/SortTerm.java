package com.contoso.lro.operations.query;

import com.contoso.lro.operations.Operation;

import java.time.OffsetDateTime;
import java.util.function.Function;

/**
 * One term of ORDER BY, never null, so that a page can resume right after the last row it showed
 * (keyset paging).
 *
 * @param sql        the term's SQL expression
 * @param descending its direction
 * @param type       the Java type of its value, as bound to and read back from a page token
 * @param valueOf    the term's value for a row already read
 * @param longText   whether its values may be too long for a page token to carry whole: those sort
 *                   by code point (COLLATE "C") whatever the database's collation, so that a token can
 *                   resume from a value's first characters (see {@link PageTokens})
 */
public record SortTerm(String sql, boolean descending, Class<?> type, Function<Operation, Object> valueOf,
                       boolean longText) {

  SortTerm(String sql, boolean descending, Class<?> type, Function<Operation, Object> valueOf) {
    this(sql, descending, type, valueOf, false);
  }

  public boolean isId() {
    return sql.equals("id");
  }

  /** The terms that sort by one property in one direction; nulls first when ascending, as OData says. */
  static java.util.List<SortTerm> of(OperationProperty property, boolean descending) {
    return switch (property) {
      case ID -> java.util.List.of(new SortTerm("id", descending, String.class, Operation::id));
      case CREATED_DATE_TIME -> java.util.List.of(
        new SortTerm("created_date_time", descending, OffsetDateTime.class, Operation::createdDateTime));
      case LAST_ACTION_DATE_TIME -> java.util.List.of(
        new SortTerm("last_action_date_time", descending, OffsetDateTime.class, Operation::lastActionDateTime));
      case STATUS -> java.util.List.of(new SortTerm(property.sql(), descending, Integer.class,
        operation -> OperationProperty.statusPosition(operation.status().getValue()).orElseThrow()));
      case STATUS_DETAIL -> nullable("status_detail", descending, Operation::statusDetail);
      case RESOURCE_LOCATION -> nullable("resource_location", descending, Operation::resourceLocation);
    };
  }

  /** How many characters of a long text decide its place in an order; the rest is ordered by id. */
  public static final int LONG_TEXT_ORDER_CHARACTERS = 64;

  /**
   * A long text sorts by its first {@link #LONG_TEXT_ORDER_CHARACTERS} characters, by code point, with
   * null before every value: a key that migration V8 keeps in a column beside the value, so that a
   * sort reads no value kept out of line (bench/README.md#the-hostile-phase).
   */
  private static java.util.List<SortTerm> nullable(String column, boolean descending, Function<Operation, String> value) {
    return java.util.List.of(new SortTerm(column + "_order", descending, String.class,
      operation -> orderKey(value.apply(operation)), true));
  }

  /** A long text's key in an order, as migration V8 computes it. */
  public static String orderKey(String value) {
    if (value == null) {
      return "";
    }
    int characters = value.codePointCount(0, value.length());
    return "~" + (characters <= LONG_TEXT_ORDER_CHARACTERS ? value
      : value.substring(0, value.offsetByCodePoints(0, LONG_TEXT_ORDER_CHARACTERS)));
  }
}
