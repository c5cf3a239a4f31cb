package com.contoso.lro.operations;

import com.contoso.lro.contract.model.LongRunningOperationStatus;
import com.contoso.lro.db.CancellingStatements;
import com.contoso.lro.db.DatabaseErrors;
import com.contoso.lro.db.DeadConnections;
import com.contoso.lro.operations.query.FilterParser;
import com.contoso.lro.operations.query.KeysetPredicate;
import com.contoso.lro.operations.query.SortTerm;
import com.contoso.lro.operations.query.SqlParameters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * All SQL on the operations table but an idempotent create's, which {@link IdempotencyKeyStore}
 * writes with its key. Every statement is scoped to one owner. Fixed statements are
 * prepared once and held here; lists, whose SQL varies with the query options, are prepared on
 * first use and cached per connection.
 */
public final class OperationStore {

  static final String COLUMNS =
    "owner_id, id, created_date_time, last_action_date_time, status, status_detail, resource_location, version";

  // BenchStatementsTest holds make bench's pgbench scripts, and its floor, to these statements, so
  // that the limits it measures are those of the statements served here.
  static final String INSERT = "INSERT INTO operations (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, 1)";

  /**
   * Creates that arrive together, in one statement and so one commit ({@link CommitGroups}): the
   * same row as INSERT's, each column's values an array, in the same order.
   */
  static final String INSERT_MANY = "INSERT INTO operations (" + COLUMNS + ") "
    + "SELECT o, i, c, l, s, d, r, 1 FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], "
    + "$5::text[], $6::text[], $7::text[]) AS t(o, i, c, l, s, d, r)";

  /** Rows of one INSERT_MANY at most: a bound on one statement's arrays and on a group's latency. */
  static final int MAX_GROUP = 64;
  /**
   * Inserts in flight at once from one verticle, past which creates wait to go in a group: one
   * committing while the next is sent: the fastest of 1, 2 and 4
   * (bench/README.md#creates-committed-in-groups).
   */
  static final int INSERTS_IN_FLIGHT = 2;

  static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM operations WHERE owner_id = $1 AND id = $2";

  /** Whether an update changes anything: only a real change moves lastActionDateTime and the version. */
  private static final String CHANGED = """
    (($3::text IS NOT NULL AND $3 <> o.status)
      OR ($4 AND $5 IS DISTINCT FROM o.status_detail)
      OR ($6 AND $7 IS DISTINCT FROM o.resource_location))""";

  /**
   * Only what the update names changes; a flag tells "set to null" from "leave as it is". The
   * lifecycle ({@link Lifecycle}'s table) and If-Match are conditions of the same
   * statement, so that two concurrent updates cannot both pass them: the second re-reads the row
   * the first wrote; so are the read-only values the body repeats, which must be the row's. The
   * row's version before the update comes back too, to tell a real change
   * from none: read FOR UPDATE, it is the version this statement changed, even when another update
   * committed in between (PostgreSQL before 18 has no RETURNING old.*).
   */
  private static final String UPDATE = """
    UPDATE operations o SET
      status = coalesce($3, o.status),
      status_detail = CASE WHEN $4 THEN $5 ELSE o.status_detail END,
      resource_location = CASE WHEN $6 THEN $7 ELSE o.resource_location END,
      last_action_date_time = CASE WHEN %1$s THEN $8 ELSE o.last_action_date_time END,
      version = o.version + CASE WHEN %1$s THEN 1 ELSE 0 END
    FROM (SELECT version FROM operations WHERE owner_id = $1 AND id = $2 FOR UPDATE) before
    WHERE o.owner_id = $1 AND o.id = $2
      AND ($9::bigint[] IS NULL OR o.version = ANY($9))
      AND ($10::timestamptz IS NULL OR o.created_date_time = $10)
      AND ($11::timestamptz IS NULL OR o.last_action_date_time = $11)
      AND %2$s
    RETURNING\s""".formatted(CHANGED, Lifecycle.sql("o.status", "$3", CHANGED)) + COLUMNS.replaceAll("(\\w+)", "o.$1") + ", o.version <> before.version AS changed";

  private static final String DELETE =
    "DELETE FROM operations WHERE owner_id = $1 AND id = $2 AND ($3::bigint[] IS NULL OR version = ANY($3))";

  private final CancellingStatements lists;
  private final DeadConnections dead;
  private final CommitGroups<Operation> inserts;
  private final PreparedQuery<RowSet<Row>> selectOne;
  private final PreparedQuery<RowSet<Row>> update;
  private final PreparedQuery<RowSet<Row>> delete;

  /**
   * @param database a client whose every statement runs in a transaction of its own
   * @param lists    where lists and counts run, each cancelled once DB_TIMEOUT_SECONDS have passed
   * @param dead     what sends a statement again that met a connection the server had closed
   * @param context  the event loop that calls this store, on which creates complete
   * @param timeout  DB_TIMEOUT_SECONDS: a create that waited this long to be sent is not sent
   */
  public OperationStore(SqlClient database, CancellingStatements lists, DeadConnections dead, Context context,
                        Duration timeout) {
    this.lists = lists;
    this.dead = dead;
    PreparedQuery<RowSet<Row>> insert = database.preparedQuery(INSERT);
    PreparedQuery<RowSet<Row>> insertMany = database.preparedQuery(INSERT_MANY);
    this.inserts = new CommitGroups<>(context, timeout, INSERTS_IN_FLIGHT, MAX_GROUP,
      operation -> dead.write(() -> insert.execute(row(operation))),
      operations -> dead.write(() -> insertMany.execute(columnsOf(operations.stream().map(OperationStore::row).toList()))),
      DatabaseErrors::isRowLevel);
    this.selectOne = database.preparedQuery(SELECT_ONE);
    this.update = database.preparedQuery(UPDATE);
    this.delete = database.preparedQuery(DELETE);
  }

  /** Completes once the row is committed, alone or with the creates that came with it. */
  Future<Operation> insert(Operation operation) {
    return inserts.write(operation).map(operation);
  }

  /** INSERT's parameters for an operation. */
  static Tuple row(Operation operation) {
    return Tuple.from(new Object[] {
      operation.ownerId(),
      operation.id(),
      operation.createdDateTime(),
      operation.lastActionDateTime(),
      operation.status().getValue(),
      operation.statusDetail(),
      operation.resourceLocation()
    });
  }

  /** INSERT_MANY's parameters from rows of INSERT's: each column's values, as an array of its type. */
  static Tuple columnsOf(List<Tuple> rows) {
    int size = rows.size();
    Object[] columns = {new String[size], new String[size], new OffsetDateTime[size], new OffsetDateTime[size],
      new String[size], new String[size], new String[size]};
    for (int i = 0; i < size; i++) {
      for (int column = 0; column < columns.length; column++) {
        ((Object[]) columns[column])[i] = rows.get(i).getValue(column);
      }
    }
    return Tuple.from(columns);
  }

  Future<Optional<Operation>> find(String ownerId, String id) {
    return dead.read(() -> selectOne.execute(Tuple.of(ownerId, id))).map(OperationStore::first);
  }

  /** An operation as an update left it, and whether the update changed it. */
  record Updated(Operation operation, boolean changed) {
  }

  /**
   * The operation as updated, or empty when it is absent, its version is not one {@code ifMatch}
   * names, a repeated read-only value is not its own, or the status move is not allowed: the
   * caller tells which by reading it again.
   */
  Future<Optional<Updated>> update(String ownerId, String id, OperationChanges changes, Long[] ifMatch) {
    Tuple values = Tuple.from(new Object[] {
      ownerId,
      id,
      changes.status().map(LongRunningOperationStatus::getValue).orElse(null),
      changes.statusDetail().isPresent(),
      changes.statusDetail().orElse(null),
      changes.resourceLocation().isPresent(),
      changes.resourceLocation().orElse(null),
      changes.now(),
      ifMatch,
      changes.createdDateTime().orElse(null),
      changes.lastActionDateTime().orElse(null)
    });
    return dead.write(() -> update.execute(values)).map(rows -> rows.stream().findFirst().map(row -> new Updated(operation(row), row.getBoolean("changed"))));
  }

  /** Whether an operation with one of the {@code ifMatch} versions (null: any) was there to delete. */
  Future<Boolean> delete(String ownerId, String id, Long[] ifMatch) {
    return dead.write(() -> delete.execute(Tuple.of(ownerId, id, ifMatch))).map(result -> result.rowCount() > 0);
  }

  /**
   * One page of an owner's operations.
   *
   * @param filter an OData $filter, or null
   * @param order  the terms to sort by, unique as a whole
   * @param after  the terms' values of the row before this page, or empty for the first page
   * @param limit  how many rows at most
   * @param offset how many matching rows to pass over first
   */
  Future<List<Operation>> list(Matching matching, List<SortTerm> order, List<Object> after, int limit, int offset) {
    SqlParameters parameters = SqlParameters.startingWith(matching.values());
    String sql = "SELECT " + COLUMNS + " FROM operations WHERE " + matching.sql()
      + (after.isEmpty() ? "" : " AND " + KeysetPredicate.after(order, after, parameters))
      + " ORDER BY " + order.stream().map(term -> term.sql() + (term.descending() ? " DESC" : " ASC"))
      .collect(Collectors.joining(", "))
      + " LIMIT " + parameters.add(limit) + " OFFSET " + parameters.add(offset);
    return lists.run(connection -> connection.preparedQuery(sql).execute(parameters.tuple()))
      .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(OperationStore::operation).toList());
  }

  Future<Long> count(Matching matching) {
    return lists.run(connection -> connection.preparedQuery("SELECT count(*) FROM operations WHERE " + matching.sql())
        .execute(SqlParameters.startingWith(matching.values()).tuple()))
      .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * The rows of one owner that a $filter keeps, as the start of a WHERE clause and its values:
   * parsed once, then shared by a page and its count.
   */
  record Matching(String sql, List<Object> values) {
  }

  static Matching matching(String ownerId, String filter) {
    SqlParameters parameters = new SqlParameters();
    String owner = "owner_id = " + parameters.add(ownerId);
    return new Matching(filter == null ? owner : owner + " AND (" + FilterParser.toSql(filter, parameters) + ")",
      parameters.values());
  }

  private static Optional<Operation> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(operation(rows.iterator().next()));
  }

  private static Operation operation(Row row) {
    return new Operation(
      row.getString("owner_id"),
      row.getString("id"),
      row.getOffsetDateTime("created_date_time"),
      row.getOffsetDateTime("last_action_date_time"),
      LongRunningOperationStatus.fromValue(row.getString("status")),
      row.getString("status_detail"),
      row.getString("resource_location"),
      row.getLong("version"));
  }
}
