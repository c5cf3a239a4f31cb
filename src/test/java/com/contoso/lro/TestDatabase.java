package com.contoso.lro;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.SqlClient;

import java.util.Map;
import java.util.UUID;

/**
 * A fresh PostgreSQL database of its own for one test class, on the server named by PGHOST, PGPORT,
 * PGUSER and PGPASSWORD (default: 127.0.0.1:5432 as postgres), dropped when the class is done.
 */
public final class TestDatabase {

  private final Vertx vertx;
  private final PgConnectOptions admin;
  private final String name;
  private Pool pool;

  private TestDatabase(Vertx vertx, PgConnectOptions admin, String name) {
    this.vertx = vertx;
    this.admin = admin;
    this.name = name;
  }

  /** Where the test PostgreSQL server is, from this process's environment, with the defaults applied. */
  public static Map<String, String> serverEnv() {
    Map<String, String> env = System.getenv();
    return Map.of(
      "PGHOST", env.getOrDefault("PGHOST", "127.0.0.1"),
      "PGPORT", env.getOrDefault("PGPORT", "5432"),
      "PGUSER", env.getOrDefault("PGUSER", "postgres"),
      "PGPASSWORD", env.getOrDefault("PGPASSWORD", ""));
  }

  public static Future<TestDatabase> create(Vertx vertx) {
    return create(vertx, serverEnv());
  }

  /** A fresh database on another server than the one the tests share: {@code server} as {@link #serverEnv()} gives it. */
  public static Future<TestDatabase> create(Vertx vertx, Map<String, String> server) {
    PgConnectOptions admin = new PgConnectOptions()
      .setHost(server.get("PGHOST"))
      .setPort(Integer.parseInt(server.get("PGPORT")))
      .setUser(server.get("PGUSER"))
      .setPassword(server.get("PGPASSWORD"))
      .setDatabase("postgres");
    TestDatabase database = new TestDatabase(vertx, admin,
      "lro_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
    return database.onAdmin(client -> client.query("CREATE DATABASE " + database.name).execute())
      .map(created -> database);
  }

  /** The service's view of this database: the environment variables it reads. */
  public Map<String, String> env() {
    return Map.of(
      "PGHOST", admin.getHost(),
      "PGPORT", String.valueOf(admin.getPort()),
      "PGUSER", admin.getUser(),
      "PGPASSWORD", admin.getPassword(),
      "PGDATABASE", name);
  }

  /** A pool on this database, for tests that look at what was stored. */
  public Pool pool() {
    if (pool == null) {
      pool = PgBuilder.pool().connectingTo(new PgConnectOptions(admin).setDatabase(name)).using(vertx).build();
    }
    return pool;
  }

  /**
   * Another session takes {@code table} for itself, in a transaction left open until
   * {@link #unlock}: whatever the service asks of that table waits.
   */
  public Future<SqlConnection> lockTable(String table) {
    return pool().getConnection().compose(locker -> locker.query("BEGIN").execute()
      .compose(begun -> locker.query("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE").execute())
      .map(locked -> locker));
  }

  /** Ends a {@link #lockTable} session's transaction, and the session. */
  public static Future<Void> unlock(SqlConnection locker) {
    return locker.query("ROLLBACK").execute().compose(rolledBack -> locker.close());
  }

  /** Ends this database's sessions of {@code applicationName} from the server's side; how many. */
  public Future<Integer> terminate(String applicationName) {
    return pool().preparedQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
        + "FROM pg_stat_activity WHERE datname = $1 AND application_name = $2")
      .execute(Tuple.of(name, applicationName)).map(rows -> rows.iterator().next().getInteger(0));
  }

  public Future<Void> drop() {
    Future<Void> closed = pool == null ? Future.succeededFuture() : pool.close();
    return closed.compose(done -> onAdmin(client ->
      client.query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").execute())).mapEmpty();
  }

  private <T> Future<T> onAdmin(java.util.function.Function<SqlClient, Future<T>> work) {
    Pool adminPool = PgBuilder.pool().connectingTo(admin).using(vertx).build();
    return work.apply(adminPool).eventually(() -> adminPool.close());
  }
}
