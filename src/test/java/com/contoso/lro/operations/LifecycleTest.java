package com.contoso.lro.operations;

import com.contoso.lro.ServiceTest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.IntStream;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.PATCH;
import static org.assertj.core.api.Assertions.assertThat;

/** The status lifecycle: notStarted → running → succeeded | failed, and nothing after a final status. */
class LifecycleTest extends ServiceTest {

  private static final String OPERATIONS = "/beta/me/authentication/operations/";

  @ParameterizedTest(name = "{0} → {1} is a 200")
  @CsvSource(delimiter = '|', textBlock = """
    notStarted | running
    notStarted | succeeded
    notStarted | failed
    running    | running
    running    | succeeded
    running    | failed
    """)
  void every_allowed_move_is_a_200_and_is_stored(String from, String to) {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token, from);

    HttpResponse<Buffer> response = patch(token, id, new JsonObject().put("status", to).put("statusDetail", "moved"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo(to);
    assertThat(response.bodyAsJsonObject().getString("statusDetail")).isEqualTo("moved");
    Row stored = service.storedRow(user.oid(), id);
    assertThat(stored.getString("status")).isEqualTo(to);
    assertThat(stored.getString("status_detail")).isEqualTo("moved");
    assertThat(stored.getLong("version")).isEqualTo(2L);
  }

  @ParameterizedTest(name = "{0} → {1} is a 409 that names the move")
  @CsvSource(delimiter = '|', textBlock = """
    running    | notStarted
    succeeded  | notStarted
    succeeded  | running
    succeeded  | failed
    failed     | notStarted
    failed     | running
    failed     | succeeded
    """)
  void every_refused_move_is_a_409_conflict_that_names_it_and_changes_nothing(String from, String to) {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token, from);
    Row before = service.storedRow(user.oid(), id);

    HttpResponse<Buffer> response = patch(token, id, new JsonObject().put("status", to)
      .put("statusDetail", "should not stick").put("resourceLocation", "https://contoso.example/r/other"));

    assertThat(response.statusCode()).isEqualTo(409);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("conflict");
    assertThat(error.getString("message")).contains("from " + from + " to " + to);
    assertUnchanged(service.storedRow(user.oid(), id), before);
  }

  @ParameterizedTest(name = "{0} → {0} is a 200 that changes nothing")
  @ValueSource(strings = {"notStarted", "running", "succeeded", "failed"})
  void the_same_status_again_is_a_200_and_not_a_change(String status) {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token, status);
    Row before = service.storedRow(user.oid(), id);

    HttpResponse<Buffer> response = patch(token, id, new JsonObject().put("status", status));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo(status);
    assertThat(response.getHeader("ETag")).isEqualTo("\"1\"");
    assertUnchanged(service.storedRow(user.oid(), id), before);
  }

  @Test
  void running_to_running_reports_progress_in_statusDetail_and_resourceLocation() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token, "running");

    JsonObject body = patch(token, id, new JsonObject().put("status", "running").put("statusDetail", "40 % done")
      .put("resourceLocation", "https://contoso.example/r/partial")).bodyAsJsonObject();

    assertThat(body.getString("status")).isEqualTo("running");
    assertThat(body.getString("statusDetail")).isEqualTo("40 % done");
    assertThat(body.getString("resourceLocation")).isEqualTo("https://contoso.example/r/partial");
    Row stored = service.storedRow(user.oid(), id);
    assertThat(stored.getString("status")).isEqualTo("running");
    assertThat(stored.getString("status_detail")).isEqualTo("40 % done");
    assertThat(stored.getString("resource_location")).isEqualTo("https://contoso.example/r/partial");
    assertThat(stored.getLong("version")).isEqualTo(2L);
  }

  @Test
  void lastActionDateTime_is_the_server_time_of_the_last_real_change() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = service.create(token, new JsonObject().put("status", "running")
      .put("lastActionDateTime", "2020-01-01T00:00:00Z")).bodyAsJsonObject().getString("id");
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    JsonObject body = patch(token, id, new JsonObject().put("status", "succeeded")).bodyAsJsonObject();

    Instant after = Instant.now();
    Instant lastAction = OffsetDateTime.parse(body.getString("lastActionDateTime")).toInstant();
    assertThat(lastAction).isBetween(before, after);
    assertThat(service.storedRow(user.oid(), id).getOffsetDateTime("last_action_date_time").toInstant())
      .isEqualTo(lastAction);
  }

  @Test
  void a_patch_with_the_values_already_stored_leaves_lastActionDateTime_and_the_version_as_they_were() throws Exception {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token, "running");
    JsonObject changed = patch(token, id, new JsonObject().put("statusDetail", "half way")
      .put("resourceLocation", "https://contoso.example/r/2")).bodyAsJsonObject();
    Row before = service.storedRow(user.oid(), id);
    Thread.sleep(20);

    HttpResponse<Buffer> same = patch(token, id, new JsonObject().put("status", "running")
      .put("statusDetail", "half way").put("resourceLocation", "https://contoso.example/r/2"));
    HttpResponse<Buffer> empty = patch(token, id, new JsonObject());

    assertThat(before.getLong("version")).isEqualTo(2L);
    for (HttpResponse<Buffer> response : List.of(same, empty)) {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("ETag")).isEqualTo("\"2\"");
      assertThat(response.bodyAsJsonObject().getString("lastActionDateTime"))
        .isEqualTo(changed.getString("lastActionDateTime"));
    }
    assertUnchanged(service.storedRow(user.oid(), id), before);
  }

  @RepeatedTest(value = 5, name = "round {currentRepetition} of {totalRepetitions}")
  void two_concurrent_transitions_never_both_win() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = create(token, "running");

    List<Future<HttpResponse<Buffer>>> sent = IntStream.range(0, 20)
      .mapToObj(i -> service.request(PATCH, OPERATIONS + id)
        .bearerTokenAuthentication(token)
        .sendJsonObject(new JsonObject().put("status", i % 2 == 0 ? "succeeded" : "failed")))
      .toList();
    await(Future.all(sent));
    List<HttpResponse<Buffer>> responses = sent.stream().map(Future::result).toList();

    Row stored = service.storedRow(user.oid(), id);
    String winner = stored.getString("status");
    String loser = winner.equals("succeeded") ? "failed" : "succeeded";
    assertThat(winner).isIn("succeeded", "failed");
    assertThat(stored.getLong("version")).as("one real change, however many tried").isEqualTo(2L);
    for (int i = 0; i < responses.size(); i++) {
      HttpResponse<Buffer> response = responses.get(i);
      String wanted = i % 2 == 0 ? "succeeded" : "failed";
      if (wanted.equals(winner)) {
        assertThat(response.statusCode()).as("a PATCH to the winning status: the winner or a no-op").isEqualTo(200);
        JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("status")).isEqualTo(winner);
        assertThat(response.getHeader("ETag")).isEqualTo("\"2\"");
        assertThat(OffsetDateTime.parse(body.getString("lastActionDateTime")).toInstant())
          .isEqualTo(stored.getOffsetDateTime("last_action_date_time").toInstant());
      } else {
        assertThat(response.statusCode()).as("a PATCH to the losing status").isEqualTo(409);
        JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("conflict");
        assertThat(error.getString("message")).contains("from " + winner + " to " + loser);
      }
    }
  }

  /** A new operation of the holder of {@code token} in {@code status}, with a detail and a location. */
  private static String create(String token, String status) {
    return service.create(token, new JsonObject().put("status", status).put("statusDetail", "started")
      .put("resourceLocation", "https://contoso.example/r/1")).bodyAsJsonObject().getString("id");
  }

  private static HttpResponse<Buffer> patch(String token, String id, JsonObject body) {
    return service.call(PATCH, OPERATIONS + id, token, body);
  }

  @Test
  void a_final_operation_changes_no_more_not_even_its_detail() {
    String token = service.tokens.user().sign();
    String id = service.create(token, new JsonObject().put("status", "succeeded").put("statusDetail", "done"))
      .bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> response = service.call(PATCH,
      "/beta/me/authentication/operations/" + id, token, new JsonObject().put("statusDetail", "rewritten"));

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("final");
  }

  private static void assertUnchanged(Row after, Row before) {
    for (String column : List.of("status", "status_detail", "resource_location")) {
      assertThat(after.getString(column)).as(column).isEqualTo(before.getString(column));
    }
    assertThat(after.getOffsetDateTime("last_action_date_time")).as("last_action_date_time")
      .isEqualTo(before.getOffsetDateTime("last_action_date_time"));
    assertThat(after.getLong("version")).as("version").isEqualTo(before.getLong("version"));
  }
}
