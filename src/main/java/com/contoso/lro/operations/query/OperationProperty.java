package com.contoso.lro.operations.query;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The properties of a longRunningOperation as OData query options name them, and the SQL each
 * stands for in the operations table.
 */
public enum OperationProperty {
  ID("id", "id", Type.STRING, false),
  CREATED_DATE_TIME("createdDateTime", "created_date_time", Type.DATE_TIME, false),
  LAST_ACTION_DATE_TIME("lastActionDateTime", "last_action_date_time", Type.DATE_TIME, false),
  /** Compared and sorted by the order of the enum's members, as OData orders enum values. */
  STATUS("status", "array_position(ARRAY['notStarted','running','succeeded','failed']::text[], status)", Type.STATUS, false),
  STATUS_DETAIL("statusDetail", "status_detail", Type.STRING, true),
  RESOURCE_LOCATION("resourceLocation", "resource_location", Type.STRING, true);

  /** The members of longRunningOperationStatus that can be stored, in the contract's order. */
  public static final List<String> STATUS_MEMBERS = List.of("notStarted", "running", "succeeded", "failed");

  public enum Type { STRING, DATE_TIME, STATUS }

  private final String odataName;
  private final String sql;
  private final Type type;
  private final boolean nullable;

  OperationProperty(String odataName, String sql, Type type, boolean nullable) {
    this.odataName = odataName;
    this.sql = sql;
    this.type = type;
    this.nullable = nullable;
  }

  /** The property an OData expression names; names are case-sensitive, as in OData. */
  public static Optional<OperationProperty> named(String odataName) {
    return Arrays.stream(values()).filter(property -> property.odataName.equals(odataName)).findFirst();
  }

  public String odataName() {
    return odataName;
  }

  /**
   * The SQL expression of the property's value. For {@link Type#STATUS} it is the member's position
   * (1 = notStarted), so that comparisons and sorting follow the enum's order; compare it with
   * {@link #statusPosition}.
   */
  public String sql() {
    return sql;
  }

  public Type type() {
    return type;
  }

  public boolean nullable() {
    return nullable;
  }

  /** The position that {@link #STATUS}'s SQL gives a member, or empty for a name that is no member. */
  public static Optional<Integer> statusPosition(String member) {
    int index = STATUS_MEMBERS.indexOf(member);
    return index < 0 ? Optional.empty() : Optional.of(index + 1);
  }
}
