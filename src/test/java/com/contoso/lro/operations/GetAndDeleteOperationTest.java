package com.contoso.lro.operations;

import com.contoso.lro.ServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

/** GET and DELETE .../authentication/operations/{id}. */
class GetAndDeleteOperationTest extends ServiceTest {

  private static final String OPERATIONS = "/beta/me/authentication/operations/";

  @Test
  void get_answers_the_entity_with_its_entity_context() {
    var user = service.tokens.user();
    String token = user.sign();
    JsonObject created = service.create(token, new JsonObject().put("status", "running").put("statusDetail", "x"))
      .bodyAsJsonObject();

    HttpResponse<Buffer> response = service.call(GET, OPERATIONS + created.getString("id"), token, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(created);
    assertThat(response.bodyAsJsonObject().getString("@odata.context"))
      .endsWith("/$metadata#users('" + user.oid() + "')/authentication/operations/$entity");
  }

  @Test
  void get_with_select_answers_only_those_properties_and_the_id() {
    String token = service.tokens.user().sign();
    String id = service.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");

    JsonObject body = service.call(GET, OPERATIONS + id + "?$select=status,lastActionDateTime", token, null)
      .bodyAsJsonObject();

    assertThat(body.fieldNames()).containsExactlyInAnyOrder("@odata.context", "@odata.type", "@odata.etag", "id",
      "status", "lastActionDateTime");
  }

  @Test
  void get_with_expand_star_is_accepted() {
    String token = service.tokens.user().sign();
    String id = service.create(token, new JsonObject()).bodyAsJsonObject().getString("id");

    assertThat(service.call(GET, OPERATIONS + id + "?$expand=*", token, null).statusCode()).isEqualTo(200);
  }

  @Test
  void get_of_an_operation_that_does_not_exist_is_a_404_itemNotFound() {
    HttpResponse<Buffer> response = service.call(GET, OPERATIONS + "nothing-here", service.tokens.user().sign(), null);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("itemNotFound");
  }

  @Test
  void delete_answers_204_and_a_later_get_is_a_404() {
    var user = service.tokens.user();
    String token = user.sign();
    String id = service.create(token, new JsonObject()).bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> deleted = service.call(DELETE, OPERATIONS + id, token, null);

    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(deleted.body()).isNull();
    assertThat(service.call(GET, OPERATIONS + id, token, null).statusCode()).isEqualTo(404);
    assertThat(service.storedRow(user.oid(), id)).isNull();
  }

  @Test
  void deleting_twice_is_a_404_the_second_time() {
    String token = service.tokens.user().sign();
    String id = service.create(token, new JsonObject()).bodyAsJsonObject().getString("id");
    service.call(DELETE, OPERATIONS + id, token, null);

    HttpResponse<Buffer> again = service.call(DELETE, OPERATIONS + id, token, null);

    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("itemNotFound");
  }

  @Test
  void one_user_cannot_reach_another_users_item_through_me() {
    String owner = service.tokens.user().sign();
    String id = service.create(owner, new JsonObject()).bodyAsJsonObject().getString("id");
    String stranger = service.tokens.user().claim("scp", "UserAuthenticationMethod.ReadWrite.All").sign();

    assertThat(service.call(GET, OPERATIONS + id, stranger, null).statusCode()).isEqualTo(404);
    assertThat(service.call(DELETE, OPERATIONS + id, stranger, null).statusCode()).isEqualTo(404);
    assertThat(service.call(GET, OPERATIONS + id, owner, null).statusCode()).isEqualTo(200);
  }
}
