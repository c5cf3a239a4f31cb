package com.contoso.lro.metrics;

import com.contoso.lro.TestService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static com.contoso.lro.TestService.OPERATIONS;
import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /metrics on the service as Main runs it, on a Vert.x with metrics: the operations' counters,
 * HTTP requests by route template with a latency histogram, the SQL pool, and the waiting requests.
 */
class MetricsTest {

  private static final String ITEM_ROUTE = "/beta/user/authentication/operations/{longRunningOperationId}";

  private static MeteredVertx metered;
  private static TestService service;

  @BeforeAll
  static void start() {
    metered = MeteredVertx.create();
    service = await(TestService.start(metered.vertx(), metered.registry(), Map.of()));
  }

  /** On the JUnit thread: a Vert.x closed from its own event loop does not finish closing. */
  @AfterAll
  static void stop() {
    await(service.stop());
    await(metered.vertx().close());
  }

  @Test
  void metrics_are_prometheus_text_and_need_no_token_by_default() {
    HttpResponse<Buffer> response = await(service.request(GET, MetricsRoutes.PATH).send());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/plain; version=0.0.4");
    assertThat(response.bodyAsString()).contains("# TYPE lro_created_operations_total counter");
  }

  @Test
  void a_create_a_real_update_and_a_delete_are_counted_once_each() {
    String token = service.tokens.user().sign();
    Scrape before = scrape();

    String id = service.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");
    assertThat(service.call(GET, OPERATIONS + "/" + id, token, null).statusCode()).isEqualTo(200);
    assertThat(service.call(PATCH, OPERATIONS + "/" + id, token, new JsonObject().put("status", "succeeded"))
      .statusCode()).isEqualTo(200);
    assertThat(service.call(DELETE, OPERATIONS + "/" + id, token, null).statusCode()).isEqualTo(204);
    Scrape after = scrape();

    assertThat(increase(before, after, "lro_created_operations_total")).isEqualTo(1);
    assertThat(increase(before, after, "lro_updated_operations_total")).isEqualTo(1);
    assertThat(increase(before, after, "lro_deleted_operations_total")).isEqualTo(1);
  }

  @Test
  void a_replayed_create_a_taken_id_a_patch_that_changes_nothing_and_a_refused_one_count_nothing() {
    String token = service.tokens.user().sign();
    String key = UUID.randomUUID().toString();
    JsonObject body = new JsonObject().put("status", "running");
    String id = createWithKey(token, key, body).bodyAsJsonObject().getString("id");
    Scrape before = scrape();

    assertThat(createWithKey(token, key, body).statusCode()).as("a replay").isEqualTo(201);
    assertThat(service.create(token, new JsonObject().put("id", id)).statusCode()).as("a taken id").isEqualTo(409);
    HttpResponse<Buffer> unchanged = service.call(PATCH, OPERATIONS + "/" + id, token, new JsonObject().put("status", "running"));
    assertThat(unchanged.statusCode()).isEqualTo(200);
    assertThat(unchanged.getHeader("ETag")).as("the PATCH changed nothing").isEqualTo("\"1\"");
    assertThat(service.call(PATCH, OPERATIONS + "/" + id, token, new JsonObject().put("status", "notStarted"))
      .statusCode()).as("a move back").isEqualTo(409);
    assertThat(service.call(DELETE, OPERATIONS + "/" + UUID.randomUUID(), token, null).statusCode()).isEqualTo(404);
    Scrape after = scrape();

    assertThat(increase(before, after, "lro_created_operations_total")).isZero();
    assertThat(increase(before, after, "lro_updated_operations_total")).isZero();
    assertThat(increase(before, after, "lro_deleted_operations_total")).isZero();
  }

  @Test
  void http_requests_are_labelled_by_the_route_template_never_by_an_id() {
    String token = service.tokens.user().sign();
    String id = service.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");
    String unknown = UUID.randomUUID().toString();
    Scrape before = scrape();

    service.call(GET, OPERATIONS + "/" + id, token, null);
    service.call(GET, OPERATIONS + "/" + unknown, token, null);
    service.call(PATCH, OPERATIONS + "/" + id, token, new JsonObject().put("status", "notStarted"));
    Scrape after = scrape();

    assertThat(increase(before, after, "vertx_http_server_requests_total{code=\"200\",method=\"GET\",route=\"" + ITEM_ROUTE + "\"}"))
      .isEqualTo(1);
    assertThat(increase(before, after, "vertx_http_server_requests_total{code=\"404\",method=\"GET\",route=\"" + ITEM_ROUTE + "\"}"))
      .as("a failure is labelled with the route that served it, as a success is").isEqualTo(1);
    assertThat(increase(before, after, "vertx_http_server_requests_total{code=\"409\",method=\"PATCH\",route=\"" + ITEM_ROUTE + "\"}"))
      .isEqualTo(1);
    assertThat(after.valueOf("vertx_http_server_requests_total{code=\"201\",method=\"POST\","
      + "route=\"/beta/user/authentication/operations\"}")).isPositive();
    assertThat(after.text()).doesNotContain(id).doesNotContain(unknown).doesNotContain(">");
  }

  @Test
  void request_latency_is_a_histogram_with_buckets_up_to_a_minute() {
    String token = service.tokens.user().sign();
    String id = service.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");
    service.call(GET, OPERATIONS + "/" + id, token, null);

    Scrape scrape = scrape();

    String series = "vertx_http_server_response_time_seconds_bucket{code=\"200\",method=\"GET\",route=\"" + ITEM_ROUTE + "\",le=\"";
    assertThat(scrape.text()).contains("# TYPE vertx_http_server_response_time_seconds histogram");
    assertThat(scrape.value(series + "0.005\"}")).isPresent();
    assertThat(scrape.valueOf(series + "60.0\"}")).isEqualTo(scrape.valueOf(series + "+Inf\"}")).isPositive();
    assertThat(scrape.valueOf("vertx_http_server_response_time_seconds_count{code=\"200\",method=\"GET\",route=\""
      + ITEM_ROUTE + "\"}")).isPositive();
  }

  @Test
  void the_api_sql_pool_reports_its_connections_in_use_and_its_usage() {
    String token = service.tokens.user().sign();
    service.create(token, new JsonObject());

    Scrape scrape = scrape();

    String pool = "{pool_name=\"lro-pool\",pool_type=\"sql\"}";
    assertThat(scrape.value("vertx_pool_in_use" + pool)).isPresent();
    assertThat(scrape.value("vertx_pool_queue_pending" + pool)).isPresent();
    assertThat(scrape.value("vertx_pool_ratio" + pool)).isPresent();
    assertThat(scrape.valueOf("vertx_pool_usage_seconds_count" + pool)).isPositive();
  }

  @Test
  void the_waiting_requests_gauge_rises_while_a_get_waits_and_falls_once_it_is_answered() throws Exception {
    String token = service.tokens.user().sign();
    String id = service.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");

    Future<HttpResponse<Buffer>> waiting = service.request(GET, OPERATIONS + "/" + id).bearerTokenAuthentication(token)
      .putHeader("Prefer", "wait=30").send();
    awaitWaitingRequests(1);
    service.call(PATCH, OPERATIONS + "/" + id, token, new JsonObject().put("status", "succeeded"));

    assertThat(await(waiting).getHeader("Preference-Applied")).isEqualTo("wait=30");
    awaitWaitingRequests(0);
  }

  @Test
  void another_metered_vertx_in_the_same_jvm_has_a_registry_of_its_own() {
    MeteredVertx other = MeteredVertx.create();
    try {
      assertThat(other.registry()).isNotSameAs(metered.registry());
      assertThat(other.registry().find("jvm.threads.live").gauge())
        .as("Vert.x bound its meters to the other registry, not to the first one of its name").isNotNull();
    } finally {
      await(other.vertx().close());
    }

    assertThat(scrape().text()).as("closing the other left this one's meters")
      .contains("vertx_http_server_requests_total").contains("jvm_threads_live_threads");
  }

  private static HttpResponse<Buffer> createWithKey(String token, String key, JsonObject body) {
    return await(service.request(POST, OPERATIONS).bearerTokenAuthentication(token)
      .putHeader("Idempotency-Key", key).sendJsonObject(body));
  }

  private static Scrape scrape() {
    HttpResponse<Buffer> response = await(service.request(GET, MetricsRoutes.PATH).send());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return new Scrape(response.bodyAsString());
  }

  /** How much a series grew; a series that was not there yet counts from 0. */
  private static double increase(Scrape before, Scrape after, String series) {
    return after.valueOf(series) - before.value(series).orElse(0);
  }

  /** Until the gauge shows {@code count} waiting requests (bounded: 10 s). */
  private static void awaitWaitingRequests(int count) throws InterruptedException {
    for (int i = 0; i < 200 && scrape().valueOf("lro_waiting_requests") != count; i++) {
      Thread.sleep(50);
    }
    assertThat(scrape().valueOf("lro_waiting_requests")).isEqualTo(count);
  }
}
