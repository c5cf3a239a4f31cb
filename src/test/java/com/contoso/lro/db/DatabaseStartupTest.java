package com.contoso.lro.db;

import com.contoso.lro.TcpProxy;
import com.contoso.lro.TestDatabase;
import com.contoso.lro.config.AppConfig;
import com.contoso.lro.config.AppConfig.DatabaseConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A schema history that Flyway refuses is not waited out as a database outage is: met by the first
 * attempt, it fails the start; met by a later one, once the database is back, it ends the retries,
 * and the instance stays not ready, saying why.
 */
class DatabaseStartupTest {

  private static final String EDIT_V1 = "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'";

  private Vertx vertx;
  private TestDatabase database;
  private DatabaseStartup startup;

  @BeforeEach
  void migratedDatabase() {
    vertx = Vertx.vertx();
    database = await(TestDatabase.create(vertx));
    await(Migrations.apply(vertx, AppConfig.from(database.env()).database()));
  }

  @AfterEach
  void stop() {
    if (startup != null) {
      await(startup.stop());
    }
    await(database.drop());
    await(vertx.close());
  }

  @Test
  void a_database_that_flyway_accepts_completes_the_first_attempt() {
    DatabaseReadiness readiness = new DatabaseReadiness();
    startup = new DatabaseStartup(vertx, AppConfig.from(database.env()).database(), readiness);

    await(startup.begin());

    assertThat(await(startup.whenReady()).schemaVersion()).isEqualTo(Migrations.NEWEST_VERSION);
    assertThat(readiness.isReady()).isTrue();
  }

  @Test
  void a_refused_schema_history_met_by_the_first_attempt_fails_the_start() {
    await(database.pool().query(EDIT_V1).execute());
    DatabaseReadiness readiness = new DatabaseReadiness();
    startup = new DatabaseStartup(vertx, AppConfig.from(database.env()).database(), readiness);

    assertThatThrownBy(() -> await(startup.begin()))
      .isInstanceOf(Migrations.Refused.class)
      .hasMessageContaining("Migration checksum mismatch for migration version 1");
    assertThat(readiness.isReady()).isFalse();
  }

  @Test
  void a_refused_schema_history_met_once_the_database_is_back_ends_the_retries_and_says_why() {
    TcpProxy proxy = await(TcpProxy.start(vertx, database.env().get("PGHOST"), Integer.parseInt(database.env().get("PGPORT"))));
    Map<String, String> throughProxy = new HashMap<>(database.env());
    throughProxy.put("PGHOST", "127.0.0.1");
    throughProxy.put("PGPORT", String.valueOf(proxy.port()));
    DatabaseConfig config = AppConfig.from(throughProxy).database();
    DatabaseReadiness readiness = new DatabaseReadiness();
    startup = new DatabaseStartup(vertx, config, readiness);
    await(proxy.cut());

    await(startup.begin());
    assertThat(readiness.waitingFor()).startsWith("start-up is waiting for the database: the schema migrations failed");
    await(database.pool().query(EDIT_V1).execute());
    await(proxy.restore());

    assertThatThrownBy(() -> await(startup.whenReady()))
      .isInstanceOf(Migrations.Refused.class)
      .hasMessageContaining("Migration checksum mismatch for migration version 1");
    assertThat(readiness.isReady()).isFalse();
    assertThat(readiness.waitingFor()).isEqualTo("start-up stopped: Flyway refuses the database's schema history (see the log)");
  }
}
