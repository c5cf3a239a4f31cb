package com.contoso.lro.operations;

import com.contoso.lro.db.DeadConnections;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * All SQL on the idempotency_keys table, for {@link IdempotentCreates}. Every statement is scoped
 * to one owner, prepared once and held here.
 */
public final class IdempotencyKeyStore {

  /** A claim whose create has not answered after this long was abandoned (a crash): a retry may take it. */
  static final int ABANDONED_SECONDS = 30;

  /**
   * Claims an Idempotency-Key for one create: a new key, an expired one, or one whose create was
   * abandoned in flight (a crash) more than {@value #ABANDONED_SECONDS} seconds ago. Nothing comes
   * back when another request holds it or has answered it. Times are the database's, so that
   * instances whose clocks differ agree on them, and read once, so that a key lives exactly its hours.
   */
  private static final String CLAIM_KEY = """
    INSERT INTO idempotency_keys (owner_id, key, request_hash, claimed_at, expires_at)
    SELECT $1, $2, $3, now.t, now.t + make_interval(hours => $4) FROM (SELECT clock_timestamp() AS t) now
    ON CONFLICT (owner_id, key) DO UPDATE
      SET request_hash = EXCLUDED.request_hash, claimed_at = EXCLUDED.claimed_at,
          expires_at = EXCLUDED.expires_at, response = NULL
      WHERE idempotency_keys.expires_at < EXCLUDED.claimed_at
         OR (idempotency_keys.response IS NULL
             AND idempotency_keys.claimed_at < EXCLUDED.claimed_at - make_interval(secs => $5))
    RETURNING claimed_at""";

  private static final String SELECT_KEY =
    "SELECT request_hash, response FROM idempotency_keys WHERE owner_id = $1 AND key = $2";

  /**
   * Stores the operation and the key's answer in one statement, so atomically: both or neither. Only
   * the claim that is still this request's may answer the key, and the row is inserted only when it
   * did; a unique violation of the insert undoes the answer with it.
   */
  private static final String INSERT_ANSWERING = """
    WITH answered AS (
      UPDATE idempotency_keys SET response = $10 WHERE owner_id = $1 AND key = $8 AND claimed_at = $9
      RETURNING owner_id)
    INSERT INTO operations (""" + OperationStore.COLUMNS + """
    )
    SELECT $1, $2, $3::timestamptz, $4::timestamptz, $5, $6, $7, 1 FROM answered""";

  private static final String RELEASE_KEY =
    "DELETE FROM idempotency_keys WHERE owner_id = $1 AND key = $2 AND claimed_at = $3 AND response IS NULL";

  private final PreparedQuery<RowSet<Row>> claimKey;
  private final PreparedQuery<RowSet<Row>> selectKey;
  private final PreparedQuery<RowSet<Row>> insertAnswering;
  private final PreparedQuery<RowSet<Row>> releaseKey;

  private final DeadConnections dead;

  /**
   * @param database a client whose every statement runs in a transaction of its own
   * @param dead     what sends a statement again that met a connection the server had closed
   */
  public IdempotencyKeyStore(SqlClient database, DeadConnections dead) {
    this.dead = dead;
    this.claimKey = database.preparedQuery(CLAIM_KEY);
    this.selectKey = database.preparedQuery(SELECT_KEY);
    this.insertAnswering = database.preparedQuery(INSERT_ANSWERING);
    this.releaseKey = database.preparedQuery(RELEASE_KEY);
  }

  /** The claim's time when this create now holds the key, or empty when another request does or did. */
  Future<Optional<OffsetDateTime>> claim(String ownerId, String key, String requestHash, int lifetimeHours) {
    return dead.write(() -> claimKey.execute(Tuple.of(ownerId, key, requestHash, lifetimeHours, ABANDONED_SECONDS)))
      .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getOffsetDateTime(0)));
  }

  /** The hash of the request that holds the key, and its answer once it has one. */
  Future<Optional<KeyRecord>> find(String ownerId, String key) {
    return dead.read(() -> selectKey.execute(Tuple.of(ownerId, key))).map(rows -> rows.stream().findFirst()
      .map(row -> new KeyRecord(row.getString(0), (JsonObject) row.getValue(1))));
  }

  record KeyRecord(String requestHash, JsonObject response) {
  }

  /**
   * Stores the operation and the key's answer together, so that a key never names an operation that
   * is not there, nor produces a second one; fails with {@link KeyTakenOver}, storing neither, when
   * the claim is no longer this request's.
   */
  Future<Void> insertAnswering(Operation operation, String key, OffsetDateTime claimedAt, JsonObject response) {
    Tuple values = OperationStore.row(operation).addValue(key).addValue(claimedAt).addValue(response);
    return dead.write(() -> insertAnswering.execute(values))
      .compose(inserted -> inserted.rowCount() == 1
        ? Future.<Void>succeededFuture()
        : Future.failedFuture(new KeyTakenOver()));
  }

  /** A create so slow that a retry claimed its Idempotency-Key as abandoned: the retry's answer counts. */
  static final class KeyTakenOver extends RuntimeException {
    KeyTakenOver() {
      super("the Idempotency-Key was claimed again while this create was in flight", null, false, false);
    }
  }

  /** Frees a claim that has no answer, so that a retry may claim the key at once. */
  Future<Void> release(String ownerId, String key, OffsetDateTime claimedAt) {
    return dead.write(() -> releaseKey.execute(Tuple.of(ownerId, key, claimedAt))).mapEmpty();
  }
}
