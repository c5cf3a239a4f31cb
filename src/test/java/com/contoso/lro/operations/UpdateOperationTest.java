package com.contoso.lro.operations;

import com.contoso.lro.ServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** PATCH .../authentication/operations/{id}: Graph's merge semantics. */
class UpdateOperationTest extends ServiceTest {

  private static final String OPERATIONS = "/beta/me/authentication/operations/";

  @Test
  void only_the_properties_present_change() {
    String token = service.tokens.user().sign();
    JsonObject before = create(token);

    JsonObject after = patch(token, before.getString("id"), new JsonObject().put("status", "succeeded")).bodyAsJsonObject();

    assertThat(after.getString("status")).isEqualTo("succeeded");
    assertThat(after.getString("statusDetail")).isEqualTo(before.getString("statusDetail"));
    assertThat(after.getString("resourceLocation")).isEqualTo(before.getString("resourceLocation"));
    assertThat(after.getString("createdDateTime")).isEqualTo(before.getString("createdDateTime"));
    assertThat(after.getString("id")).isEqualTo(before.getString("id"));
  }

  @Test
  void null_clears_statusDetail_and_resourceLocation() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token).getString("id");

    JsonObject after = patch(token, id, new JsonObject().putNull("statusDetail").putNull("resourceLocation")).bodyAsJsonObject();

    assertThat(after.getValue("statusDetail")).isNull();
    assertThat(after.getValue("resourceLocation")).isNull();
    assertThat(after.getString("status")).isEqualTo("running");
    assertThat(service.storedRow(user.oid(), id).getString("status_detail")).isNull();
  }

  @Test
  void a_new_value_replaces_the_old_and_is_stored() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token).getString("id");

    patch(token, id, new JsonObject().put("statusDetail", "half way").put("resourceLocation", "https://contoso.example/r/2"));

    assertThat(service.storedRow(user.oid(), id).getString("status_detail")).isEqualTo("half way");
    assertThat(service.storedRow(user.oid(), id).getString("resource_location")).isEqualTo("https://contoso.example/r/2");
  }

  @Test
  void lastActionDateTime_becomes_the_servers_time_of_the_change() {
    String token = service.tokens.user().sign();
    String id = create(token).getString("id");

    JsonObject moved = patch(token, id, new JsonObject().put("status", "succeeded")).bodyAsJsonObject();

    assertThat(OffsetDateTime.parse(moved.getString("lastActionDateTime")).toInstant())
      .isCloseTo(Instant.now(), within(Duration.ofSeconds(5)));
  }

  @Test
  void prefer_return_minimal_answers_204_without_a_body() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token).getString("id");

    HttpResponse<Buffer> response = await(service.request(PATCH, OPERATIONS + id)
      .bearerTokenAuthentication(token)
      .putHeader("Prefer", "return=minimal")
      .sendJsonObject(new JsonObject().put("status", "failed")));

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.body()).isNull();
    assertThat(response.getHeader("Preference-Applied")).isEqualTo("return=minimal");
    assertThat(service.storedRow(user.oid(), id).getString("status")).isEqualTo("failed");
  }

  @ParameterizedTest(name = "{0} → 400 naming {1}")
  @CsvSource(delimiter = '|', textBlock = """
    {"id": "another-id"}                          | id
    {"createdDateTime": "2026-11-28T10:00:00Z"}   | createdDateTime
    {"color": "blue"}                             | color
    {"status": "paused"}                          | status
    {"status": "unknownFutureValue"}              | status
    {"lastActionDateTime": "2026-11-28T10:00:00Z"} | lastActionDateTime
    {"resourceLocation": "not a uri"}             | resourceLocation
    {"resourceLocation": "javascript:alert(1)"}   | resourceLocation
    {"resourceLocation": "file:///etc/passwd"}    | resourceLocation
    {"resourceLocation": "data:text/html,<b>x</b>"} | resourceLocation
    """)
  void a_bad_update_is_a_400_that_names_the_property_and_changes_nothing(String body, String property) {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token).getString("id");

    HttpResponse<Buffer> response = patch(token, id, new JsonObject(body));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("target")).isEqualTo(property);
    assertThat(service.storedRow(user.oid(), id).getString("status")).isEqualTo("running");
    assertThat(service.storedRow(user.oid(), id).getString("status_detail")).isEqualTo("started");
  }

  @Test
  void a_get_result_sent_back_with_one_property_edited_is_accepted_its_read_only_values_repeated_in_another_offset() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token).getString("id");
    JsonObject read = await(service.request(GET, OPERATIONS + id)
      .bearerTokenAuthentication(token).send()).bodyAsJsonObject();
    String createdElsewhere = OffsetDateTime.parse(read.getString("createdDateTime"))
      .withOffsetSameInstant(ZoneOffset.ofHours(-8)).toString();

    HttpResponse<Buffer> response = patch(token, id, read.copy().put("status", "succeeded")
      .put("createdDateTime", createdElsewhere));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject updated = response.bodyAsJsonObject();
    assertThat(updated.getString("status")).isEqualTo("succeeded");
    assertThat(updated.getString("createdDateTime")).isEqualTo(read.getString("createdDateTime"));
    assertThat(updated.getString("statusDetail")).isEqualTo("started");
    assertThat(service.storedRow(user.oid(), id).getString("status")).isEqualTo("succeeded");
  }

  @Test
  void a_get_result_sent_back_after_another_change_repeats_a_stale_lastActionDateTime_and_is_refused() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = service.create(token, new JsonObject().put("status", "running")
      .put("lastActionDateTime", "2026-01-01T00:00:00Z")).bodyAsJsonObject().getString("id");
    JsonObject read = await(service.request(GET, OPERATIONS + id)
      .bearerTokenAuthentication(token).send()).bodyAsJsonObject();
    assertThat(patch(token, id, new JsonObject().put("statusDetail", "meanwhile")).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> response = patch(token, id, read.copy().put("status", "failed"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("target")).isEqualTo("lastActionDateTime");
    assertThat(service.storedRow(user.oid(), id).getString("status")).isEqualTo("running");
  }

  @Test
  void the_lowercase_notstarted_is_accepted_and_stored_as_notStarted() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = service.create(token, new JsonObject()).bodyAsJsonObject().getString("id");

    assertThat(patch(token, id, new JsonObject().put("status", "notstarted")).bodyAsJsonObject().getString("status"))
      .isEqualTo("notStarted");
  }

  @Test
  void an_operation_that_does_not_exist_is_a_404_itemNotFound() {
    HttpResponse<Buffer> response = patch(service.tokens.user().sign(), "no-such-operation", new JsonObject());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("itemNotFound");
  }

  private static JsonObject create(String token) {
    return service.create(token, new JsonObject().put("status", "running").put("statusDetail", "started")
      .put("resourceLocation", "https://contoso.example/r/1")).bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> patch(String token, String id, JsonObject body) {
    return service.call(PATCH, OPERATIONS + id, token, body);
  }
}
