package com.contoso.lro.operations;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * POST /beta/user/authentication/operations with bad input: a Graph error that names the property
 * and the real reason, the right status, never a 500, and nothing stored.
 */
class CreateOperationValidationTest extends ServiceTest {


  @ParameterizedTest(name = "{0} → 400 naming {1}")
  @CsvSource(delimiter = '|', textBlock = """
    {"status": "bogus"}                                | status             | does not match any of
    {"status": "unknownFutureValue"}                   | status             | never a status a client sets
    {"status": "NOTSTARTED"}                           | status             | does not match any of
    {"status": 3}                                      | status             | Expected string
    {"statusDetail": 42}                               | statusDetail       | Expected string
    {"lastActionDateTime": "yesterday"}                | lastActionDateTime | date-time
    {"lastActionDateTime": "2026-11-28T10:15:30"}      | lastActionDateTime | needs an offset
    {"resourceLocation": "not a uri"}                  | resourceLocation   | uri
    {"resourceLocation": "relative/path/to/it"}        | resourceLocation   | uri
    {"@odata.type": "#microsoft.graph.user"}           | @odata.type        | #microsoft.graph.longRunningOperation
    {"color": "blue"}                                  | color              | does not exist
    {"id": "has a space"}                              | id                 | pattern
    {"id": ""}                                         | id                 | pattern
    {"id": "."}                                        | id                 | pattern
    {"id": ".."}                                       | id                 | pattern
    {"resourceLocation": "javascript:alert(1)"}        | resourceLocation   | pattern
    {"resourceLocation": "JavaScript://%0aalert(1)"}   | resourceLocation   | pattern
    {"resourceLocation": "file:///etc/passwd"}         | resourceLocation   | pattern
    {"resourceLocation": "data:text/html,<b>x</b>"}    | resourceLocation   | uri
    {"resourceLocation": "data:text/plain,x"}          | resourceLocation   | pattern
    {"resourceLocation": "ftp://contoso.example/r"}    | resourceLocation   | pattern
    {"resourceLocation": "https:///no/host"}           | resourceLocation   | is invalid
    {"createdDateTime": "2026-11-28T10:15:30Z"}        | createdDateTime    | read-only
    """)
  void a_bad_property_is_a_400_that_names_it_and_the_reason(String body, String property, String reason) {
    var user = service.tokens.user();

    HttpResponse<Buffer> response = post(user.sign(), "application/json", body);

    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject error = graphError(response);
    assertThat(error.getString("code")).isEqualTo("badRequest");
    assertThat(error.getString("message")).contains("'" + property + "'").contains(reason)
      .doesNotContain("additional properties");
    assertThat(error.getString("target")).isEqualTo(property);
    assertThat(storedCount(user.oid())).isZero();
  }

  @ParameterizedTest(name = "id {0} → 201, and readable at its Location")
  @CsvSource({"...", ".a", "a.", "._", "a", "~", "a..b"})
  void an_id_of_dots_and_more_is_accepted_and_readable_at_its_location(String id) {
    var user = service.tokens.user();

    HttpResponse<Buffer> created = post(user.sign(), "application/json", new JsonObject().put("id", id).encode());

    assertThat(created.statusCode()).isEqualTo(201);
    String location = created.getHeader("Location");
    assertThat(java.net.URI.create(location).getPath()).endsWith("/operations/" + id);
    HttpResponse<Buffer> read = await(service.request(HttpMethod.GET, java.net.URI.create(location).getRawPath())
      .bearerTokenAuthentication(user.sign()).send());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.bodyAsJsonObject().getString("id")).isEqualTo(id);
  }

  @ParameterizedTest(name = "resourceLocation {0} → 201")
  @CsvSource({"https://graph.microsoft.com/beta/users/1", "HTTPS://Contoso.example/r", "http://localhost:8080/r",
    "Http://127.0.0.1"})
  void an_http_or_https_resource_location_is_accepted(String resourceLocation) {
    HttpResponse<Buffer> response = post(service.tokens.user().sign(), "application/json",
      new JsonObject().put("resourceLocation", resourceLocation).encode());

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.bodyAsJsonObject().getString("resourceLocation")).isEqualTo(resourceLocation);
  }

  @Test
  void a_relative_resource_location_that_passes_the_uri_format_is_refused_as_not_absolute() {
    HttpResponse<Buffer> response = post(service.tokens.user().sign(), "application/json",
      "{\"resourceLocation\": \"/users/1/authentication/methods/2\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(graphError(response).getString("message")).contains("'resourceLocation'");
  }

  @Test
  void malformed_json_is_a_400() {
    HttpResponse<Buffer> response = post(service.tokens.user().sign(), "application/json", "{\"status\": \"running\"");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(graphError(response).getString("message")).isEqualTo("The request body is not valid JSON.");
  }

  @Test
  void a_json_value_that_is_not_an_object_is_a_400() {
    HttpResponse<Buffer> response = post(service.tokens.user().sign(), "application/json", "[]");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(graphError(response).getString("message")).contains("Expected object");
  }

  @Test
  void a_missing_body_is_a_400() {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.POST, TestService.OPERATIONS)
      .bearerTokenAuthentication(service.tokens.user().sign())
      .putHeader("Content-Type", "application/json")
      .send());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(graphError(response).getString("code")).isEqualTo("badRequest");
  }

  @ParameterizedTest(name = "Content-Type {0} → 415")
  @CsvSource({"text/plain", "application/xml", "application/x-www-form-urlencoded", "application/jsonx",
    "application/json-patch+json"})
  void a_body_that_is_not_application_json_is_a_415(String contentType) {
    HttpResponse<Buffer> response = post(service.tokens.user().sign(), contentType, "{}");

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(graphError(response).getString("code")).isEqualTo("unsupportedMediaType");
    assertThat(graphError(response).getString("message")).contains("application/json");
  }

  @Test
  void a_body_without_content_type_is_a_415() {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.POST, TestService.OPERATIONS)
      .bearerTokenAuthentication(service.tokens.user().sign())
      .sendBuffer(Buffer.buffer("{}")));

    assertThat(response.statusCode()).isEqualTo(415);
  }

  @ParameterizedTest(name = "Content-Type {0} → 201")
  @CsvSource(delimiter = '|', value = {"application/json; charset=utf-8", "Application/JSON", "APPLICATION/JSON;charset=UTF-8"})
  void application_json_in_any_case_and_with_a_charset_is_accepted(String contentType) {
    HttpResponse<Buffer> response = post(service.tokens.user().sign(), contentType, "{}");

    assertThat(response.statusCode()).isEqualTo(201);
  }

  @Test
  void a_nul_character_that_postgresql_text_cannot_hold_is_a_400_not_a_500() {
    var user = service.tokens.user();

    HttpResponse<Buffer> response = post(user.sign(), "application/json", "{\"statusDetail\": \"a\\u0000b\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(graphError(response).getString("message")).contains("cannot be stored");
    assertThat(storedCount(user.oid())).isZero();
  }

  @Test
  void a_last_action_after_the_year_9999_in_utc_is_a_400() {
    HttpResponse<Buffer> response = post(service.tokens.user().sign(), "application/json",
      "{\"lastActionDateTime\": \"9999-12-31T23:59:59-18:00\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(graphError(response).getString("target")).isEqualTo("lastActionDateTime");
  }

  @Test
  void a_body_over_64_KiB_is_a_413() {
    var user = service.tokens.user();
    String detail = "x".repeat(64 * 1024);

    HttpResponse<Buffer> response = post(user.sign(), "application/json",
      new JsonObject().put("statusDetail", detail).encode());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(graphError(response).getString("code")).isEqualTo("payloadTooLarge");
    assertThat(storedCount(user.oid())).isZero();
  }

  @Test
  void a_body_just_under_64_KiB_is_read_and_judged_by_the_contract() {
    String detail = "x".repeat(60 * 1024);

    HttpResponse<Buffer> response = post(service.tokens.user().sign(), "application/json",
      new JsonObject().put("statusDetail", detail).encode());

    assertThat(response.statusCode()).as("statusDetail is limited to 4096 characters").isEqualTo(400);
    assertThat(graphError(response).getString("target")).isEqualTo("statusDetail");
  }

  @Test
  void a_refused_create_leaves_what_is_stored_untouched() {
    var user = service.tokens.user();
    String id = service.create(user.sign(), new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");

    post(user.sign(), "application/json", "{\"status\": \"bogus\"}");
    post(user.sign(), "application/json", "{\"id\": \"" + id + "\"}");

    assertThat(storedCount(user.oid())).isEqualTo(1);
    assertThat(service.storedRow(user.oid(), id).getString("status")).isEqualTo("running");
  }

  private static HttpResponse<Buffer> post(String token, String contentType, String body) {
    return await(service.request(HttpMethod.POST, TestService.OPERATIONS)
      .bearerTokenAuthentication(token)
      .putHeader("Content-Type", contentType)
      .sendBuffer(Buffer.buffer(body)));
  }

  private static JsonObject graphError(HttpResponse<Buffer> response) {
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getJsonObject("innerError").getString("request-id")).isEqualTo(response.getHeader("request-id"));
    return error;
  }

  private static long storedCount(String ownerId) {
    return await(service.database.pool()
      .preparedQuery("SELECT count(*) FROM operations WHERE owner_id = $1")
      .execute(io.vertx.sqlclient.Tuple.of(ownerId)))
      .iterator().next().getLong(0);
  }
}
