package com.contoso.lro.operations;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.stream.IntStream;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deep page costs what the first page costs ($skiptoken is keyset paging, not OFFSET), by
 * {@code EXPLAIN (ANALYZE, BUFFERS)} of the very statement that each request ran: PostgreSQL's
 * auto_explain, loaded into the sessions of this class's database only, sends each plan to the
 * service's session as a notice, which the Vert.x client logs.
 */
class DeepPageCostTest extends ServiceTest {

  private static final String ME = "/beta/me/authentication/operations";
  private static final int ROWS = 5_000;
  private static final int TOP = 50;
  private static final int DEEP_PAGE = 40;
  /** Where the PostgreSQL client logs a notice that no handler takes. */
  private static final Logger NOTICES = (Logger) LoggerFactory.getLogger("io.vertx.sqlclient.impl.SocketConnectionBase");
  private static final ListAppender<ILoggingEvent> PLANS = new ListAppender<>();

  /**
   * Before the service's first list opens a session: every statement of this database explained as
   * it ran, with its buffers, at NOTICE, which PostgreSQL sends to the session that ran it.
   */
  @BeforeAll
  static void explainEveryStatement() {
    String database = service.database.env().get("PGDATABASE");
    for (String setting : List.of("session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 0",
      "auto_explain.log_analyze = on", "auto_explain.log_buffers = on", "auto_explain.log_timing = off",
      "auto_explain.log_format = json", "auto_explain.log_level = notice")) {
      await(service.database.pool().query("ALTER DATABASE " + database + " SET " + setting).execute());
    }
    PLANS.start();
    NOTICES.addAppender(PLANS);
    // The plans are this test's measure, not warnings for the build's output.
    NOTICES.setAdditive(false);
  }

  @AfterAll
  static void stopCapturing() {
    NOTICES.detachAppender(PLANS);
    NOTICES.setAdditive(true);
  }

  @Test
  void the_page_40_deep_reads_as_many_buffers_as_the_first_page_while_offset_reads_every_skipped_row() {
    Token user = service.tokens.user();
    String token = user.sign();
    await(service.database.pool().preparedQuery("""
        INSERT INTO operations (owner_id, id, created_date_time, last_action_date_time, status)
        SELECT $1, 'op-' || lpad(n::text, 5, '0'), t, t, 'running'
        FROM generate_series(1, $2) AS n, LATERAL (SELECT timestamptz '2026-01-01T00:00:00Z' + n * interval '1 second') AS at(t)
        """)
      .execute(Tuple.of(user.oid(), ROWS)));
    // Statistics and a visibility map, as autovacuum would leave a table of this size.
    await(service.database.pool().query("VACUUM ANALYZE operations").execute());

    Cost first = cost(token, ME + "?$top=" + TOP);
    assertThat(ids(first.page())).containsExactlyElementsOf(newestFirst(0));

    String next = first.page().getString("@odata.nextLink");
    for (int page = 2; page < DEEP_PAGE; page++) {
      next = ok(get(token, relative(next))).getString("@odata.nextLink");
    }
    Cost deep = cost(token, relative(next));
    assertThat(ids(deep.page())).as("page %d", DEEP_PAGE).containsExactlyElementsOf(newestFirst(DEEP_PAGE - 1));

    int skipped = (DEEP_PAGE - 1) * TOP;
    Cost offset = cost(token, ME + "?$top=" + TOP + "&$skip=" + skipped);
    assertThat(ids(offset.page())).as("the same page by $skip").isEqualTo(ids(deep.page()));

    assertThat(first.rowsScanned()).as("rows the first page's scan read").isBetween((long) TOP, 2L * TOP);
    assertThat(deep.rowsScanned()).as("rows page %d's scan read: %s", DEEP_PAGE, deep.plan())
      .isBetween((long) TOP, 2L * TOP);
    assertThat(deep.buffers()).as("buffers page %d read, against %d for page 1: %s", DEEP_PAGE, first.buffers(), deep.plan())
      .isPositive()
      .isLessThanOrEqualTo(2 * first.buffers());
    assertThat(offset.rowsScanned()).as("the measure sees rows passed over: $skip=%d (OFFSET)", skipped)
      .isGreaterThanOrEqualTo(skipped + TOP);
    assertThat(offset.buffers()).as("buffers $skip=%d read, against %d for page %d: %s", skipped, deep.buffers(),
        DEEP_PAGE, offset.plan())
      .isGreaterThan(4 * deep.buffers());
  }

  @Test
  void an_order_by_a_long_text_reads_no_value_kept_out_of_line_first_page_or_deep_by_the_first_64_characters_then_id() {
    Token user = service.tokens.user();
    String token = user.sign();
    int rows = 2_000;
    // 4,096 characters each (the contract's maximum), which PostgreSQL keeps out of line in 2 KB chunks:
    // a sort by the whole value read all of every row's value, again at each comparison (16 buffers a
    // row in bench/README.md's measurement), and a key computed from the value read each value's first
    // chunk (4 a row). Rows in fours share their first 64 characters.
    await(service.database.pool().preparedQuery("""
        INSERT INTO operations (owner_id, id, created_date_time, last_action_date_time, status, status_detail)
        SELECT $1, 'op-' || lpad(n::text, 5, '0'), t, t, 'running',
               left(repeat(md5((n / 4)::text), 2) || repeat(md5(n::text), 128), 4096)
        FROM generate_series(1, $2) AS n, LATERAL (SELECT timestamptz '2026-01-01T00:00:00Z' + n * interval '1 second') AS at(t)
        """)
      .execute(Tuple.of(user.oid(), rows)));
    await(service.database.pool().query("VACUUM ANALYZE operations").execute());
    List<String> expected = await(service.database.pool().preparedQuery(
        "SELECT id, status_detail FROM operations WHERE owner_id = $1").execute(Tuple.of(user.oid())))
      .stream()
      .sorted(java.util.Comparator.comparing((io.vertx.sqlclient.Row row) -> row.getString(1).substring(0, 64))
        .thenComparing(row -> row.getString(0)).reversed())
      .map(row -> row.getString(0)).toList();

    Cost first = cost(token, ME + "?$orderby=statusDetail%20desc&$top=" + TOP);
    assertThat(ids(first.page())).containsExactlyElementsOf(expected.subList(0, TOP));
    String next = first.page().getString("@odata.nextLink");
    for (int page = 2; page < 10; page++) {
      JsonObject shown = ok(get(token, relative(next)));
      assertThat(ids(shown)).as("page %d", page)
        .containsExactlyElementsOf(expected.subList((page - 1) * TOP, page * TOP));
      next = shown.getString("@odata.nextLink");
    }
    Cost deep = cost(token, relative(next));
    assertThat(ids(deep.page())).as("page 10").containsExactlyElementsOf(expected.subList(9 * TOP, 10 * TOP));

    // The key is stored beside the row (migration V8): the sort reads the rows' heap pages, dozens of
    // rows to a page, and none of their values out of line.
    assertThat(first.buffers()).as("buffers the first page read for %d rows: %s", rows, first.plan())
      .isPositive().isLessThanOrEqualTo(rows / 4L);
    assertThat(deep.buffers()).as("buffers page 10 read for %d rows: %s", rows, deep.plan())
      .isPositive().isLessThanOrEqualTo(rows / 4L);
  }

  @Test
  void the_stored_order_key_of_a_long_text_is_the_one_a_page_token_resumes_from() {
    String astral = "\uD83D\uDE00"; // one code point, two Java chars
    List<String> values = java.util.Arrays.asList(null, "", "Done", "a".repeat(64) + "b", astral.repeat(100),
      "é".repeat(70), "\u0001", "Z" + "x".repeat(4095));
    Token user = service.tokens.user();
    for (int i = 0; i < values.size(); i++) {
      await(service.database.pool().preparedQuery("""
          INSERT INTO operations (owner_id, id, created_date_time, last_action_date_time, status, status_detail,
                                  resource_location)
          VALUES ($1, $2, now(), now(), 'running', $3, $3)""")
        .execute(Tuple.of(user.oid(), "key-" + i, values.get(i))));
    }
    for (int i = 0; i < values.size(); i++) {
      io.vertx.sqlclient.Row row = await(service.database.pool().preparedQuery(
          "SELECT status_detail_order, resource_location_order FROM operations WHERE owner_id = $1 AND id = $2")
        .execute(Tuple.of(user.oid(), "key-" + i))).iterator().next();
      String expected = com.contoso.lro.operations.query.SortTerm.orderKey(values.get(i));
      assertThat(row.getString(0)).as("statusDetail %s", values.get(i)).isEqualTo(expected);
      assertThat(row.getString(1)).as("resourceLocation %s", values.get(i)).isEqualTo(expected);
    }
  }

  /** One request's page, and what its statement read: buffers in all, and the rows its scan gave. */
  private record Cost(JsonObject page, JsonObject plan, long buffers, long rowsScanned) {
  }

  private static Cost cost(String token, String pathAndQuery) {
    synchronized (PLANS) {
      PLANS.list.clear();
    }
    // The plan's notice reaches the service before the rows do, so before the response leaves.
    JsonObject page = ok(get(token, pathAndQuery));
    List<ILoggingEvent> notices;
    synchronized (PLANS) {
      notices = List.copyOf(PLANS.list);
    }
    List<JsonObject> lists = notices.stream().map(DeepPageCostTest::plan)
      .filter(plan -> plan.getString("Query Text", "").startsWith("SELECT owner_id, id,")).toList();
    assertThat(lists).as("the plan of the one list statement that %s ran", pathAndQuery).hasSize(1);
    JsonObject plan = lists.get(0).getJsonObject("Plan");
    assertThat(plan.getString("Node Type")).isEqualTo("Limit");
    JsonObject scan = plan.getJsonArray("Plans").getJsonObject(0);
    return new Cost(page, plan, plan.getLong("Shared Hit Blocks") + plan.getLong("Shared Read Blocks"),
      scan.getLong("Actual Rows"));
  }

  /** auto_explain's JSON, out of the client's line "Backend notice: ..., message='duration: ... plan:\n{...}', detail=...". */
  private static JsonObject plan(ILoggingEvent notice) {
    String line = notice.getFormattedMessage();
    int start = line.indexOf("plan:\n");
    int end = line.lastIndexOf("', detail='");
    assertThat(start).as("an auto_explain plan in %s", line).isPositive();
    return new JsonObject(line.substring(start + "plan:\n".length(), end));
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
