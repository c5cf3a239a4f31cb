package com.contoso.lro.db;

import com.contoso.lro.config.AppConfig.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.StringResource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings the schema to the newest version in src/main/resources/db/migration, with Flyway, which
 * refuses a database whose applied migrations differ from this build's files.
 */
public final class Migrations {

  /** The newest migration's version; MigrationsTest fails when the files are not V1 to this one. */
  static final String NEWEST_VERSION = "8";
  static final String LOCATION = "db/migration";

  /** The newest schema version applied in the database, as Flyway records it. */
  public static final String CURRENT_VERSION =
    "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1";

  private static final String HISTORY = "SELECT version, script, checksum, success FROM flyway_schema_history ORDER BY installed_rank";
  private static final String UNDEFINED_TABLE = "42P01";

  private Migrations() {
  }

  /**
   * Hands the database to Flyway, which migrates it and validates what was applied before, unless
   * its schema history already records exactly the shipped migrations, as Flyway wrote it: Flyway
   * would then neither apply nor refuse anything, so it is not loaded, on every start but a
   * release's first (what that saves: README.md, "The database").
   *
   * @return the schema version now in force, e.g. "7"
   * @throws Refused (as the failed future) when Flyway's validation refuses the schema history
   */
  public static Future<String> apply(Vertx vertx, DatabaseConfig database) {
    return historyMatches(vertx, database)
      .compose(matches -> matches ? Future.succeededFuture(NEWEST_VERSION) : migrate(vertx, database));
  }

  /**
   * Whether the schema history holds V1 to {@link #NEWEST_VERSION}, in order, each applied
   * successfully with the checksum that Flyway's own calculator gives its file today. Anything else
   * (a migration to apply, an edited, renamed or missing file, a failed or baseline row) is Flyway's
   * to decide.
   */
  static Future<Boolean> historyMatches(Vertx vertx, DatabaseConfig database) {
    return history(vertx, database).compose(applied -> inOrderAndSucceeded(applied)
      ? vertx.executeBlocking(() -> checksumsMatch(applied))
      : Future.succeededFuture(false));
  }

  private record Applied(String version, String script, Integer checksum, boolean success) {
  }

  /**
   * The rows of the schema history, none when the database has none yet. Bounded by DB_TIMEOUT_SECONDS:
   * a server that takes the connection and never answers (the client has no bound of its own past the
   * TCP connect) would hold start-up, and a stop, for ever; the attempt fails and is tried again.
   */
  private static Future<List<Applied>> history(Vertx vertx, DatabaseConfig database) {
    return new DatabaseTimeout(database.timeout()).bound(PgConnection.connect(vertx, database.connect())
      .compose(connection -> connection.query(HISTORY).execute()
        .map(rows -> {
          List<Applied> applied = new ArrayList<>();
          for (Row row : rows) {
            applied.add(new Applied(row.getString(0), row.getString(1), row.getInteger(2), row.getBoolean(3)));
          }
          return applied;
        })
        .eventually(connection::close)))
      .recover(failure -> failure instanceof PgException pg && UNDEFINED_TABLE.equals(pg.getSqlState())
        ? Future.succeededFuture(List.of())
        : Future.failedFuture(failure));
  }

  private static boolean inOrderAndSucceeded(List<Applied> applied) {
    if (applied.size() != Integer.parseInt(NEWEST_VERSION)) {
      return false;
    }
    for (int i = 0; i < applied.size(); i++) {
      Applied row = applied.get(i);
      if (!row.success() || row.checksum() == null || !String.valueOf(i + 1).equals(row.version())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads the files from the class path: on a worker thread. The checksum is Flyway's own, from its
   * internal package: MigrationsTest fails should an upgrade compute it otherwise.
   */
  private static boolean checksumsMatch(List<Applied> applied) throws IOException {
    for (Applied row : applied) {
      try (InputStream file = Migrations.class.getClassLoader().getResourceAsStream(LOCATION + "/" + row.script())) {
        if (file == null || ChecksumCalculator.calculate(new StringResource(new String(file.readAllBytes(), StandardCharsets.UTF_8)))
          != row.checksum()) {
          return false;
        }
      }
    }
    return true;
  }

  /** Flyway speaks blocking JDBC, so it runs on a worker thread, once, before the API starts. */
  private static Future<String> migrate(Vertx vertx, DatabaseConfig database) {
    return vertx.executeBlocking(() -> {
      try {
        MigrateResult result = Flyway.configure()
          .dataSource(database.jdbcUrl(), database.connect().getUser(), database.connect().getPassword())
          .locations("classpath:" + LOCATION)
          .load()
          .migrate();
        return result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
      } catch (FlywayValidateException e) {
        throw new Refused(e);
      }
    });
  }

  /**
   * Flyway's validation refused the database's schema history: a migration applied to it differs from
   * this build's file, or is missing, or failed. Trying again cannot help; a person must decide.
   */
  public static final class Refused extends RuntimeException {

    Refused(FlywayValidateException flyway) {
      super("Flyway refuses the database's schema history, which does not match this build's migrations in "
        + LOCATION + ": " + flyway.getMessage(), flyway);
    }
  }
}
