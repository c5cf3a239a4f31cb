package com.contoso.lro.db;

import com.contoso.lro.ServiceEnv;
import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static com.contoso.lro.GraphErrors.assertServiceUnavailable;
import static com.contoso.lro.TestService.OPERATIONS;
import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One user's lists and counts cannot take the database from the others: each caller has at most
 * DB_STATEMENTS_PER_CALLER of them in flight on an instance, and DB_TIME_SHARE_PER_CALLER of its time
 * (beyond either, 429 before anything is sent);
 * they run on connections of their own, so a get never waits behind one; and one that outlives
 * DB_TIMEOUT_SECONDS is cancelled on the server, not left running for nobody.
 *
 * <p>A statement is made slow deterministically: the test database resolves {@code strpos}, which
 * {@code contains} becomes, to a function of its own that first waits for an advisory lock, which
 * the test holds in another session while it looks.
 */
@ServiceEnv({"DB_TIMEOUT_SECONDS=15", "DB_STATEMENTS_PER_CALLER=2"})
class DatabaseTimePerUserTest extends ServiceTest {

  private static final int LOCK = 15;
  private static final String SLOW_COUNT = OPERATIONS + "/$count?$filter=contains(statusDetail,'zz')";

  @Test
  void a_caller_over_its_share_gets_429_with_retry_after_while_another_users_get_by_id_is_served() {
    slowContains(service);
    String mallory = service.tokens.user().sign();
    String alice = service.tokens.user().sign();
    service.create(mallory, new JsonObject().put("status", "running").put("statusDetail", "x"));
    String id = service.create(alice, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");

    SqlConnection locker = holdLock(service);
    List<Future<HttpResponse<Buffer>>> stuck;
    try {
      stuck = IntStream.range(0, 2).mapToObj(i -> send(service, mallory, SLOW_COUNT)).toList();
      awaitWaiting(service, 2);

      HttpResponse<Buffer> third = await(send(service, mallory, SLOW_COUNT));
      assertGraphError(third, 429, "tooManyRequests");
      assertThat(third.getHeader("Retry-After")).isEqualTo("1");
      assertThat(third.bodyAsJsonObject().getJsonObject("error").getString("message"))
        .contains("at most 2 list and count statements per caller");
      assertGraphError(await(send(service, mallory, OPERATIONS + "?$count=true")), 429, "tooManyRequests");
      assertThat(waiting(service)).as("nothing of the refused requests reached the database").isEqualTo(2);

      HttpResponse<Buffer> read = await(send(service, alice, OPERATIONS + "/" + id));
      assertThat(read.statusCode()).as("another user's GET by id, meanwhile").isEqualTo(200);
    } finally {
      release(locker);
    }
    assertThat(await(Future.join(stuck)).list()).allSatisfy(answer ->
      assertThat(((HttpResponse<?>) answer).statusCode()).isEqualTo(200));
    assertThat(await(send(service, mallory, SLOW_COUNT)).statusCode()).as("the share is given back").isEqualTo(200);
  }

  @Test
  void a_count_that_outlives_db_timeout_seconds_is_cancelled_on_the_server_and_those_queued_are_never_sent(
    Vertx vertx) {
    // No statement_timeout: only the service's own cancel can stop the statement.
    TestService quick = await(TestService.start(vertx,
      Map.of("DB_TIMEOUT_SECONDS", "3", "DB_STATEMENT_TIMEOUT_MS", "0", "DB_LIST_POOL_SIZE", "2")));
    try {
      slowContains(quick);
      List<String> users = IntStream.range(0, 4).mapToObj(i -> quick.tokens.user().sign()).toList();
      users.forEach(user -> quick.create(user, new JsonObject().put("status", "running").put("statusDetail", "x")));

      SqlConnection locker = holdLock(quick);
      try {
        // One connection per API verticle: some of these wait for one, behind a stuck statement.
        List<Future<HttpResponse<Buffer>>> counts = users.stream().map(user -> send(quick, user, SLOW_COUNT)).toList();
        awaitWaitingAtLeast(quick, 1);
        await(Future.join(counts));
        assertThat(counts).allSatisfy(count -> assertServiceUnavailable(count.result()));

        awaitWaiting(quick, 0);
        assertThat(waiting(quick)).as("statements still running on the server after their 503s").isZero();
      } finally {
        release(locker);
      }
      // Each of the four has spent its database time; a fifth user finds the sessions serving again.
      HttpResponse<Buffer> after = await(send(quick, quick.tokens.user().sign(), SLOW_COUNT));
      assertThat(after.statusCode()).as("the cancelled sessions serve again").isEqualTo(200);
      assertThat(after.bodyAsString()).isEqualTo("0");
    } finally {
      await(quick.stop());
    }
  }

  @Test
  void a_caller_that_has_spent_its_database_time_gets_429_until_it_has_refilled_while_others_are_served(Vertx vertx) {
    // A burst of DB_TIMEOUT_SECONDS, 1 s, refilled at 0.02 s a second. Two statements that each run until
    // they are cancelled spend twice the burst: about 50 s owed, which no wait of this test refills (one
    // statement spent the burst and only milliseconds more, which the polling below could refill).
    TestService stingy = await(TestService.start(vertx,
      Map.of("DB_TIMEOUT_SECONDS", "1", "DB_STATEMENT_TIMEOUT_MS", "0", "DB_TIME_SHARE_PER_CALLER", "0.02")));
    try {
      slowContains(stingy);
      String mallory = stingy.tokens.user().sign();
      String alice = stingy.tokens.user().sign();
      // strpos runs once per row: each has one to search.
      List.of(mallory, alice).forEach(user ->
        stingy.create(user, new JsonObject().put("status", "running").put("statusDetail", "x")));
      SqlConnection locker = holdLock(stingy);
      try {
        List<Future<HttpResponse<Buffer>>> slow = List.of(send(stingy, mallory, SLOW_COUNT), send(stingy, mallory, SLOW_COUNT));
        await(Future.join(slow));
        assertThat(slow).allSatisfy(count -> assertServiceUnavailable(count.result()));
      } finally {
        release(locker);
      }
      awaitWaiting(stingy, 0);

      HttpResponse<Buffer> refused = await(send(stingy, mallory, SLOW_COUNT));
      assertGraphError(refused, 429, "tooManyRequests");
      assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message"))
        .contains("used their share of database time");
      assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(1L, 100L);
      assertGraphError(await(send(stingy, mallory, OPERATIONS + "?$top=1")), 429, "tooManyRequests");

      assertThat(await(send(stingy, alice, SLOW_COUNT)).statusCode()).as("another user's count").isEqualTo(200);
    } finally {
      await(stingy.stop());
    }
  }

  @Test
  void a_list_or_count_runs_on_one_core_never_as_a_parallel_plan(Vertx vertx) {
    TestService own = await(TestService.start(vertx, Map.of()));
    try {
      String token = own.tokens.user().sign();
      own.create(token, new JsonObject().put("status", "running").put("statusDetail", "x"));
      // strpos, which contains() becomes, notes the session's setting as the service's list runs it.
      await(own.database.pool().query("""
          CREATE TABLE seen (workers text);
          CREATE FUNCTION public.strpos(text, text) RETURNS integer LANGUAGE plpgsql AS $$
          BEGIN
            INSERT INTO seen VALUES (current_setting('max_parallel_workers_per_gather'));
            RETURN pg_catalog.strpos($1, $2);
          END $$;
          DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = public, pg_catalog', current_database()); END $$
          """).execute());

      assertThat(await(send(own, token, OPERATIONS + "?$filter=contains(statusDetail,'x')")).statusCode()).isEqualTo(200);
      assertThat(await(send(own, token, SLOW_COUNT)).bodyAsString()).isEqualTo("0");

      List<String> seen = new java.util.ArrayList<>();
      await(own.database.pool().query("SELECT workers FROM seen").execute()).forEach(row -> seen.add(row.getString(0)));
      assertThat(seen).as("max_parallel_workers_per_gather in the service's list and count sessions")
        .isNotEmpty().containsOnly("0");
    } finally {
      await(own.stop());
    }
  }

  @Test
  void a_filter_or_skip_past_the_cost_limits_is_a_400_that_names_the_limit() {
    String token = service.tokens.user().sign();
    String attack = String.join(" and ", IntStream.range(0, 52).mapToObj(i -> "not contains(statusDetail,'zz%_%')").toList());
    assertRefused(token, OPERATIONS + "/$count?$filter=" + encode(attack), "$filter",
      "more than 4 calls of contains, startswith and endswith");
    assertRefused(token, OPERATIONS + "?$filter=" + encode(String.join(" or ",
      IntStream.range(0, 5).mapToObj(i -> "contains(id,'" + i + "')").toList())), "$filter", "more than 4 calls");
    assertRefused(token, OPERATIONS + "?$filter=" + encode("contains(statusDetail,'" + "z".repeat(257) + "')"),
      "$filter", "longer than 256 characters");
    // Long filters on $count: a list's own bound on what its nextLink repeats (800 characters) comes first.
    assertRefused(token, OPERATIONS + "/$count?$filter=" + encode(String.join(" or ",
      IntStream.range(0, 33).mapToObj(i -> "id eq '" + i + "'").toList())), "$filter", "more than 32 comparisons");
    assertRefused(token, OPERATIONS + "?$skip=10001", "$skip", "10000");
    assertRefused(token, OPERATIONS + "?$orderby=statusDetail&$top=999&$skip=2", "$skip",
      "$skip plus $top may be at most 1000");

    assertThat(await(send(service, token, OPERATIONS + "?$skip=10000")).statusCode()).isEqualTo(200);
    assertThat(await(send(service, token, OPERATIONS + "?$orderby=statusDetail&$top=999&$skip=1")).statusCode())
      .isEqualTo(200);
    assertThat(await(send(service, token, OPERATIONS + "/$count?$filter=" + encode(String.join(" or ",
      IntStream.range(0, 4).mapToObj(i -> "contains(statusDetail,'" + "z".repeat(256) + "')").toList())))).statusCode())
      .isEqualTo(200);
  }

  /** Graph's error shape, with the request's id. */
  private static void assertGraphError(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getJsonObject("innerError").getString("request-id")).isEqualTo(response.getHeader("request-id"));
  }

  private static void assertRefused(String token, String pathAndQuery, String option, String reason) {
    HttpResponse<Buffer> refused = await(send(service, token, pathAndQuery));
    assertGraphError(refused, 400, "badRequest");
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message")).contains(option, reason);
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static Future<HttpResponse<Buffer>> send(TestService target, String token, String pathAndQuery) {
    return target.request(GET, pathAndQuery).bearerTokenAuthentication(token).send();
  }

  /**
   * From now on the service's new sessions find public.strpos before pg_catalog's, and it waits for
   * the advisory lock {@value #LOCK} before it answers as pg_catalog's does. Only lists and counts
   * run strpos, and their connections open at their first statement, after this.
   */
  private static void slowContains(TestService target) {
    await(target.database.pool().query("""
        CREATE OR REPLACE FUNCTION public.strpos(text, text) RETURNS integer LANGUAGE sql
        AS $$ SELECT pg_advisory_xact_lock_shared(%d); SELECT pg_catalog.strpos($1, $2) $$
        """.formatted(LOCK)).execute());
    await(target.database.pool().query("""
        DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = public, pg_catalog', current_database()); END $$
        """).execute());
  }

  private static SqlConnection holdLock(TestService target) {
    SqlConnection locker = await(target.database.pool().getConnection());
    await(locker.query("SELECT pg_advisory_lock(" + LOCK + ")").execute());
    return locker;
  }

  private static void release(SqlConnection locker) {
    await(locker.query("SELECT pg_advisory_unlock(" + LOCK + ")").execute());
    await(locker.close());
  }

  /** The service's statements waiting for the lock now. */
  private static long waiting(TestService target) {
    return await(target.database.pool().query("""
        SELECT count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'lro-service' AND wait_event = 'advisory'
        """).execute()).iterator().next().getLong(0);
  }

  /** Polls until exactly {@code expected} statements wait for the lock; a bound on a hang, not a measure. */
  private static void awaitWaiting(TestService target, long expected) {
    poll(() -> waiting(target) == expected);
    assertThat(waiting(target)).as("statements waiting for the lock").isEqualTo(expected);
  }

  private static void awaitWaitingAtLeast(TestService target, long least) {
    poll(() -> waiting(target) >= least);
    assertThat(waiting(target)).as("statements waiting for the lock").isGreaterThanOrEqualTo(least);
  }

  private static void poll(java.util.function.BooleanSupplier done) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
