package com.contoso.lro.operations;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** POST /beta/user/authentication/operations, when everything is right. */
class CreateOperationTest extends ServiceTest {

  private static final String UTC_MILLIS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";


  @Test
  void answers_201_with_every_property_and_the_odata_annotations() {
    Token user = service.tokens.user();
    Instant before = Instant.now();

    HttpResponse<Buffer> response = service.create(user.sign(), new JsonObject()
      .put("@odata.type", "#microsoft.graph.longRunningOperation")
      .put("status", "running")
      .put("statusDetail", "Resetting the password")
      .put("resourceLocation", "https://graph.microsoft.com/beta/users/u1/authentication/methods/m1"));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject body = response.bodyAsJsonObject();
    String id = body.getString("id");
    assertThat(UUID.fromString(id).toString()).isEqualTo(id);
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("@odata.context", "@odata.type", "@odata.etag", "id",
      "createdDateTime", "lastActionDateTime", "status", "statusDetail", "resourceLocation");
    assertThat(body.getString("@odata.type")).isEqualTo("#microsoft.graph.longRunningOperation");
    assertThat(body.getString("@odata.context")).isEqualTo("http://localhost:" + service.port
      + "/beta/$metadata#users('" + user.oid() + "')/authentication/operations/$entity");
    assertThat(body.getString("status")).isEqualTo("running");
    assertThat(body.getString("statusDetail")).isEqualTo("Resetting the password");
    assertThat(body.getString("resourceLocation"))
      .isEqualTo("https://graph.microsoft.com/beta/users/u1/authentication/methods/m1");
    assertThat(body.getString("createdDateTime")).matches(UTC_MILLIS);
    assertThat(OffsetDateTime.parse(body.getString("createdDateTime")).toInstant())
      .isCloseTo(before, within(Duration.ofSeconds(5)));
    assertThat(body.getString("lastActionDateTime")).isEqualTo(body.getString("createdDateTime"));
  }

  @Test
  void location_is_the_absolute_url_of_the_new_operation_under_users_oid() {
    Token user = service.tokens.user();

    HttpResponse<Buffer> response = service.create(user.sign(), new JsonObject());

    assertThat(response.getHeader("Location")).isEqualTo("http://localhost:" + service.port + "/beta/users/"
      + user.oid() + "/authentication/operations/" + response.bodyAsJsonObject().getString("id"));
  }

  @Test
  void location_keeps_a_tilde_in_a_client_chosen_id_and_leads_to_the_operation() {
    Token user = service.tokens.user();

    HttpResponse<Buffer> response = service.create(user.sign(), new JsonObject().put("id", "reset~1.a_b-c"));
    String location = response.getHeader("Location");
    HttpResponse<Buffer> followed = service.call(io.vertx.core.http.HttpMethod.GET,
      location.substring(("http://localhost:" + service.port).length()), user.sign(), null);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    assertThat(location).isEqualTo("http://localhost:" + service.port + "/beta/users/" + user.oid()
      + "/authentication/operations/reset~1.a_b-c");
    assertThat(followed.statusCode()).as(followed.bodyAsString()).isEqualTo(200);
    assertThat(followed.bodyAsJsonObject().getString("id")).isEqualTo("reset~1.a_b-c");
  }

  @Test
  void the_row_is_committed_before_the_201_and_owned_by_the_tokens_oid() {
    Token user = service.tokens.user();

    JsonObject body = service.create(user.sign(), new JsonObject()
      .put("status", "succeeded")
      .put("statusDetail", "done")
      .put("resourceLocation", "https://contoso.example/r/1")
      .put("lastActionDateTime", "2026-11-28T11:15:30.5+01:00")).bodyAsJsonObject();

    Row row = service.storedRow(user.oid(), body.getString("id"));
    assertThat(row).as("row visible to another connection right after the 201").isNotNull();
    assertThat(row.getString("owner_id")).isEqualTo(user.oid());
    assertThat(row.getString("status")).isEqualTo("succeeded");
    assertThat(row.getString("status_detail")).isEqualTo("done");
    assertThat(row.getString("resource_location")).isEqualTo("https://contoso.example/r/1");
    assertThat(row.getOffsetDateTime("created_date_time").toInstant())
      .isEqualTo(OffsetDateTime.parse(body.getString("createdDateTime")).toInstant());
    assertThat(row.getOffsetDateTime("last_action_date_time").toInstant())
      .isEqualTo(Instant.parse("2026-11-28T10:15:30.500Z"));
  }

  @Test
  void an_empty_body_defaults_status_to_notStarted_and_lastAction_to_creation() {
    JsonObject body = service.create(service.tokens.user().sign(), new JsonObject()).bodyAsJsonObject();

    assertThat(body.getString("status")).isEqualTo("notStarted");
    assertThat(body.getString("lastActionDateTime")).isEqualTo(body.getString("createdDateTime"));
    assertThat(body.containsKey("statusDetail")).isTrue();
    assertThat(body.getValue("statusDetail")).isNull();
    assertThat(body.getValue("resourceLocation")).isNull();
  }

  @Test
  void lowercase_notstarted_of_the_source_page_is_accepted_and_notStarted_is_emitted() {
    Token user = service.tokens.user();

    JsonObject body = service.create(user.sign(), new JsonObject().put("status", "notstarted")).bodyAsJsonObject();

    assertThat(body.getString("status")).isEqualTo("notStarted");
    assertThat(service.storedRow(user.oid(), body.getString("id")).getString("status")).isEqualTo("notStarted");
  }

  @Test
  void a_client_lastActionDateTime_is_kept_and_emitted_in_utc_with_milliseconds() {
    JsonObject body = service.create(service.tokens.user().sign(), new JsonObject()
      .put("lastActionDateTime", "2026-11-28T12:15:30+02:00")).bodyAsJsonObject();

    assertThat(body.getString("lastActionDateTime")).isEqualTo("2026-11-28T10:15:30.000Z");
  }

  @Test
  void each_create_gets_a_new_id() {
    String token = service.tokens.user().sign();

    String first = service.create(token, new JsonObject()).bodyAsJsonObject().getString("id");
    String second = service.create(token, new JsonObject()).bodyAsJsonObject().getString("id");

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void an_es256_token_is_accepted_as_well_as_rs256() {
    HttpResponse<Buffer> response = service.create(service.tokens.user().signedWith(service.tokens.ec).sign(),
      new JsonObject());

    assertThat(response.statusCode()).isEqualTo(201);
  }

  @Test
  void the_readwrite_all_scope_may_create_too() {
    HttpResponse<Buffer> response = service.create(
      service.tokens.user().claim("scp", "User.Read UserAuthenticationMethod.ReadWrite.All").sign(), new JsonObject());

    assertThat(response.statusCode()).isEqualTo(201);
  }
}
