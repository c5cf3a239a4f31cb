package com.contoso.lro.retention;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * Deletes final operations whose last action is older than the retention (and that were created
 * before it too: a create may name a past lastActionDateTime), and expired Idempotency-Keys, in bounded batches so that no statement holds many rows or much time. With
 * several instances on one database, an advisory lock lets one of them do a run; rows are taken
 * with SKIP LOCKED, so the job never waits on a request; a request waits at most for the one
 * batch that holds its row.
 */
public final class RetentionJob {

  /** The advisory lock that one run holds, across every instance: "lro-retention" as a number. */
  static final long LOCK = 0x6c726f2d72657465L;

  private static final String DELETE_OPERATIONS = """
    DELETE FROM operations WHERE (owner_id, id) IN (
      SELECT owner_id, id FROM operations
      WHERE status IN ('succeeded', 'failed') AND last_action_date_time < $1 AND created_date_time < $1
      LIMIT $2 FOR UPDATE SKIP LOCKED)""";

  private static final String DELETE_KEYS = """
    DELETE FROM idempotency_keys WHERE (owner_id, key) IN (
      SELECT owner_id, key FROM idempotency_keys WHERE expires_at < $1
      LIMIT $2 FOR UPDATE SKIP LOCKED)""";

  private final Pool pool;
  private final Duration retention;
  private final int batchSize;
  private final Clock clock;

  public RetentionJob(Pool pool, Duration retention, int batchSize, Clock clock) {
    this.pool = pool;
    this.retention = retention;
    this.batchSize = batchSize;
    this.clock = clock;
  }

  /** What one run did; {@code ran} is false when another instance held the run. */
  public record Run(boolean ran, long operationsDeleted, long keysDeleted) {
  }

  public Future<Run> runOnce() {
    OffsetDateTime now = OffsetDateTime.now(clock);
    return pool.withConnection(connection -> connection.preparedQuery("SELECT pg_try_advisory_lock($1)")
      .execute(Tuple.of(LOCK))
      .compose(locked -> !locked.iterator().next().getBoolean(0)
        ? Future.succeededFuture(new Run(false, 0, 0))
        : deleteAll(connection, DELETE_OPERATIONS, now.minus(retention), 0)
          .compose(operations -> deleteAll(connection, DELETE_KEYS, now, 0)
            .map(keys -> new Run(true, operations, keys)))
          .eventually(() -> connection.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(LOCK)))));
  }

  /** Batch after batch, each its own short transaction, until a batch comes back short. */
  private Future<Long> deleteAll(SqlConnection connection, String sql, OffsetDateTime before, long deletedSoFar) {
    return connection.preparedQuery(sql).execute(Tuple.of(before, batchSize)).compose(deleted -> {
      long total = deletedSoFar + deleted.rowCount();
      return deleted.rowCount() < batchSize ? Future.succeededFuture(total) : deleteAll(connection, sql, before, total);
    });
  }
}
