package com.contoso.lro.db;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.net.ConnectException;
import java.util.Set;

/**
 * Tells a database that cannot be reached from a statement that failed: the first is worth a retry
 * (503 with Retry-After), the second is a bug (500).
 */
public final class DatabaseAvailability {

  /** Operator intervention (57P0x) and resource exhaustion (53xxx) that a retry may outlive. */
  private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "53000", "53100", "53200", "53300");

  private DatabaseAvailability() {
  }

  public static boolean isUnavailable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException || cause instanceof ClosedConnectionException) {
        return true;
      }
      if (cause instanceof PgException pg && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("08") || TRANSIENT_STATES.contains(pg.getSqlState()))) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }
}
