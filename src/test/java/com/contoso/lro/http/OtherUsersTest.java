package com.contoso.lro.http;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestTokens;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

/** How /users/{x} names a user other than the caller: by object id, in any case, and only so. */
class OtherUsersTest extends ServiceTest {

  private static final String ADMIN = "UserAuthenticationMethod.ReadWrite.All";

  @Test
  void another_users_object_id_in_upper_case_names_the_same_user() {
    Token alice = service.tokens.user();
    String id = service.create(alice.sign(), new JsonObject()).bodyAsJsonObject().getString("id");
    String admin = service.tokens.user().claim("scp", ADMIN).directoryRoles(TestTokens.AUTHENTICATION_ADMINISTRATOR).sign();

    HttpResponse<Buffer> listed = service.call(GET,
      "/beta/users/" + alice.oid().toUpperCase(Locale.ROOT) + "/authentication/operations", admin, null);

    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.bodyAsJsonObject().getJsonArray("value")).hasSize(1);
    assertThat(listed.bodyAsJsonObject().getJsonArray("value").getJsonObject(0).getString("id")).isEqualTo(id);
  }

  @Test
  void a_create_for_another_user_by_upper_case_object_id_is_theirs() {
    Token alice = service.tokens.user();
    String admin = service.tokens.user().claim("scp", ADMIN).directoryRoles(TestTokens.AUTHENTICATION_ADMINISTRATOR).sign();

    String id = service.call(POST, "/beta/users/" + alice.oid().toUpperCase(Locale.ROOT) + "/authentication/operations",
      admin, new JsonObject()).bodyAsJsonObject().getString("id");

    assertThat(service.storedRow(alice.oid(), id)).isNotNull();
  }

  @Test
  void another_user_named_other_than_by_object_id_is_not_found_and_nothing_is_stored() {
    String admin = service.tokens.user().claim("scp", ADMIN).directoryRoles(TestTokens.AUTHENTICATION_ADMINISTRATOR).sign();

    HttpResponse<Buffer> created = service.call(POST, "/beta/users/alice@contoso.test/authentication/operations",
      admin, new JsonObject());
    HttpResponse<Buffer> listed = service.call(GET, "/beta/users/not-an-id/authentication/operations", admin, null);

    assertThat(created.statusCode()).isEqualTo(404);
    assertThat(listed.statusCode()).isEqualTo(404);
    assertThat(service.storedRow("alice@contoso.test", "anything")).isNull();
  }

  @Test
  void a_sign_in_name_shaped_like_someone_elses_object_id_does_not_make_them_the_caller() {
    Token alice = service.tokens.user();
    service.create(alice.sign(), new JsonObject());
    String mallory = service.tokens.user().claim("upn", alice.oid()).claim("preferred_username", alice.oid())
      .claim("scp", "UserAuthenticationMethod.ReadWrite").sign();

    HttpResponse<Buffer> listed = service.call(GET, "/beta/users/" + alice.oid() + "/authentication/operations",
      mallory, null);

    assertThat(listed.statusCode()).isEqualTo(403);
  }

  @Test
  void a_reader_of_other_users_is_told_403_when_changing_their_item_not_that_it_is_missing() {
    Token alice = service.tokens.user();
    String id = service.create(alice.sign(), new JsonObject()).bodyAsJsonObject().getString("id");
    String reader = service.tokens.user().claim("scp", "UserAuthenticationMethod.Read.All")
      .directoryRoles(TestTokens.GLOBAL_READER).sign();

    HttpResponse<Buffer> patched = service.call(io.vertx.core.http.HttpMethod.PATCH,
      "/beta/users/" + alice.oid() + "/authentication/operations/" + id, reader, new JsonObject().put("status", "failed"));

    assertThat(patched.statusCode()).isEqualTo(403);
    assertThat(patched.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("accessDenied");
  }
}
