package com.contoso.lro.db;

import com.contoso.lro.config.AppConfig.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.flywaydb.core.Flyway;

/** Brings the schema to the newest version in src/main/resources/db/migration, with Flyway. */
public final class Migrations {

  private Migrations() {
  }

  /**
   * Flyway speaks blocking JDBC, so it runs on a worker thread, once, before the API starts.
   *
   * @return the schema version now in force, e.g. "7"
   */
  public static Future<String> apply(Vertx vertx, DatabaseConfig database) {
    return vertx.executeBlocking(() -> {
      Flyway flyway = Flyway.configure()
        .dataSource(database.jdbcUrl(), database.connect().getUser(), database.connect().getPassword())
        .locations("classpath:db/migration")
        .load();
      flyway.migrate();
      return flyway.info().current().getVersion().getVersion();
    });
  }

  /** The newest schema version applied in the database, as Flyway records it. */
  public static final String CURRENT_VERSION =
    "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1";
}
