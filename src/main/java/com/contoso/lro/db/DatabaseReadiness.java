package com.contoso.lro.db;

import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Whether the part of start-up that needs the database (schema, change listener, shared secrets)
 * has completed, and what it gave. Completed once, by {@link DatabaseStartup}, and read by every API
 * verticle and health check; until then the API answers 503. A later outage does not undo it: the
 * pool's failures and the health check report that one.
 */
public final class DatabaseReadiness {

  /**
   * What the API needs from start-up: the schema version it migrated to, the page-token key, and
   * the change listener's stretch of listening ({@link ChangeListener#listeningStretch()}): every
   * change of an operation is announced while it stays the same.
   */
  public record Started(String schemaVersion, byte[] pageTokenKey, LongSupplier listeningStretch) {
  }

  private volatile Started started;
  private volatile String waitingFor = "start-up has not reached the database yet";

  public Optional<Started> started() {
    return Optional.ofNullable(started);
  }

  public boolean isReady() {
    return started != null;
  }

  /** Why the service is not ready yet, for /health/ready: the step that failed, never connection details. */
  public String waitingFor() {
    return waitingFor;
  }

  /** The failure of an API call made before start-up completed: a 503, like any unreachable database. */
  public NotReady notReady() {
    return new NotReady(waitingFor);
  }

  public void complete(Started result) {
    started = result;
  }

  void stillWaiting(String reason) {
    waitingFor = reason;
  }

  /** An API call arrived before the database part of start-up completed. */
  public static final class NotReady extends RuntimeException {

    NotReady(String reason) {
      super(reason, null, false, false);
    }
  }
}
