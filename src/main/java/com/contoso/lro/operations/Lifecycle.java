package com.contoso.lro.operations;

import com.contoso.lro.contract.model.LongRunningOperationStatus;

import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static com.contoso.lro.contract.model.LongRunningOperationStatus.FAILED;
import static com.contoso.lro.contract.model.LongRunningOperationStatus.NOT_STARTED;
import static com.contoso.lro.contract.model.LongRunningOperationStatus.RUNNING;
import static com.contoso.lro.contract.model.LongRunningOperationStatus.SUCCEEDED;

/**
 * The status lifecycle as one table: where each status may move. Staying is always allowed, and a
 * status that may move nowhere is final: nothing changes its operation any more. The update's SQL
 * and the Java rules are both derived from it.
 */
final class Lifecycle {

  private static final Map<LongRunningOperationStatus, Set<LongRunningOperationStatus>> MOVES =
    new EnumMap<>(Map.of(
      NOT_STARTED, EnumSet.of(RUNNING, SUCCEEDED, FAILED),
      RUNNING, EnumSet.of(SUCCEEDED, FAILED),
      SUCCEEDED, EnumSet.noneOf(LongRunningOperationStatus.class),
      FAILED, EnumSet.noneOf(LongRunningOperationStatus.class)));

  private Lifecycle() {
  }

  static boolean isFinal(LongRunningOperationStatus status) {
    return MOVES.containsKey(status) && MOVES.get(status).isEmpty();
  }

  /** Whether an update may take an operation from {@code from} to {@code to}, changing it or not. */
  static boolean allows(LongRunningOperationStatus from, LongRunningOperationStatus to, boolean changes) {
    return isFinal(from) ? !changes : from == to || MOVES.get(from).contains(to);
  }

  /**
   * The table as a condition of the update: {@code status} is the row's column, {@code to} the new
   * status or NULL, {@code changes} whether the update changes anything.
   */
  static String sql(String status, String to, String changes) {
    String moves = MOVES.entrySet().stream().filter(move -> !move.getValue().isEmpty())
      .map(move -> "\n    OR (" + status + " = " + quoted(move.getKey()) + " AND " + to + " IN (" + quoted(move.getValue()) + "))")
      .collect(Collectors.joining());
    String finals = quoted(MOVES.keySet().stream().filter(Lifecycle::isFinal).toList());
    return "(" + status + " NOT IN (" + finals + ") OR NOT " + changes + ")\n  AND (" + to + "::text IS NULL OR "
      + to + " = " + status + moves + ")";
  }

  private static String quoted(LongRunningOperationStatus status) {
    return "'" + status.getValue() + "'";
  }

  private static String quoted(Collection<LongRunningOperationStatus> statuses) {
    return statuses.stream().map(Lifecycle::quoted).collect(Collectors.joining(", "));
  }
}
