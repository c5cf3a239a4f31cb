package com.contoso.lro.db;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
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
   * The message of the bare VertxException by which vertx-sql-client fails a statement that waited
   * longer than PoolOptions' connection timeout, never sent.
   */
  private static final String POOL_TIMEOUT_MESSAGE = "Timeout waiting for connection";
  /**
   * How the bare VertxExceptions by which vertx-sql-client 5.0.7 fails a statement that it never
   * wrote, because its session had ended, begin: one still queued on the connection (behind a statement being prepared, or past the
   * pipelining limit) when the session closed (SocketConnectionBase.handleClose; caused by the
   * server's 57P01 when it ended the session), one scheduled on a connection already closed, and
   * a new pooled connection that closed before its first statement (NetSocketInternal.CLOSED_EXCEPTION).
   */
  private static final List<String> NEVER_SENT_ON_A_CLOSED_SESSION = List.of(
    "Pending requests failed to be sent due to connection has been closed.",
    "Connection is not active now, current status: ",
    "Connection was closed");
  /**
   * The server ended the session under a statement (57P01: pg_terminate_backend or a fast shutdown;
   * 57P02: a crashed backend made every session end; 57P05: idle_session_timeout).
   */
  private static final Set<String> SESSION_ENDED_STATES = Set.of("57P01", "57P02", "57P05");

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
      if (neverSent(cause) || cause instanceof VertxException && POOL_TIMEOUT_MESSAGE.equals(cause.getMessage())) {
        return true;
      }
      String state = sqlState(cause);
      if (state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The statement's pooled session ended under it, whether or not the statement had left: the
   * server ended it (a 57P0x FATAL, or the socket closed or reset), or the client never sent it for
   * that reason. Not a failure to connect, which a second attempt at once would meet again.
   */
  public static boolean sessionEnded(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (neverSent(cause) || cause instanceof ClosedConnectionException
        || cause instanceof IOException && !(cause instanceof ConnectException)
        || cause instanceof PgException pg && pg.getSqlState() != null && SESSION_ENDED_STATES.contains(pg.getSqlState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client library failed the statement without writing any of it, because its session had
   * ended: sending it again on another session cannot do its work twice.
   */
  public static boolean neverSent(Throwable failure) {
    String message = failure instanceof VertxException ? failure.getMessage() : null;
    return message != null && NEVER_SENT_ON_A_CLOSED_SESSION.stream().anyMatch(message::startsWith);
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
