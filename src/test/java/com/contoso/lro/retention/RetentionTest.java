package com.contoso.lro.retention;

import com.contoso.lro.ServiceEnv;
import com.contoso.lro.TwoInstanceTest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retention: final operations older than RETENTION_HOURS and expired Idempotency-Keys are deleted
 * in bounded batches, by one instance at a time, and nothing else is.
 */
@ServiceEnv({"RETENTION_HOURS=24", "RETENTION_INTERVAL_SECONDS=1", "RETENTION_BATCH_SIZE=7"})
class RetentionTest extends TwoInstanceTest {

  @BeforeEach
  void empty() {
    await(pool().query("DELETE FROM operations").execute());
    await(pool().query("DELETE FROM idempotency_keys").execute());
  }

  @Test
  void the_running_instances_delete_old_final_operations_and_expired_keys_and_nothing_else() throws Exception {
    OffsetDateTime now = OffsetDateTime.now();
    insert("old-succeeded", "succeeded", now.minusHours(25), 20);
    insert("old-failed", "failed", now.minusDays(40), 3);
    insert("old-running", "running", now.minusDays(40), 2);
    insert("old-not-started", "notStarted", now.minusDays(40), 2);
    insert("young-succeeded", "succeeded", now.minusHours(23), 2);
    await(pool().preparedQuery("INSERT INTO operations (owner_id, id, created_date_time, last_action_date_time, status) "
      + "VALUES ('owner-0', 'young-with-a-past-last-action', $1, $2, 'succeeded')")
      .execute(Tuple.of(now, now.minusDays(400))));
    key("expired", now.minusSeconds(1));
    key("alive", now.plusHours(1));

    for (int i = 0; i < 100
      && count("SELECT count(*) FROM operations WHERE id LIKE 'old-succeeded-%' OR id LIKE 'old-failed-%'") > 0; i++) {
      Thread.sleep(100);
    }

    assertThat(ids()).allSatisfy(id -> assertThat(id).doesNotStartWith("old-succeeded").doesNotStartWith("old-failed"));
    assertThat(count("SELECT count(*) FROM operations WHERE id LIKE 'old-running-%'")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM operations WHERE id LIKE 'old-not-started-%'")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM operations WHERE id LIKE 'young-%'")).isEqualTo(3);
    for (int i = 0; i < 50 && count("SELECT count(*) FROM idempotency_keys WHERE key = 'expired'") > 0; i++) {
      Thread.sleep(100);
    }
    assertThat(count("SELECT count(*) FROM idempotency_keys")).isEqualTo(1);
  }

  @Test
  void a_run_while_another_instance_holds_the_run_does_nothing() {
    insert("old-succeeded", "succeeded", OffsetDateTime.now().minusDays(40), 3);
    RetentionJob job = new RetentionJob(pool(), Duration.ofHours(24), 100, Clock.systemUTC());
    SqlConnection holder = await(pool().getConnection());
    try {
      await(holder.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(RetentionJob.LOCK)));

      RetentionJob.Run run = await(job.runOnce());

      assertThat(run.ran()).isFalse();
      assertThat(run.operationsDeleted()).isZero();
    } finally {
      await(holder.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(RetentionJob.LOCK)));
      await(holder.close());
    }
  }

  @Test
  void overlapping_runs_finish_without_error_and_leave_no_old_final_operation() {
    insert("old-succeeded", "succeeded", OffsetDateTime.now().minusDays(40), 25);
    RetentionJob one = new RetentionJob(pool(), Duration.ofHours(24), 4, Clock.systemUTC());
    RetentionJob two = new RetentionJob(pool(), Duration.ofHours(24), 4, Clock.systemUTC());

    // The service's own job (every second here) may hold the lock when the two try: both then skip, and
    // they try again, as they would at their next interval.
    List<RetentionJob.Run> runs;
    int rounds = 0;
    do {
      runs = await(Future.all(one.runOnce(), two.runOnce()).map(all -> all.<RetentionJob.Run>list()));
      assertThat(runs).as("runs at once").hasSize(2);
    } while (runs.stream().noneMatch(RetentionJob.Run::ran) && ++rounds < 100);

    assertThat(runs).as("the last round").anyMatch(RetentionJob.Run::ran);
    assertThat(count("SELECT count(*) FROM operations")).isZero();
  }

  @Test
  void a_retention_shorter_than_a_day_or_an_empty_batch_is_refused_at_start_up() {
    assertThatThrownBy(() -> com.contoso.lro.config.AppConfig.from(Map.of("RETENTION_HOURS", "23")))
      .hasMessageContaining("RETENTION_HOURS");
    assertThatThrownBy(() -> com.contoso.lro.config.AppConfig.from(Map.of("RETENTION_BATCH_SIZE", "0")))
      .hasMessageContaining("RETENTION_BATCH_SIZE");
  }

  private static Pool pool() {
    return first.database.pool();
  }

  private static void insert(String prefix, String status, OffsetDateTime lastAction, int count) {
    for (int i = 0; i < count; i++) {
      await(pool().preparedQuery("INSERT INTO operations (owner_id, id, created_date_time, last_action_date_time, status) "
        + "VALUES ($1, $2, $3, $3, $4)").execute(Tuple.of("owner-" + (i % 3), prefix + "-" + i, lastAction, status)));
    }
  }

  private static void key(String key, OffsetDateTime expires) {
    await(pool().preparedQuery("INSERT INTO idempotency_keys (owner_id, key, request_hash, claimed_at, expires_at, response) "
      + "VALUES ('owner-0', $1, 'h', $2, $3, '{}'::jsonb)").execute(Tuple.of(key, expires.minusDays(1), expires)));
  }

  private static List<String> ids() {
    return await(pool().query("SELECT id FROM operations").execute()).stream().map(row -> row.getString(0)).toList();
  }

  private static long count(String sql) {
    return await(pool().query(sql).execute()).iterator().next().getLong(0);
  }
}
