package com.contoso.lro.http;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What a JSON body of a create or an update may hold before any schema looks at it: numbers that
 * cost nothing to check, and text that is Unicode, so that what is stored is what was answered.
 * Each refusal is a 400 in Graph's error shape, and nothing stored changes.
 */
class RequestBodyBoundsTest extends ServiceTest {

  /** Far above a refusal's microseconds; a number that blocked an event loop took minutes. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(15);

  @ParameterizedTest(name = "POST {0} → 400 at once")
  @ValueSource(strings = {
    "{\"status\": 1e20000000}",
    "{\"status\": 1e999999999}",
    "{\"status\": -1E-999999999}",
    "{\"status\": 0.1e2147483647}",
    "{\"status\": 1e2147483648}",
    "{\"statusDetail\": 1e401}",
    "{\"status\": 123456789012345678901234567890123}",
    "{\"status\": [1, {\"deep\": 1e20000000}]}"})
  void a_number_no_body_can_need_is_refused_before_any_schema_check_on_a_create(String body) {
    var user = service.tokens.user();

    HttpResponse<Buffer> response = answerWithin(() -> send(HttpMethod.POST, TestService.OPERATIONS, user.sign(), body));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(graphError(response).getString("message")).contains("a number out of range");
    assertThat(storedCount(user.oid())).isZero();
    assertTheServiceStillAnswers();
  }

  @ParameterizedTest(name = "PATCH {0} → 400 at once")
  @ValueSource(strings = {"{\"status\": 1e20000000}", "{\"status\": 1e999999999}", "{\"statusDetail\": 9e-20000000}"})
  void a_number_no_body_can_need_is_refused_before_any_schema_check_on_an_update(String body) {
    var user = service.tokens.user();
    String token = user.sign();
    String id = service.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> response = answerWithin(() -> send(HttpMethod.PATCH, TestService.OPERATIONS + "/" + id, token, body));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(graphError(response).getString("message")).contains("a number out of range");
    assertThat(service.storedRow(user.oid(), id).getLong("version")).isEqualTo(1);
    assertTheServiceStillAnswers();
  }

  @Test
  void a_number_within_the_bounds_is_judged_by_the_contract_as_before() {
    HttpResponse<Buffer> response = send(HttpMethod.POST, TestService.OPERATIONS, service.tokens.user().sign(),
      "{\"status\": 1e300}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(graphError(response).getString("target")).isEqualTo("status");
  }

  /** Raw bytes of a statusDetail, as hex, that are not well-formed UTF-8. */
  @ParameterizedTest(name = "statusDetail bytes {0} → 400")
  @ValueSource(strings = {
    "61eda080" + "62",  // a\ud800b, the surrogate encoded in UTF-8
    "61edbfbf62",       // a\udfffb
    "61c0af62",         // an overlong '/'
    "61e080af62",       // an overlong '/' in three bytes
    "61f08080af62",     // an overlong '/' in four bytes
    "61f490808062",     // above U+10FFFF
    "61e282",           // a truncated euro sign, then the body ends
    "618062",           // a continuation byte alone
    "61ff62"})          // a byte UTF-8 never uses
  void a_body_that_is_not_well_formed_utf8_is_refused(String hex) {
    var user = service.tokens.user();
    Buffer body = Buffer.buffer("{\"statusDetail\": \"").appendBytes(HexFormat.of().parseHex(hex)).appendString("\"}");

    HttpResponse<Buffer> post = send(HttpMethod.POST, TestService.OPERATIONS, user.sign(), body);

    assertThat(post.statusCode()).isEqualTo(400);
    assertThat(graphError(post).getString("message")).isEqualTo("The request body is not well-formed UTF-8.");
    assertThat(storedCount(user.oid())).isZero();

    String id = service.create(user.sign(), new JsonObject().put("status", "running").put("statusDetail", "before"))
      .bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> patch = send(HttpMethod.PATCH, TestService.OPERATIONS + "/" + id, user.sign(), body);

    assertThat(patch.statusCode()).isEqualTo(400);
    assertThat(service.storedRow(user.oid(), id).getString("status_detail")).isEqualTo("before");
  }

  @ParameterizedTest(name = "{0} → 400")
  @ValueSource(strings = {
    "{\"statusDetail\": \"a\\ud800b\"}",
    "{\"statusDetail\": \"a\\uDC00b\"}",
    "{\"statusDetail\": \"\\ud800\\ud800\"}",
    "{\"statusDetail\": \"\\udc00\\ud800\"}",
    "{\"statusDetail\": \"ends in \\ud83d\"}",
    "{\"resourceLocation\": \"https://contoso.example/\\ud800\"}",
    "{\"id\": \"a\\ud800\"}",
    "{\"\\ud800\": \"running\"}"})
  void a_string_with_an_unpaired_surrogate_escape_is_refused(String body) {
    var user = service.tokens.user();

    HttpResponse<Buffer> post = send(HttpMethod.POST, TestService.OPERATIONS, user.sign(), body);

    assertThat(post.statusCode()).isEqualTo(400);
    assertThat(graphError(post).getString("message")).contains("unpaired UTF-16 surrogate");
    assertThat(storedCount(user.oid())).isZero();
  }

  @Test
  void an_unpaired_surrogate_escape_in_an_update_changes_nothing() {
    var user = service.tokens.user();
    String id = service.create(user.sign(), new JsonObject().put("status", "running").put("statusDetail", "before"))
      .bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> patch = send(HttpMethod.PATCH, TestService.OPERATIONS + "/" + id, user.sign(),
      "{\"statusDetail\": \"a\\ud800b\"}");

    assertThat(patch.statusCode()).isEqualTo(400);
    assertThat(graphError(patch).getString("target")).isEqualTo("statusDetail");
    Row row = service.storedRow(user.oid(), id);
    assertThat(row.getString("status_detail")).isEqualTo("before");
    assertThat(row.getLong("version")).isEqualTo(1);
  }

  @Test
  void text_beyond_the_basic_plane_is_stored_as_answered_whether_escaped_or_raw() {
    var user = service.tokens.user();
    String key = UUID.randomUUID().toString();
    byte[] raw = "{\"statusDetail\": \"a\uD83D\uDE00b \\ud83d\\ude00\"}".getBytes(StandardCharsets.UTF_8);

    HttpResponse<Buffer> created = await(service.request(HttpMethod.POST, TestService.OPERATIONS)
      .bearerTokenAuthentication(user.sign()).putHeader("Content-Type", "application/json")
      .putHeader("Idempotency-Key", key).sendBuffer(Buffer.buffer(raw)));
    HttpResponse<Buffer> replayed = await(service.request(HttpMethod.POST, TestService.OPERATIONS)
      .bearerTokenAuthentication(user.sign()).putHeader("Content-Type", "application/json")
      .putHeader("Idempotency-Key", key).sendBuffer(Buffer.buffer(raw)));

    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject answered = created.bodyAsJsonObject();
    assertThat(answered.getString("statusDetail")).isEqualTo("a\uD83D\uDE00b \uD83D\uDE00");
    assertThat(replayed.bodyAsJsonObject()).isEqualTo(answered);
    String id = answered.getString("id");
    JsonObject read = service.call(HttpMethod.GET, TestService.OPERATIONS + "/" + id, user.sign(), null).bodyAsJsonObject();
    assertThat(read.getString("statusDetail")).isEqualTo(answered.getString("statusDetail"));
    assertThat(service.storedRow(user.oid(), id).getString("status_detail")).isEqualTo("a\uD83D\uDE00b \uD83D\uDE00");
  }

  private static <T> T answerWithin(java.util.function.Supplier<T> call) {
    return assertTimeoutPreemptively(ANSWER_WITHIN, call::get, "no answer within " + ANSWER_WITHIN);
  }

  private static void assertTheServiceStillAnswers() {
    HttpResponse<Buffer> live = answerWithin(() -> await(service.request(HttpMethod.GET, "/health/live").send()));
    assertThat(live.statusCode()).isEqualTo(200);
  }

  private static HttpResponse<Buffer> send(HttpMethod method, String path, String token, String body) {
    return send(method, path, token, Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static HttpResponse<Buffer> send(HttpMethod method, String path, String token, Buffer body) {
    return await(service.request(method, path)
      .bearerTokenAuthentication(token)
      .putHeader("Content-Type", "application/json")
      .sendBuffer(body));
  }

  private static JsonObject graphError(HttpResponse<Buffer> response) {
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("badRequest");
    assertThat(error.getJsonObject("innerError").getString("request-id")).isEqualTo(response.getHeader("request-id"));
    return error;
  }

  private static long storedCount(String ownerId) {
    return await(service.database.pool()
      .preparedQuery("SELECT count(*) FROM operations WHERE owner_id = $1")
      .execute(Tuple.of(ownerId)))
      .iterator().next().getLong(0);
  }
}
