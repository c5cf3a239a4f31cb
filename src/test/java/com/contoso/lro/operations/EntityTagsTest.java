package com.contoso.lro.operations;

import com.contoso.lro.ServiceTest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.IntStream;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static org.assertj.core.api.Assertions.assertThat;

/** ETags: every operation has a version, which If-Match guards PATCH and DELETE with and If-None-Match GET. */
class EntityTagsTest extends ServiceTest {

  private static final String LIST = "/beta/me/authentication/operations";
  private static final String OPERATIONS = LIST + "/";

  @Test
  void create_get_and_patch_carry_the_version_as_ETag_and_as_odata_etag() {
    String token = service.tokens.user().sign();

    HttpResponse<Buffer> created = service.create(token, new JsonObject().put("status", "running"));
    String id = created.bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> got = service.call(GET, OPERATIONS + id, token, null);
    HttpResponse<Buffer> patched = patch(token, id, new JsonObject().put("statusDetail", "half way"));
    HttpResponse<Buffer> gotAgain = service.call(GET, OPERATIONS + id, token, null);

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.getHeader("ETag")).isEqualTo("\"1\"");
    assertThat(created.bodyAsJsonObject().getString("@odata.etag")).isEqualTo("\"1\"");
    assertThat(got.getHeader("ETag")).isEqualTo("\"1\"");
    assertThat(got.bodyAsJsonObject().getString("@odata.etag")).isEqualTo("\"1\"");
    assertThat(patched.getHeader("ETag")).isEqualTo("\"2\"");
    assertThat(patched.bodyAsJsonObject().getString("@odata.etag")).isEqualTo("\"2\"");
    assertThat(gotAgain.getHeader("ETag")).isEqualTo("\"2\"");
    assertThat(gotAgain.bodyAsJsonObject().getString("@odata.etag")).isEqualTo("\"2\"");
  }

  @Test
  void a_patch_that_prefers_return_minimal_still_carries_the_new_ETag() {
    String token = service.tokens.user().sign();
    String id = create(token);

    HttpResponse<Buffer> response = await(service.request(PATCH, OPERATIONS + id)
      .bearerTokenAuthentication(token)
      .putHeader("Prefer", "return=minimal")
      .sendJsonObject(new JsonObject().put("status", "succeeded")));

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.getHeader("ETag")).isEqualTo("\"2\"");
  }

  @Test
  void every_item_of_a_list_carries_its_own_odata_etag() {
    String token = service.tokens.user().sign();
    String untouched = create(token);
    String changed = create(token);
    patch(token, changed, new JsonObject().put("status", "succeeded"));

    JsonObject list = service.call(GET, LIST, token, null).bodyAsJsonObject();

    assertThat(list.getJsonArray("value")).hasSize(2).allSatisfy(item ->
      assertThat(((JsonObject) item).getString("@odata.etag"))
        .isEqualTo(((JsonObject) item).getString("id").equals(changed) ? "\"2\"" : "\"1\""));
    assertThat(list.getJsonArray("value").stream().map(item -> ((JsonObject) item).getString("id")))
      .containsExactlyInAnyOrder(untouched, changed);
  }

  @Test
  void the_version_moves_on_a_real_change_only() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token);

    String nothing = patch(token, id, new JsonObject()).getHeader("ETag");
    String same = patch(token, id, new JsonObject().put("status", "running").put("statusDetail", "started"))
      .getHeader("ETag");
    String detail = patch(token, id, new JsonObject().put("statusDetail", "half way")).getHeader("ETag");
    String detailAgain = patch(token, id, new JsonObject().put("statusDetail", "half way")).getHeader("ETag");
    String status = patch(token, id, new JsonObject().put("status", "succeeded")).getHeader("ETag");

    assertThat(List.of(nothing, same, detail, detailAgain, status))
      .containsExactly("\"1\"", "\"1\"", "\"2\"", "\"2\"", "\"3\"");
    assertThat(service.storedRow(user.oid(), id).getLong("version")).isEqualTo(3L);
  }

  @ParameterizedTest(name = "If-Match: {0} → 200")
  @ValueSource(strings = {"\"1\"", "*", "\"7\", \"1\"", "\"7\",\"1\",\"9\""})
  void a_patch_whose_if_match_names_the_current_version_or_any_is_applied(String ifMatch) {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token);

    HttpResponse<Buffer> response = patch(token, id, ifMatch, new JsonObject().put("statusDetail", "half way"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("ETag")).isEqualTo("\"2\"");
    assertThat(service.storedRow(user.oid(), id).getString("status_detail")).isEqualTo("half way");
  }

  @ParameterizedTest(name = "If-Match: {0} → 412")
  @ValueSource(strings = {"\"2\"", "\"0\", \"3\"", "W/\"1\"", "1", "\"one\""})
  void a_patch_whose_if_match_does_not_name_the_current_version_is_a_412_resourceModified_and_changes_nothing(
    String ifMatch) {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token);
    Row before = service.storedRow(user.oid(), id);

    HttpResponse<Buffer> response = patch(token, id, ifMatch, new JsonObject().put("statusDetail", "half way")
      .put("status", "succeeded"));

    assertThat(response.statusCode()).isEqualTo(412);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("resourceModified");
    Row after = service.storedRow(user.oid(), id);
    assertThat(after.getString("status")).isEqualTo("running");
    assertThat(after.getString("status_detail")).isEqualTo("started");
    assertThat(after.getLong("version")).isEqualTo(1L);
    assertThat(after.getOffsetDateTime("last_action_date_time")).isEqualTo(before.getOffsetDateTime("last_action_date_time"));
  }

  @Test
  void if_match_sent_as_several_field_lines_is_one_list_of_tags() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token);

    HttpResponse<Buffer> response = await(request(PATCH, token, id)
      .putHeader("If-Match", List.of("\"7\"", "\"1\""))
      .sendJsonObject(new JsonObject().put("statusDetail", "half way")));

    assertThat(response.statusCode()).as("RFC 9110 5.3: repeated field lines form one comma-separated list")
      .isEqualTo(200);
    assertThat(service.storedRow(user.oid(), id).getString("status_detail")).isEqualTo("half way");
  }

  @Test
  void if_match_is_checked_before_the_lifecycle() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = service.create(token, new JsonObject().put("status", "succeeded")).bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> stale = patch(token, id, "\"2\"", new JsonObject().put("status", "running"));
    HttpResponse<Buffer> current = patch(token, id, "\"1\"", new JsonObject().put("status", "running"));

    assertThat(stale.statusCode()).isEqualTo(412);
    assertThat(stale.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("resourceModified");
    assertThat(current.statusCode()).isEqualTo(409);
    assertThat(current.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("conflict");
    assertThat(service.storedRow(user.oid(), id).getString("status")).isEqualTo("succeeded");
  }

  @Test
  void a_stale_if_match_fails_after_another_client_changed_the_operation() {
    String token = service.tokens.user().sign();
    String id = create(token);
    String seen = service.call(GET, OPERATIONS + id, token, null).getHeader("ETag");
    patch(token, id, new JsonObject().put("statusDetail", "changed by someone else"));

    HttpResponse<Buffer> response = patch(token, id, seen, new JsonObject().put("statusDetail", "mine"));

    assertThat(response.statusCode()).isEqualTo(412);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("resourceModified");
  }

  @Test
  void a_delete_with_a_stale_if_match_is_a_412_and_the_operation_stays() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token);
    patch(token, id, new JsonObject().put("statusDetail", "half way"));

    HttpResponse<Buffer> stale = delete(token, id, "\"1\"");
    HttpResponse<Buffer> weak = delete(token, id, "W/\"2\"");

    for (HttpResponse<Buffer> response : List.of(stale, weak)) {
      assertThat(response.statusCode()).isEqualTo(412);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("resourceModified");
    }
    assertThat(service.storedRow(user.oid(), id)).isNotNull();
    assertThat(service.call(GET, OPERATIONS + id, token, null).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest(name = "If-Match: {0} → 204")
  @ValueSource(strings = {"\"2\"", "*", "\"1\", \"2\""})
  void a_delete_whose_if_match_names_the_current_version_is_a_204_and_the_operation_is_gone(String ifMatch) {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token);
    patch(token, id, new JsonObject().put("statusDetail", "half way"));

    HttpResponse<Buffer> response = delete(token, id, ifMatch);

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(service.storedRow(user.oid(), id)).isNull();
  }

  @ParameterizedTest(name = "If-None-Match: {0} → 304")
  @ValueSource(strings = {"\"1\"", "*", "W/\"1\"", "\"5\", \"1\""})
  void a_get_whose_if_none_match_names_the_current_version_is_a_304_with_the_ETag_and_no_body(String ifNoneMatch) {
    String token = service.tokens.user().sign();
    String id = create(token);

    HttpResponse<Buffer> response = get(token, id, ifNoneMatch);

    assertThat(response.statusCode()).isEqualTo(304);
    assertThat(response.getHeader("ETag")).isEqualTo("\"1\"");
    assertThat(response.body()).isNull();
  }

  @Test
  void if_none_match_sent_as_several_field_lines_is_one_list_of_tags() {
    String token = service.tokens.user().sign();
    String id = create(token);

    HttpResponse<Buffer> response = await(request(GET, token, id)
      .putHeader("If-None-Match", List.of("\"5\"", "\"1\""))
      .send());

    assertThat(response.statusCode()).as("RFC 9110 5.3: repeated field lines form one comma-separated list")
      .isEqualTo(304);
    assertThat(response.getHeader("ETag")).isEqualTo("\"1\"");
  }

  @Test
  void a_get_whose_if_none_match_is_stale_answers_200_with_the_operation() {
    String token = service.tokens.user().sign();
    String id = create(token);
    String seen = service.call(GET, OPERATIONS + id, token, null).getHeader("ETag");
    patch(token, id, new JsonObject().put("statusDetail", "half way"));

    HttpResponse<Buffer> response = get(token, id, seen);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("ETag")).isEqualTo("\"2\"");
    assertThat(response.bodyAsJsonObject().getString("statusDetail")).isEqualTo("half way");
    assertThat(response.bodyAsJsonObject().getString("@odata.etag")).isEqualTo("\"2\"");
  }

  @Test
  void of_concurrent_patches_with_the_same_if_match_exactly_one_wins_and_its_change_is_stored() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token);

    List<Future<HttpResponse<Buffer>>> sent = IntStream.range(0, 10)
      .mapToObj(i -> service.request(PATCH, OPERATIONS + id)
        .bearerTokenAuthentication(token)
        .putHeader("If-Match", "\"1\"")
        .sendJsonObject(new JsonObject().put("statusDetail", "writer " + i)))
      .toList();
    await(Future.all(sent));
    List<HttpResponse<Buffer>> responses = sent.stream().map(Future::result).toList();

    List<HttpResponse<Buffer>> winners = responses.stream().filter(response -> response.statusCode() == 200).toList();
    assertThat(winners).hasSize(1);
    assertThat(responses).filteredOn(response -> response.statusCode() != 200).hasSize(9).allSatisfy(response -> {
      assertThat(response.statusCode()).isEqualTo(412);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("resourceModified");
    });
    Row stored = service.storedRow(user.oid(), id);
    assertThat(stored.getString("status_detail")).isEqualTo(winners.get(0).bodyAsJsonObject().getString("statusDetail"));
    assertThat(stored.getLong("version")).isEqualTo(2L);
    assertThat(winners.get(0).getHeader("ETag")).isEqualTo("\"2\"");
  }

  /** A new running operation of the holder of {@code token}, at version 1. */
  private static String create(String token) {
    return service.create(token, new JsonObject().put("status", "running").put("statusDetail", "started"))
      .bodyAsJsonObject().getString("id");
  }

  private static HttpResponse<Buffer> patch(String token, String id, JsonObject body) {
    return service.call(PATCH, OPERATIONS + id, token, body);
  }

  private static HttpResponse<Buffer> patch(String token, String id, String ifMatch, JsonObject body) {
    return await(request(PATCH, token, id).putHeader("If-Match", ifMatch).sendJsonObject(body));
  }

  private static HttpResponse<Buffer> delete(String token, String id, String ifMatch) {
    return await(request(DELETE, token, id).putHeader("If-Match", ifMatch).send());
  }

  private static HttpResponse<Buffer> get(String token, String id, String ifNoneMatch) {
    return await(request(GET, token, id).putHeader("If-None-Match", ifNoneMatch).send());
  }

  private static HttpRequest<Buffer> request(HttpMethod method, String token, String id) {
    return service.request(method, OPERATIONS + id).bearerTokenAuthentication(token);
  }
}
