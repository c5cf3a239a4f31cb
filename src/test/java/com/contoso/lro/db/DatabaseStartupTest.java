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
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A schema history that Flyway refuses is not waited out as a database outage is: met by the first
 * attempt, it fails the start; met by a later one, once the database is back, it ends the retries,
 * and the instance stays not ready, saying why. What start-up gives the API includes the change
 * listener's stretch of listening, by which a waiter whose time runs out trusts what it read.
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

  /** None from the moment the listener's session is lost until a new one listens; then the next. */
  @Test
  void the_listener_listens_in_a_first_stretch_none_after_its_session_is_lost_and_a_second_once_a_new_one_listens()
    throws Exception {
    startup = new DatabaseStartup(vertx, AppConfig.from(database.env()).database(), new DatabaseReadiness());
    await(startup.begin());
    LongSupplier stretch = await(startup.whenReady()).listeningStretch();
    assertThat(eventually(() -> stretch.getAsLong() == 1)).as("the first stretch once started").isTrue();

    assertThat(await(database.terminate(ChangeListener.APPLICATION_NAME))).as("listener sessions ended").isEqualTo(1);

    // It reconnects a second after the loss: no stretch until then.
    assertThat(eventually(() -> stretch.getAsLong() == -1)).as("none once its session is gone").isTrue();
    assertThat(eventually(() -> stretch.getAsLong() == 2)).as("the second on a new session").isTrue();
  }

  /** Whether {@code condition} held within 10 s, asked every 10 ms. */
  private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 1000; i++) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
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
