package com.contoso.lro.operations;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deep page costs what the first page costs ($skiptoken is keyset paging, not OFFSET), by the
 * tuples PostgreSQL's own statistics say that each single request read from the operations table.
 *
 * <p>PostgreSQL 15 flushes a backend's table statistics when its transaction ends, but at most once a
 * second (PGSTAT_MIN_INTERVAL); stats held back are flushed within 10 s once the backend is idle
 * (PGSTAT_IDLE_INTERVAL). So each measurement first waits until no flush of an earlier request can
 * still be pending, reads the counters, sends exactly one request, and polls until its reads show up.
 * The class's database is its own and nothing else runs in it meanwhile.
 */
class DeepPageCostTest extends ServiceTest {

  private static final String ME = "/beta/me/authentication/operations";
  private static final int ROWS = 5_000;
  private static final int TOP = 50;
  private static final int DEEP_PAGE = 40;
  /** Longer than PGSTAT_IDLE_INTERVAL (10 s): by then every idle backend has flushed what it held back. */
  private static final long SETTLE_MILLIS = 11_000;
  private static final long POLL_LIMIT_MILLIS = 15_000;

  private long lastActivity = System.currentTimeMillis();

  @Test
  void the_page_40_deep_reads_no_more_tuples_than_the_first_page_while_offset_reads_every_skipped_row()
    throws InterruptedException {
    Token user = service.tokens.user();
    String token = user.sign();
    await(service.database.pool().preparedQuery("""
        INSERT INTO operations (owner_id, id, created_date_time, last_action_date_time, status)
        SELECT $1, 'op-' || lpad(n::text, 5, '0'), t, t, 'running'
        FROM generate_series(1, $2) AS n, LATERAL (SELECT timestamptz '2026-01-01T00:00:00Z' + n * interval '1 second') AS at(t)
        """)
      .execute(Tuple.of(user.oid(), ROWS)));
    // What autovacuum would do to a table of this size anyway, done now so it cannot run mid-measurement.
    await(service.database.pool().query("VACUUM ANALYZE operations").execute());
    lastActivity = System.currentTimeMillis();

    Cost first = cost(token, ME + "?$top=" + TOP);
    assertThat(ids(first.page())).containsExactlyElementsOf(newestFirst(0));

    String next = first.page().getString("@odata.nextLink");
    for (int page = 2; page < DEEP_PAGE; page++) {
      next = ok(get(token, relative(next))).getString("@odata.nextLink");
    }
    lastActivity = System.currentTimeMillis();
    Cost deep = cost(token, relative(next));
    assertThat(ids(deep.page())).as("page %d", DEEP_PAGE).containsExactlyElementsOf(newestFirst(DEEP_PAGE - 1));

    int skipped = (DEEP_PAGE - 1) * TOP;
    Cost offset = cost(token, ME + "?$top=" + TOP + "&$skip=" + skipped);
    assertThat(ids(offset.page())).as("the same page by $skip").isEqualTo(ids(deep.page()));

    assertThat(first.tuples()).as("tuples read for page 1").isPositive();
    assertThat(deep.tuples()).as("tuples read for page %d, against %d for page 1", DEEP_PAGE, first.tuples())
      .isLessThanOrEqualTo(2 * first.tuples())
      .isLessThan(1_000);
    assertThat(offset.tuples())
      .as("the measure sees rows passed over: $skip=%d (OFFSET) read %d tuples", skipped, offset.tuples())
      .isGreaterThanOrEqualTo(skipped);
  }

  /** One request's page and the tuples it read from the operations table. */
  private record Cost(JsonObject page, long tuples) {
  }

  private Cost cost(String token, String pathAndQuery) throws InterruptedException {
    long settled = lastActivity + SETTLE_MILLIS;
    while (System.currentTimeMillis() < settled) {
      Thread.sleep(Math.max(1, settled - System.currentTimeMillis()));
    }
    long before = tuplesRead();
    Thread.sleep(500);
    assertThat(tuplesRead()).as("no statistics still arriving before the request").isEqualTo(before);

    JsonObject page = ok(get(token, pathAndQuery));
    lastActivity = System.currentTimeMillis();

    long deadline = lastActivity + POLL_LIMIT_MILLIS;
    long after = tuplesRead();
    while (after == before && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      after = tuplesRead();
    }
    assertThat(after).as("the request's reads reached pg_stat_user_tables within %d ms", POLL_LIMIT_MILLIS)
      .isNotEqualTo(before);
    return new Cost(page, after - before);
  }

  /** Heap tuples read from the operations table so far, by index scans and by sequential scans. */
  private static long tuplesRead() {
    Row row = await(service.database.pool().query("""
        SELECT coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0)
        FROM pg_stat_user_tables WHERE relname = 'operations'
        """).execute()).iterator().next();
    return row.getLong(0);
  }

  /** The ids of one page of the default order (newest first), counted from 0. */
  private static List<String> newestFirst(int page) {
    int newest = ROWS - page * TOP;
    return IntStream.range(0, TOP).mapToObj(i -> String.format("op-%05d", newest - i)).toList();
  }

  private static HttpResponse<Buffer> get(String token, String pathAndQuery) {
    return await(service.request(HttpMethod.GET, pathAndQuery).bearerTokenAuthentication(token).send());
  }

  private static JsonObject ok(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static String relative(String nextLink) {
    String origin = "http://localhost:" + service.port;
    assertThat(nextLink).as("@odata.nextLink").startsWith(origin + ME + "?");
    return nextLink.substring(origin.length());
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("value").stream().map(item -> ((JsonObject) item).getString("id")).toList();
  }
}
