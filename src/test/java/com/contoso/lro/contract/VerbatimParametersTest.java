package com.contoso.lro.contract;

import com.contoso.lro.ServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

/** String parameters reach the service as the client wrote them, whatever JSON they resemble. */
class VerbatimParametersTest extends ServiceTest {

  @Test
  void an_id_that_reads_as_a_number_is_still_the_string_id() {
    var user = service.tokens.user();
    await(service.database.pool().preparedQuery("INSERT INTO operations (owner_id, id, created_date_time, "
        + "last_action_date_time, status) VALUES ($1, '123', $2, $2, 'running')")
      .execute(Tuple.of(user.oid(), OffsetDateTime.now())));

    HttpResponse<Buffer> response = service.call(GET, "/beta/me/authentication/operations/123", user.sign(), null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("id")).isEqualTo("123");
  }

  @Test
  void a_filter_with_a_double_quote_in_a_string_literal_is_read_as_written() {
    String token = service.tokens.user().sign();
    service.create(token, new JsonObject().put("statusDetail", "waiting for \"approval\""));
    service.create(token, new JsonObject().put("statusDetail", "waiting for approval"));

    HttpResponse<Buffer> response = service.call(GET, "/beta/me/authentication/operations?$filter="
      + URLEncoder.encode("contains(statusDetail,'\"approval\"')", StandardCharsets.UTF_8).replace("+", "%20"), token, null);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonArray("value")).hasSize(1);
  }

  @Test
  void a_filter_that_is_a_json_string_is_not_unquoted() {
    HttpResponse<Buffer> response = service.call(GET, "/beta/me/authentication/operations?$filter="
      + URLEncoder.encode("\"status eq 'running'\"", StandardCharsets.UTF_8), service.tokens.user().sign(), null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("position 1");
  }
}
