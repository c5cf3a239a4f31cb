package com.contoso.lro.db;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.io.IOException;
import java.util.Set;

/**
 * Sorts database failures by who must act: an unreachable, not yet ready or too slow database is
 * worth a retry (503), a value PostgreSQL refuses is the client's (400), anything else is a bug (500).
 */
public final class DatabaseErrors {

  /**
   * Operator intervention (57P0x: a terminated session, a shutdown), a cancelled statement (57014:
   * statement_timeout) and resource exhaustion (53xxx), which a retry may outlive.
   */
  private static final Set<String> TRANSIENT_STATES =
    Set.of("57P01", "57P02", "57P03", "57014", "53000", "53100", "53200", "53300");
  /**
   * The messages of the bare VertxExceptions by which vertx-sql-client fails a statement that never
   * reached the server: one that waited longer than PoolOptions' connection timeout, and one still
   * queued, unsent, on a session that ended under it (its pipelining limit had been reached; no
   * cause when the server ended the session cleanly).
   */
  private static final Set<String> UNSENT_MESSAGES = Set.of(
    "Timeout waiting for connection",
    "Pending requests failed to be sent due to connection has been closed.");

  private DatabaseErrors() {
  }

  public static boolean isUnavailable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      // An IOException: refused, reset when the server ended the session under a statement, or a
      // broken pipe when statements were pipelined onto a session the server had just ended.
      if (cause instanceof IOException || cause instanceof ClosedConnectionException
        || cause instanceof DatabaseReadiness.NotReady || cause instanceof DatabaseTimeout.Exceeded) {
        return true;
      }
      if (cause instanceof VertxException && cause.getMessage() != null && UNSENT_MESSAGES.contains(cause.getMessage())) {
        return true;
      }
      String state = sqlState(cause);
      if (state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state))) {
        return true;
      }
    }
    return false;
  }

  /** Class 22, data exception: e.g. a NUL character, which PostgreSQL text cannot hold. */
  public static boolean isRefusedValue(Throwable failure) {
    String state = sqlState(failure);
    return state != null && state.startsWith("22");
  }

  /**
   * A statement of many rows that failed for its rows, which each written alone would not all
   * have: one refused for what it holds (class 22, data; class 23, a constraint such as an id the
   * user already has), or a deadlock (40P01) with another statement writing the same rows in
   * another order.
   */
  public static boolean isRowLevel(Throwable failure) {
    String state = sqlState(failure);
    return isRefusedValue(failure) || state != null && (state.startsWith("23") || state.equals("40P01"));
  }

  private static String sqlState(Throwable failure) {
    return failure instanceof PgException pg ? pg.getSqlState() : null;
  }
}
