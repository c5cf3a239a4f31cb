package com.contoso.lro.db;

import com.contoso.lro.TestDatabase;
import com.contoso.lro.config.AppConfig;
import com.contoso.lro.config.AppConfig.DatabaseConfig;
import io.vertx.core.Vertx;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up's schema step: Flyway when the schema is behind, nothing when it is at the newest version. */
class MigrationsTest {

  private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.*\\.sql");

  private Vertx vertx;
  private TestDatabase database;
  private DatabaseConfig config;

  @BeforeEach
  void freshDatabase() {
    vertx = Vertx.vertx();
    database = await(TestDatabase.create(vertx));
    config = AppConfig.from(database.env()).database();
  }

  @AfterEach
  void dropIt() {
    await(database.drop());
    await(vertx.close());
  }

  @Test
  void the_newest_version_it_knows_is_that_of_the_newest_migration_file() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
      int newest = files.map(file -> VERSIONED.matcher(file.getFileName().toString()))
        .filter(Matcher::matches)
        .mapToInt(match -> Integer.parseInt(match.group(1)))
        .max().orElseThrow();
      assertThat(Migrations.NEWEST_VERSION).isEqualTo(String.valueOf(newest));
    }
  }

  @Test
  void a_fresh_database_is_migrated_to_the_newest_version() {
    assertThat(await(Migrations.apply(vertx, config))).isEqualTo(Migrations.NEWEST_VERSION);

    assertThat(await(database.pool().query("SELECT count(*) FROM operations").execute()).iterator().next().getLong(0))
      .isZero();
  }

  @Test
  void a_database_behind_the_newest_version_is_brought_to_it() {
    flyway().target("3").load().migrate();

    assertThat(await(Migrations.apply(vertx, config))).isEqualTo(Migrations.NEWEST_VERSION);
    assertThat(await(database.pool().query("SELECT count(*) FROM idempotency_keys").execute()).iterator().next()
      .getLong(0)).isZero();
  }

  @Test
  void a_database_at_the_newest_version_is_not_handed_to_flyway() {
    await(Migrations.apply(vertx, config));
    // An edited applied migration, which Flyway's validation refuses: proof that Flyway did not run.
    await(database.pool().query("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'").execute());
    assertThatThrownBy(() -> flyway().load().migrate()).isInstanceOf(FlywayException.class);

    assertThat(await(Migrations.apply(vertx, config))).isEqualTo(Migrations.NEWEST_VERSION);
  }

  private org.flywaydb.core.api.configuration.FluentConfiguration flyway() {
    return Flyway.configure()
      .dataSource(config.jdbcUrl(), config.connect().getUser(), config.connect().getPassword())
      .locations("classpath:db/migration");
  }
}
