package com.contoso.lro.batch;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static com.contoso.lro.GraphErrors.assertGraphError;
import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * POST /beta/$batch over HTTP, as Graph's JSON batching defines it: each request answered by id as it
 * would be alone (its permission checked for the batch's token), dependsOn ordering and 424s, and a
 * malformed batch refused whole with 400, nothing of it done.
 */
class BatchTest extends ServiceTest {

  private static final String BATCH = "/beta/$batch";

  @Test
  void each_request_is_answered_by_id_with_its_own_status_headers_and_body_the_url_with_or_without_its_leading_slash() {
    Token user = service.tokens.user();
    String mine = "mine-" + UUID.randomUUID();

    JsonObject answer = batch(user.sign(), requests(
      request("a", "POST", "/me/authentication/operations").put("headers", json())
        .put("body", new JsonObject().put("id", mine).put("status", "running").put("statusDetail", "from a batch")),
      request("b", "GET", "me/authentication/operations/" + mine).put("dependsOn", new JsonArray().add("a")),
      request("c", "GET", "/me/authentication/operations?$filter=status eq 'running'&$select=id,status")
        .put("dependsOn", new JsonArray().add("A")),
      request("d", "GET", "/me/authentication/operations/$count").put("dependsOn", new JsonArray().add("a")))).bodyAsJsonObject();

    Map<String, JsonObject> byId = byId(answer);
    assertThat(byId).containsOnlyKeys("a", "b", "c", "d");
    JsonObject created = byId.get("a");
    assertThat(created.getInteger("status")).isEqualTo(201);
    assertThat(created.getJsonObject("headers").getString("location"))
      .isEqualTo("http://localhost:" + service.port + "/beta/users/" + user.oid() + "/authentication/operations/" + mine);
    assertThat(created.getJsonObject("headers").getString("etag")).isEqualTo("\"1\"");
    assertThat(created.getJsonObject("headers").getString("request-id")).isNotBlank();
    assertThat(created.getJsonObject("body").getString("statusDetail")).isEqualTo("from a batch");
    assertThat(service.storedRow(user.oid(), mine)).as("stored for the batch token's oid").isNotNull();

    JsonObject got = byId.get("b");
    assertThat(got.getInteger("status")).isEqualTo(200);
    assertThat(got.getJsonObject("body").getString("id")).isEqualTo(mine);
    assertThat(got.getJsonObject("headers").getString("retry-after")).isEqualTo("1");
    JsonObject listed = byId.get("c");
    assertThat(listed.getInteger("status")).isEqualTo(200);
    assertThat(listed.getJsonObject("body").getJsonArray("value")).hasSize(1);
    assertThat(listed.getJsonObject("body").getJsonArray("value").getJsonObject(0).fieldNames())
      .as("$select=id,status").contains("id", "status").doesNotContain("statusDetail", "createdDateTime");
    JsonObject counted = byId.get("d");
    assertThat(counted.getInteger("status")).isEqualTo(200);
    assertThat(counted.getJsonObject("headers").getString("content-type")).startsWith("text/plain");
    assertThat(new String(Base64.getDecoder().decode(counted.getString("body")))).as("a body that is not JSON, in base64")
      .isEqualTo("1");
  }

  @Test
  void requests_in_a_dependsOn_chain_run_in_its_order_and_see_each_others_changes() {
    Token user = service.tokens.user();
    String id = "chain-" + UUID.randomUUID();
    String item = "/me/authentication/operations/" + id;

    // Listed last to first: the order is dependsOn's, not the array's.
    Map<String, JsonObject> byId = byId(batch(user.sign(), requests(
      request("4", "GET", item).put("dependsOn", new JsonArray().add("3")),
      request("3", "PATCH", item).put("headers", json()).put("body", new JsonObject().put("status", "succeeded"))
        .put("dependsOn", new JsonArray().add("2")),
      request("2", "PATCH", item).put("headers", json()).put("body", new JsonObject().put("statusDetail", "half way"))
        .put("dependsOn", new JsonArray().add("1")),
      request("1", "POST", "/me/authentication/operations").put("headers", json())
        .put("body", new JsonObject().put("id", id).put("status", "running")))).bodyAsJsonObject());

    assertThat(byId.get("1").getInteger("status")).isEqualTo(201);
    assertThat(byId.get("2").getInteger("status")).isEqualTo(200);
    assertThat(byId.get("3").getInteger("status")).isEqualTo(200);
    JsonObject last = byId.get("4");
    assertThat(last.getInteger("status")).isEqualTo(200);
    assertThat(last.getJsonObject("body").getString("status")).isEqualTo("succeeded");
    assertThat(last.getJsonObject("body").getString("statusDetail")).isEqualTo("half way");
    assertThat(last.getJsonObject("headers").getString("etag")).isEqualTo("\"3\"");
  }

  @Test
  void a_failed_request_fails_only_those_that_depend_on_it_with_424_and_theirs_in_turn() {
    Token user = service.tokens.user();
    String clientRequestId = UUID.randomUUID().toString();

    Map<String, JsonObject> byId = byId(batch(user.sign(), requests(
      request("bad", "POST", "/me/authentication/operations").put("headers", json())
        .put("body", new JsonObject().put("status", "sideways")),
      request("after-bad", "GET", "/me/authentication/operations")
        .put("headers", new JsonObject().put("client-request-id", clientRequestId)).put("dependsOn", new JsonArray().add("bad")),
      request("after-after", "GET", "/me/authentication/operations").put("dependsOn", new JsonArray().add("after-bad")),
      request("fine", "POST", "/me/authentication/operations").put("headers", json())
        .put("body", new JsonObject().put("status", "running")))).bodyAsJsonObject());

    assertThat(byId.get("bad").getInteger("status")).isEqualTo(400);
    assertThat(byId.get("bad").getJsonObject("body").getJsonObject("error").getString("code")).isEqualTo("badRequest");
    assertThat(byId.get("fine").getInteger("status")).isEqualTo(201);
    for (String dependent : new String[] {"after-bad", "after-after"}) {
      JsonObject failed = byId.get(dependent);
      assertThat(failed.getInteger("status")).as(dependent).isEqualTo(424);
      JsonObject error = failed.getJsonObject("body").getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("failedDependency");
      assertThat(error.getJsonObject("innerError").getString("request-id"))
        .isEqualTo(failed.getJsonObject("headers").getString("request-id"));
    }
    assertThat(byId.get("after-bad").getJsonObject("body").getJsonObject("error").getJsonObject("innerError")
      .getString("client-request-id")).isEqualTo(clientRequestId);
    assertThat(count(user)).as("the fine create only").isEqualTo(1);
  }

  @Test
  void a_request_in_a_batch_is_refused_403_for_want_of_its_permission_exactly_as_alone() {
    Token reader = service.tokens.user().claim("scp", "UserAuthenticationMethod.Read");
    JsonObject body = new JsonObject().put("status", "running");
    HttpResponse<Buffer> alone = service.call(POST, "/beta/me/authentication/operations", reader.sign(), body);

    Map<String, JsonObject> byId = byId(batch(reader.sign(), requests(
      request("write", "POST", "/me/authentication/operations").put("headers", json()).put("body", body),
      request("read", "GET", "/me/authentication/operations"))).bodyAsJsonObject());

    assertThat(alone.statusCode()).isEqualTo(403);
    JsonObject write = byId.get("write");
    assertThat(write.getInteger("status")).isEqualTo(alone.statusCode());
    assertThat(write.getJsonObject("body").getJsonObject("error").getString("code"))
      .isEqualTo(alone.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("accessDenied");
    assertThat(write.getJsonObject("body").getJsonObject("error").getString("message"))
      .isEqualTo(alone.bodyAsJsonObject().getJsonObject("error").getString("message"));
    assertThat(byId.get("read").getInteger("status")).isEqualTo(200);
    assertThat(count(reader)).isZero();
  }

  @Test
  void another_users_operations_in_a_batch_need_what_they_need_alone() {
    Token owner = service.tokens.user();
    service.create(owner.sign(), new JsonObject().put("status", "running"));
    Token stranger = service.tokens.user().claim("scp", "UserAuthenticationMethod.ReadWrite");

    Map<String, JsonObject> byId = byId(batch(stranger.sign(), requests(
      request("theirs", "GET", "/users/" + owner.oid() + "/authentication/operations"))).bodyAsJsonObject());

    HttpResponse<Buffer> alone = service.call(GET, "/beta/users/" + owner.oid() + "/authentication/operations", stranger.sign(), null);
    assertThat(byId.get("theirs").getInteger("status")).isEqualTo(alone.statusCode()).isEqualTo(403);
  }

  static Stream<JsonObject> malformed() {
    JsonObject create = request("1", "POST", "/me/authentication/operations").put("headers", json())
      .put("body", new JsonObject().put("status", "running"));
    return Stream.of(
      new JsonObject(),
      new JsonObject().put("requests", new JsonArray()),
      new JsonObject().put("requests", new JsonObject()),
      requests(create, new JsonObject().put("id", "2").put("method", "GET")),
      requests(create.copy(), request("1", "GET", "/me/authentication/operations")),
      requests(create.copy(), request("X", "GET", "/me/authentication/operations"), request("x", "GET", "/me/authentication/operations")),
      requests(create.copy(), request("2", "GET", "/me/authentication/operations").put("dependsOn", new JsonArray().add("3"))),
      requests(create.copy().put("dependsOn", new JsonArray().add("2")),
        request("2", "GET", "/me/authentication/operations").put("dependsOn", new JsonArray().add("1"))),
      requests(create.copy().put("dependsOn", new JsonArray().add("1"))),
      requests(request("1", "POST", "/me/authentication/operations").put("body", new JsonObject().put("status", "running"))),
      requests(create.copy(), request("2", "GET", "https://graph.microsoft.com/beta/me/authentication/operations")),
      requests(create.copy(), request("2", "GET", "//evil.test/beta/me/authentication/operations")),
      requests(create.copy(), request("2", "GET", "/me/../../health/ready")),
      requests(create.copy(), request("2", "GET", "/me/%2e%2e/%2E%2E/metrics")),
      requests(create.copy(), request("2", "POST", "/$batch").put("headers", json())
        .put("body", requests(request("3", "GET", "/me/authentication/operations")))),
      requests(create.copy(), request("2", "POST", "%24BATCH").put("headers", json()).put("body", new JsonObject())),
      requests(create.copy(), request("2", "TRACE", "/me/authentication/operations")),
      requests(create.copy(), request("2", "GET", "/me/authentication/operations").put("headers", new JsonObject().put("Bad Name", "x"))),
      requests(create.copy(), request("2", "GET", "/me/authentication/operations").put("headers", new JsonObject().put("X-A", "a\r\nInjected: 1"))),
      requests(create.copy(), request("2", "GET", "/me/authentication/operations").put("unknown", true)));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void a_malformed_batch_is_refused_whole_with_400_in_graphs_error_shape_and_nothing_of_it_is_done(JsonObject body) {
    Token user = service.tokens.user();

    HttpResponse<Buffer> answer = send(user.sign(), body);

    assertGraphError(answer, 400, "badRequest");
    assertThat(count(user)).isZero();
  }

  @Test
  void twenty_requests_are_served_and_twenty_one_are_refused_whole() {
    Token user = service.tokens.user();
    JsonArray twentyOne = new JsonArray();
    IntStream.rangeClosed(1, 21).forEach(i -> twentyOne.add(request(String.valueOf(i), "POST", "/me/authentication/operations")
      .put("headers", json()).put("body", new JsonObject().put("statusDetail", "#" + i))));

    HttpResponse<Buffer> refused = send(user.sign(), new JsonObject().put("requests", twentyOne));
    assertGraphError(refused, 400, "badRequest");
    assertThat(count(user)).isZero();

    twentyOne.remove(20);
    Map<String, JsonObject> byId = byId(batch(user.sign(), new JsonObject().put("requests", twentyOne)).bodyAsJsonObject());
    assertThat(byId).hasSize(20);
    assertThat(byId.values()).allSatisfy(answer -> assertThat(answer.getInteger("status")).isEqualTo(201));
    assertThat(count(user)).isEqualTo(20);
  }

  @Test
  void a_batch_without_a_token_is_401_and_an_inner_authorization_header_is_not_used() {
    Token user = service.tokens.user();
    Token other = service.tokens.user();
    HttpResponse<Buffer> anonymous = await(service.request(POST, BATCH).putHeader("client-request-id", "x")
      .sendJsonObject(requests(request("1", "GET", "/me/authentication/operations"))));
    assertGraphError(anonymous, 401, "unauthorized");

    Map<String, JsonObject> byId = byId(batch(user.sign(), requests(request("1", "POST", "/me/authentication/operations")
      .put("headers", json().put("Authorization", "Bearer " + other.sign())).put("body", new JsonObject()))).bodyAsJsonObject());

    assertThat(byId.get("1").getInteger("status")).isEqualTo(201);
    assertThat(count(user)).isEqualTo(1);
    assertThat(count(other)).isZero();
  }

  // ---- helpers

  private static HttpResponse<Buffer> batch(String token, JsonObject body) {
    HttpResponse<Buffer> answer = send(token, body);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    assertThat(answer.getHeader("Content-Type")).startsWith("application/json");
    return answer;
  }

  private static HttpResponse<Buffer> send(String token, JsonObject body) {
    return await(service.request(POST, BATCH).bearerTokenAuthentication(token)
      .putHeader("client-request-id", UUID.randomUUID().toString()).sendJsonObject(body));
  }

  private static JsonObject requests(JsonObject... requests) {
    JsonArray all = new JsonArray();
    for (JsonObject request : requests) {
      if (request != null) {
        all.add(request);
      }
    }
    return new JsonObject().put("requests", all);
  }

  private static JsonObject request(String id, String method, String url) {
    return new JsonObject().put("id", id).put("method", method).put("url", url);
  }

  private static JsonObject json() {
    return new JsonObject().put("Content-Type", "application/json");
  }

  private static Map<String, JsonObject> byId(JsonObject answer) {
    Map<String, JsonObject> byId = new HashMap<>();
    answer.getJsonArray("responses").forEach(item -> {
      JsonObject response = (JsonObject) item;
      assertThat(byId.put(response.getString("id"), response)).as("one answer per id").isNull();
    });
    return byId;
  }

  private static long count(Token user) {
    return Long.parseLong(service.call(GET, "/beta/users/" + user.oid() + "/authentication/operations/$count",
      service.tokens.user().appOnly("UserAuthenticationMethod.Read.All").sign(), null).bodyAsString());
  }
}
