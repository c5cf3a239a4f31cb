package com.contoso.lro.operations;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestTokens;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/** GET .../authentication/operations/$count: the number of matching operations as text/plain. */
class CountOperationsTest extends ServiceTest {

  private static final String ME = "/beta/me/authentication/operations";

  @Test
  void answers_200_text_plain_with_the_number_of_the_callers_operations() {
    String token = service.tokens.user().sign();
    for (int i = 0; i < 3; i++) {
      create(token, new JsonObject());
    }
    create(service.tokens.user().sign(), new JsonObject());

    HttpResponse<Buffer> response = get(token, ME + "/$count");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
    assertThat(response.bodyAsString()).isEqualTo("3");
  }

  @Test
  void a_user_without_operations_counts_0() {
    HttpResponse<Buffer> response = get(service.tokens.user().sign(), ME + "/$count");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("0");
  }

  @Test
  void the_count_follows_creates() {
    String token = service.tokens.user().sign();
    create(token, new JsonObject());
    assertThat(get(token, ME + "/$count").bodyAsString()).isEqualTo("1");

    create(token, new JsonObject());

    assertThat(get(token, ME + "/$count").bodyAsString()).isEqualTo("2");
  }

  @ParameterizedTest(name = "$filter={0} → {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    status eq 'running'                                   | 2
    status in ('notStarted','failed')                     | 3
    not (status eq 'running')                             | 3
    startswith(statusDetail,'Reset')                      | 2
    statusDetail eq null                                  | 1
    status eq 'running' and startswith(statusDetail,'Re') | 1
    status eq 'succeeded'                                 | 0
    """)
  void filter_counts_only_the_matching_operations(String filter, String expected) {
    String token = service.tokens.user().sign();
    create(token, new JsonObject().put("status", "running").put("statusDetail", "Resetting the password"));
    create(token, new JsonObject().put("status", "running").put("statusDetail", "Exporting"));
    create(token, new JsonObject().put("status", "notStarted").put("statusDetail", "Resetting a method"));
    create(token, new JsonObject().put("status", "failed"));
    create(token, new JsonObject().put("status", "notstarted").put("statusDetail", "Queued"));

    HttpResponse<Buffer> response = get(token, ME + "/$count?$filter=" + encode(filter));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo(expected);
  }

  @Test
  void the_count_equals_the_lists_odata_count_for_the_same_filter() {
    String token = service.tokens.user().sign();
    create(token, new JsonObject().put("status", "running"));
    create(token, new JsonObject().put("status", "failed"));
    create(token, new JsonObject().put("status", "running"));
    String filter = "?$filter=" + encode("status eq 'running'");

    String count = get(token, ME + "/$count" + filter).bodyAsString();
    JsonObject list = get(token, ME + filter + "&$count=true").bodyAsJsonObject();

    assertThat(count).isEqualTo("2");
    assertThat(list.getLong("@odata.count")).isEqualTo(2);
  }

  @Test
  void a_malformed_filter_is_a_400_that_gives_the_position() {
    HttpResponse<Buffer> response =
      get(service.tokens.user().sign(), ME + "/$count?$filter=" + encode("status eq 'running' and"));

    JsonObject error = badRequest(response);
    assertThat(error.getString("message")).contains("$filter").contains("position");
  }

  @Test
  void search_is_a_400_not_supported() {
    HttpResponse<Buffer> response = get(service.tokens.user().sign(), ME + "/$count?$search=" + encode("\"reset\""));

    JsonObject error = badRequest(response);
    assertThat(error.getString("message")).contains("$search").contains("not supported");
  }

  @ParameterizedTest(name = "{0} → 400")
  @ValueSource(strings = {"$levels=2", "$top=1"})
  void an_option_that_count_does_not_take_is_a_400(String option) {
    JsonObject error = badRequest(get(service.tokens.user().sign(), ME + "/$count?" + option));

    assertThat(error.getString("message")).contains(option.substring(0, option.indexOf('=')));
  }

  @Test
  void another_users_count_without_an_all_permission_is_a_403() {
    Token alice = service.tokens.user();
    create(alice.sign(), new JsonObject());
    String bob = service.tokens.user().claim("scp", "UserAuthenticationMethod.Read UserAuthenticationMethod.ReadWrite")
      .sign();

    HttpResponse<Buffer> response = get(bob, "/beta/users/" + alice.oid() + "/authentication/operations/$count");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("accessDenied");
    assertThat(response.bodyAsString()).doesNotContain(alice.oid());
  }

  @ParameterizedTest(name = "scp {0}")
  @ValueSource(strings = {"UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"})
  void another_users_count_with_an_all_permission_is_their_number(String scope) {
    Token alice = service.tokens.user();
    create(alice.sign(), new JsonObject());
    create(alice.sign(), new JsonObject().put("status", "running"));
    String admin = service.tokens.user().claim("scp", scope).directoryRoles(TestTokens.GLOBAL_READER).sign();

    HttpResponse<Buffer> all = get(admin, "/beta/users/" + alice.oid() + "/authentication/operations/$count");
    HttpResponse<Buffer> running = get(admin, "/beta/users/" + alice.oid() + "/authentication/operations/$count?$filter="
      + encode("status eq 'running'"));

    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.bodyAsString()).isEqualTo("2");
    assertThat(running.bodyAsString()).isEqualTo("1");
  }

  @Test
  void the_me_user_and_own_users_roots_count_the_same() {
    Token user = service.tokens.user();
    create(user.sign(), new JsonObject());
    create(user.sign(), new JsonObject());

    assertThat(get(user.sign(), "/beta/me/authentication/operations/$count").bodyAsString()).isEqualTo("2");
    assertThat(get(user.sign(), "/beta/user/authentication/operations/$count").bodyAsString()).isEqualTo("2");
    assertThat(get(user.sign(), "/beta/users/" + user.oid() + "/authentication/operations/$count").bodyAsString())
      .isEqualTo("2");
  }

  private static void create(String token, JsonObject body) {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.POST, ME).bearerTokenAuthentication(token)
      .sendJsonObject(body));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
  }

  private static HttpResponse<Buffer> get(String token, String pathAndQuery) {
    return await(service.request(HttpMethod.GET, pathAndQuery).bearerTokenAuthentication(token).send());
  }

  /** A query value as Graph clients write it: spaces as %20, quotes as %27. */
  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static JsonObject badRequest(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("badRequest");
    return error;
  }
}
