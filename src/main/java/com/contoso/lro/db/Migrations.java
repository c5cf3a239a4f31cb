package com.contoso.lro.db;

import com.contoso.lro.config.AppConfig.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.flywaydb.core.Flyway;

/** Brings the schema to the newest version in src/main/resources/db/migration, with Flyway. */
public final class Migrations {

  private Migrations() {
  }

  /** Flyway speaks blocking JDBC, so it runs on a worker thread, once, before the API starts. */
  public static Future<Void> apply(Vertx vertx, DatabaseConfig database) {
    return vertx.executeBlocking(() -> {
      Flyway.configure()
        .dataSource(database.jdbcUrl(), database.connect().getUser(), database.connect().getPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
      return null;
    });
  }
}
