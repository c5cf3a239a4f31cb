package com.contoso.lro.db;

import com.contoso.lro.TestDatabase;
import com.contoso.lro.config.AppConfig;
import com.contoso.lro.config.AppConfig.DatabaseConfig;
import io.vertx.core.Vertx;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Start-up's schema step: Flyway migrates a database behind this build and refuses one whose applied
 * migrations differ from this build's files; a database whose history records exactly the shipped
 * files, with Flyway's checksums, is not handed to Flyway.
 */
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

  /** What Migrations.historyMatches assumes: the files are V1 to NEWEST_VERSION, and nothing else (no repeatable ones). */
  @Test
  void the_shipped_migrations_are_v1_to_the_newest_version_and_nothing_else() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources", Migrations.LOCATION))) {
      List<String> names = files.map(file -> file.getFileName().toString()).toList();
      assertThat(names).as("versioned SQL migrations only").allMatch(name -> VERSIONED.matcher(name).matches());
      assertThat(names.stream().map(VERSIONED::matcher).filter(Matcher::matches).map(match -> Integer.valueOf(match.group(1))).sorted())
        .as("from 1 to Migrations.NEWEST_VERSION, one file each")
        .containsExactlyElementsOf(IntStream.rangeClosed(1, Integer.parseInt(Migrations.NEWEST_VERSION)).boxed().toList());
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
    assertThat(await(Migrations.historyMatches(vertx, config))).isFalse();

    assertThat(await(Migrations.apply(vertx, config))).isEqualTo(Migrations.NEWEST_VERSION);
    assertThat(await(database.pool().query("SELECT count(*) FROM idempotency_keys").execute()).iterator().next()
      .getLong(0)).isZero();
  }

  @Test
  void the_history_flyway_writes_matches_the_checksums_computed_for_the_shipped_files_so_a_restart_skips_flyway() {
    flyway().load().migrate();

    assertThat(await(Migrations.historyMatches(vertx, config))).isTrue();
    assertThat(await(Migrations.apply(vertx, config))).isEqualTo(Migrations.NEWEST_VERSION);
  }

  @Test
  void a_database_whose_applied_migration_differs_from_its_file_is_refused_as_flyway_refuses_it_naming_the_migration() {
    // As if V1__operations.sql had been edited since it was applied.
    assertRefusedAfter("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'",
      "does not match this build's migrations in db/migration", "Migration checksum mismatch for migration version 1");
  }

  @Test
  void a_database_that_applied_a_migration_under_another_name_is_refused_as_flyway_refuses_it() {
    // As if V2 had been applied as V2__listings.sql, and renamed since.
    assertRefusedAfter("UPDATE flyway_schema_history SET description = 'listings', script = 'V2__listings.sql' WHERE version = '2'",
      "Migration description mismatch for migration version 2");
  }

  @Test
  void a_failed_migration_in_the_history_is_refused_as_flyway_refuses_it() {
    assertRefusedAfter("UPDATE flyway_schema_history SET success = false WHERE version = '7'", "failed migration to version 7");
  }

  /** Migrates, changes the schema history with {@code change}, and expects the next start-up's schema step to refuse it, saying {@code reasons}. */
  private void assertRefusedAfter(String change, String... reasons) {
    await(Migrations.apply(vertx, config));
    await(database.pool().query(change).execute());

    assertThat(await(Migrations.historyMatches(vertx, config))).as("left to Flyway").isFalse();
    assertThatThrownBy(() -> await(Migrations.apply(vertx, config)))
      .isInstanceOf(Migrations.Refused.class)
      .satisfies(refused -> assertThat(refused.getMessage()).contains(reasons));
  }

  private org.flywaydb.core.api.configuration.FluentConfiguration flyway() {
    return Flyway.configure()
      .dataSource(config.jdbcUrl(), config.connect().getUser(), config.connect().getPassword())
      .locations("classpath:" + Migrations.LOCATION);
  }
}
