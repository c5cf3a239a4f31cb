package com.contoso.lro.db;

import com.contoso.lro.config.AppConfig.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import java.util.Iterator;

/** Brings the schema to the newest version in src/main/resources/db/migration, with Flyway. */
public final class Migrations {

  /** The newest migration's version; MigrationsTest fails when a newer migration file is added without it. */
  static final String NEWEST_VERSION = "7";

  /** The newest schema version applied in the database, as Flyway records it. */
  public static final String CURRENT_VERSION =
    "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1";

  private static final String UNDEFINED_TABLE = "42P01";

  private Migrations() {
  }

  /**
   * Asks the schema history first, on the reactive client: when the schema is already at the
   * newest version, as on every start but a release's first, Flyway is not even loaded. Flyway
   * took about a third of the CPU time to /health/ready: its plugins, a JDBC connection, the
   * migrations' scan and the history's validation. What this gives up is Flyway's check that the
   * applied migrations' files were not edited since; the fresh database of every test run and of
   * make bench still gets it.
   *
   * @return the schema version now in force, e.g. "7"
   */
  public static Future<String> apply(Vertx vertx, DatabaseConfig database) {
    return currentVersion(vertx, database)
      .compose(current -> NEWEST_VERSION.equals(current) ? Future.succeededFuture(current) : migrate(vertx, database));
  }

  /** The version in force, or null when the database has no schema history yet. */
  private static Future<String> currentVersion(Vertx vertx, DatabaseConfig database) {
    return PgConnection.connect(vertx, database.connect())
      .compose(connection -> connection.query(CURRENT_VERSION).execute()
        .map(rows -> {
          Iterator<Row> newest = rows.iterator();
          return newest.hasNext() ? newest.next().getString(0) : null;
        })
        .eventually(connection::close))
      .recover(failure -> failure instanceof PgException pg && UNDEFINED_TABLE.equals(pg.getSqlState())
        ? Future.succeededFuture(null)
        : Future.failedFuture(failure));
  }

  /** Flyway speaks blocking JDBC, so it runs on a worker thread, once, before the API starts. */
  private static Future<String> migrate(Vertx vertx, DatabaseConfig database) {
    return vertx.executeBlocking(() -> {
      MigrateResult result = Flyway.configure()
        .dataSource(database.jdbcUrl(), database.connect().getUser(), database.connect().getPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
      return result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
    });
  }
}
