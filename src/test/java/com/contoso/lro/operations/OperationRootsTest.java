package com.contoso.lro.operations;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;
import java.util.function.Function;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The six calls under each root: /me and /user are the signed-in user, and so is /users/{x} when x
 * is the caller's oid, upn or preferred_username, in any case.
 */
class OperationRootsTest extends ServiceTest {

  private static final String UPN = "Adele.Vance@Contoso.test";
  private static final String PREFERRED = "adele@contoso.test";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"me", "user", "users/{oid}", "users/{OID}", "users/{upn}", "users/{UPN}", "users/{preferred}"})
  void every_call_works_under_each_root_on_the_callers_own_operations(String root) {
    Token user = service.tokens.user().claim("upn", UPN).claim("preferred_username", PREFERRED);
    String token = user.sign();
    String operations = "/beta/" + spell(root, user) + "/authentication/operations";

    HttpResponse<Buffer> created = service.call(POST, operations, token, new JsonObject().put("status", "running"));
    assertThat(created.statusCode()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    assertThat(created.getHeader("Location")).endsWith("/beta/users/" + user.oid() + "/authentication/operations/" + id);

    HttpResponse<Buffer> listed = service.call(GET, operations, token, null);
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.bodyAsJsonObject().getJsonArray("value")).hasSize(1);

    HttpResponse<Buffer> counted = service.call(GET, operations + "/$count", token, null);
    assertThat(counted.statusCode()).isEqualTo(200);
    assertThat(counted.bodyAsString()).isEqualTo("1");

    HttpResponse<Buffer> got = service.call(GET, operations + "/" + id, token, null);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.bodyAsJsonObject().getString("status")).isEqualTo("running");

    HttpResponse<Buffer> patched = service.call(PATCH, operations + "/" + id, token, new JsonObject().put("status", "succeeded"));
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(patched.bodyAsJsonObject().getString("status")).isEqualTo("succeeded");

    assertThat(service.call(DELETE, operations + "/" + id, token, null).statusCode()).isEqualTo(204);
    assertThat(service.call(GET, operations + "/" + id, token, null).statusCode()).isEqualTo(404);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"me", "user", "users/{oid}", "users/{upn}"})
  void every_root_of_the_caller_sees_the_same_operations(String root) {
    Token user = service.tokens.user().claim("upn", UPN);
    String token = user.sign();
    String id = service.call(POST, "/beta/me/authentication/operations", token, new JsonObject())
      .bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> got = service.call(GET, "/beta/" + spell(root, user) + "/authentication/operations/" + id, token, null);

    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.bodyAsJsonObject().getString("@odata.context"))
      .endsWith("/beta/$metadata#users('" + user.oid() + "')/authentication/operations/$entity");
  }

  private static String spell(String root, Token user) {
    Function<String, String> upper = text -> text.toUpperCase(Locale.ROOT);
    return root
      .replace("{oid}", user.oid())
      .replace("{OID}", upper.apply(user.oid()))
      .replace("{upn}", UPN)
      .replace("{UPN}", upper.apply(UPN))
      .replace("{preferred}", PREFERRED);
  }
}
