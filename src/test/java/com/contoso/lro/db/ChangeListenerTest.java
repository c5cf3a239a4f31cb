package com.contoso.lro.db;

import com.contoso.lro.TestDatabase;
import com.contoso.lro.config.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.function.BooleanSupplier;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The change listener says which unbroken stretch of listening this is: a waiter whose time runs
 * out trusts what it read only when the stretch it began in has lasted. None from the moment its
 * session is lost until a new one listens; then the next.
 */
class ChangeListenerTest {

  private Vertx vertx;
  private TestDatabase database;
  private ChangeListener listener;

  @BeforeEach
  void migratedDatabase() {
    vertx = Vertx.vertx();
    database = await(TestDatabase.create(vertx));
    await(Migrations.apply(vertx, AppConfig.from(database.env()).database()));
  }

  @AfterEach
  void stop() {
    if (listener != null) {
      await(listener.close());
    }
    await(database.drop());
    await(vertx.close());
  }

  @Test
  void it_listens_in_a_first_stretch_none_after_its_session_is_lost_and_a_second_once_a_new_one_listens() throws Exception {
    listener = await(ChangeListener.start(vertx, AppConfig.from(database.env()).database().connect()));
    assertThat(eventually(() -> listener.listeningStretch() == 1)).as("the first stretch once started").isTrue();

    assertThat(endListenerSession()).as("listener sessions ended").isEqualTo(1);

    // It reconnects a second after the loss: no stretch until then.
    assertThat(eventually(() -> listener.listeningStretch() == -1)).as("none once its session is gone").isTrue();
    assertThat(eventually(() -> listener.listeningStretch() == 2)).as("the second on a new session").isTrue();
  }

  private int endListenerSession() {
    return await(database.pool().preparedQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
        + "FROM pg_stat_activity WHERE datname = $1 AND application_name = $2")
      .execute(Tuple.of(database.env().get("PGDATABASE"), ChangeListener.APPLICATION_NAME))).iterator().next().getInteger(0);
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
}
