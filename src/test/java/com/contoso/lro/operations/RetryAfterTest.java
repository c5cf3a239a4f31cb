package com.contoso.lro.operations;

import com.contoso.lro.contract.ContractLoader;
import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Parameter;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static org.assertj.core.api.Assertions.assertThat;

/** Retry-After on a GET of an operation that is not final: min(RETRY_AFTER_MAX_SECONDS, 1 + age in seconds / 10). */
class RetryAfterTest extends ServiceTest {

  private static final String OPERATIONS = "/beta/me/authentication/operations/";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"notStarted", "running"})
  void a_new_operation_that_is_not_final_says_to_look_again_in_one_second(String status) {
    String token = service.tokens.user().sign();
    String id = service.create(token, new JsonObject().put("status", status)).bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> response = service.call(GET, OPERATIONS + id, token, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Retry-After")).isEqualTo("1");
  }

  @ParameterizedTest(name = "{1} operation {0} s old → Retry-After: {2}")
  @CsvSource(delimiter = '|', textBlock = """
    0       | running    | 1
    5       | notStarted | 1
    25      | running    | 3
    95      | running    | 10
    275     | notStarted | 28
    3600    | running    | 30
    2592000 | running    | 30
    """)
  void retry_after_grows_with_the_age_of_the_operation_up_to_the_cap(long ageSeconds, String status, String expected) {
    var user = service.tokens.user();
    String id = insert(user.oid(), ageSeconds, status);

    HttpResponse<Buffer> response = service.call(GET, OPERATIONS + id, user.sign(), null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Retry-After")).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{1} operation {0} s old → no Retry-After")
  @CsvSource(delimiter = '|', textBlock = """
    0    | succeeded
    0    | failed
    25   | succeeded
    3600 | failed
    """)
  void a_final_operation_carries_no_retry_after(long ageSeconds, String status) {
    var user = service.tokens.user();
    String id = insert(user.oid(), ageSeconds, status);

    HttpResponse<Buffer> response = service.call(GET, OPERATIONS + id, user.sign(), null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().contains("Retry-After")).isFalse();
  }

  @Test
  void an_operation_that_becomes_final_stops_carrying_retry_after() {
    String token = service.tokens.user().sign();
    String id = service.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");
    assertThat(service.call(GET, OPERATIONS + id, token, null).getHeader("Retry-After")).isEqualTo("1");

    service.call(PATCH, OPERATIONS + id, token, new JsonObject().put("status", "succeeded"));

    assertThat(service.call(GET, OPERATIONS + id, token, null).headers().contains("Retry-After")).isFalse();
  }

  @Test
  void the_cap_is_RETRY_AFTER_MAX_SECONDS() {
    // A Vert.x of its own, as a second instance of the service has.
    Vertx vertx = Vertx.vertx();
    TestService capped = await(TestService.start(vertx, Map.of("RETRY_AFTER_MAX_SECONDS", "5")));
    try {
      var user = capped.tokens.user();
      String young = insert(capped, user.oid(), 25, "running");
      String old = insert(capped, user.oid(), 3600, "running");

      assertThat(capped.call(GET, OPERATIONS + young, user.sign(), null).getHeader("Retry-After")).isEqualTo("3");
      assertThat(capped.call(GET, OPERATIONS + old, user.sign(), null).getHeader("Retry-After")).isEqualTo("5");
    } finally {
      await(capped.stop());
      await(vertx.close());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"getMyOperation", "getOperation", "getUserOperation"})
  void the_contract_documents_retry_after_in_whole_seconds_on_the_200_of_a_get(String operationId, Vertx vertx) {
    OpenAPIContract contract = await(ContractLoader.load(vertx));

    Parameter header = contract.operation(operationId).getResponse(200).getHeaders().stream()
      .filter(parameter -> parameter.getName().equalsIgnoreCase("Retry-After"))
      .findFirst().orElseThrow(() -> new AssertionError(operationId + " 200 declares no Retry-After"));

    assertThat((String) header.getSchema().get("type")).isEqualTo("integer");
    assertThat(((Number) header.getSchema().get("minimum")).intValue()).isEqualTo(1);
  }

  /** An operation of {@code ownerId} created {@code ageSeconds} ago, written straight to the database. */
  private static String insert(String ownerId, long ageSeconds, String status) {
    return insert(service, ownerId, ageSeconds, status);
  }

  private static String insert(TestService target, String ownerId, long ageSeconds, String status) {
    String id = UUID.randomUUID().toString();
    OffsetDateTime created = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(ageSeconds);
    await(target.database.pool()
      .preparedQuery("INSERT INTO operations (owner_id, id, created_date_time, last_action_date_time, status,"
        + " status_detail, resource_location, version) VALUES ($1, $2, $3, $3, $4, NULL, NULL, 1)")
      .execute(Tuple.of(ownerId, id, created, status)));
    return id;
  }
}
