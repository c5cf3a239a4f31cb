package com.contoso.lro.operations;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/** All SQL on the operations table. Statements are prepared once per connection and cached. */
public final class OperationStore {

  private static final String INSERT = """
    INSERT INTO operations
      (owner_id, id, created_date_time, last_action_date_time, status, status_detail, resource_location)
    VALUES ($1, $2, $3, $4, $5, $6, $7)""";

  private final PreparedQuery<RowSet<Row>> insert;

  public OperationStore(Pool pool) {
    this.insert = pool.preparedQuery(INSERT);
  }

  /** Completes once the row is committed: the pool runs each statement in its own transaction. */
  Future<Operation> insert(Operation operation) {
    return insert.execute(Tuple.from(new Object[] {
      operation.ownerId(),
      operation.id(),
      operation.createdDateTime(),
      operation.lastActionDateTime(),
      operation.status().getValue(),
      operation.statusDetail(),
      operation.resourceLocation()
    })).map(operation);
  }
}
