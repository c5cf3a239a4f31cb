package com.contoso.lro.http;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static com.contoso.lro.GraphErrors.assertGraphError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * POST /beta/user/authentication/operations, when the caller is not who, or not allowed what, the token says.
 * Forged and otherwise invalid tokens: {@link TokenAttacksTest}.
 */
class AuthenticationTest extends ServiceTest {

  private static final JsonObject VALID_BODY = new JsonObject().put("status", "running");


  @Test
  void no_authorization_header_is_401_with_a_bearer_challenge() {
    HttpResponse<Buffer> response = post(null, VALID_BODY);

    assertGraphError(response, 401, "unauthorized");
    assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void a_basic_authorization_header_is_401() {
    HttpResponse<Buffer> response = post("Basic xyz", VALID_BODY);

    assertGraphError(response, 401, "unauthorized");
    assertThat(response.getHeader("WWW-Authenticate")).as("RFC 6750: no error code for another scheme").isEqualTo("Bearer");
  }

  @Test
  void a_delegated_token_without_a_write_scope_is_403_accessDenied() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user().claim("scp", "User.Read").sign(), VALID_BODY);

    assertGraphError(response, 403, "accessDenied");
  }

  @Test
  void the_read_scope_alone_is_403_accessDenied() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user()
      .claim("scp", "UserAuthenticationMethod.Read").sign(), VALID_BODY);

    assertGraphError(response, 403, "accessDenied");
  }

  @Test
  void an_app_only_token_on_user_is_400_because_there_is_no_signed_in_user() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user()
      .appOnly("UserAuthenticationMethod.ReadWrite.All").sign(), VALID_BODY);

    assertGraphError(response, 400, "badRequest");
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("delegated");
  }

  @Test
  void permissions_are_checked_before_the_body_so_a_bad_body_without_the_scope_is_still_403() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user().claim("scp", "User.Read").sign(),
      new JsonObject().put("status", "bogus").put("color", "blue"));

    assertGraphError(response, 403, "accessDenied");
    assertThat(response.bodyAsString()).doesNotContain("status").doesNotContain("color");
  }

  @Test
  void an_app_only_token_with_a_bad_body_learns_only_that_it_needs_a_signed_in_user() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user().appOnly("UserAuthenticationMethod.ReadWrite.All").sign(),
      new JsonObject().put("status", "bogus"));

    assertGraphError(response, 400, "badRequest");
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("delegated");
  }

  @Test
  void nothing_is_stored_for_a_request_refused_for_its_permissions() {
    List<Token> refused = List.of(
      service.tokens.user().claim("scp", "UserAuthenticationMethod.Read"),
      service.tokens.user().claim("scp", "User.Read"),
      service.tokens.user().appOnly("UserAuthenticationMethod.ReadWrite.All"));

    for (Token token : refused) {
      assertThat(postBearer(token.sign(), VALID_BODY).statusCode()).isBetween(400, 403);
    }

    assertThat(storedCount(refused.stream().map(Token::oid).toList())).isZero();
  }

  @Test
  void an_invalid_token_with_an_invalid_body_is_still_401() {
    JsonObject invalidBody = new JsonObject()
      .put("id", "chosen-by-the-client")
      .put("status", "sideways")
      .put("unknownProperty", true);

    HttpResponse<Buffer> expired = postBearer(service.tokens.user()
      .expiresAt(Instant.now().minus(Duration.ofMinutes(10))).sign(), invalidBody);
    HttpResponse<Buffer> missing = post(null, invalidBody);

    assertGraphError(expired, 401, "unauthorized");
    assertGraphError(missing, 401, "unauthorized");
    assertThat(expired.bodyAsString()).doesNotContain("sideways", "unknownProperty", "chosen-by-the-client");
  }

  @Test
  void the_same_request_with_a_valid_token_succeeds_so_the_refusals_are_about_the_token() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user().sign(), VALID_BODY);

    assertThat(response.statusCode()).isEqualTo(201);
  }

  /** POST with this Authorization header (none when null) and a client-request-id to be echoed. */
  private static HttpResponse<Buffer> post(String authorization, JsonObject body) {
    HttpRequest<Buffer> request = service.request(HttpMethod.POST, TestService.OPERATIONS)
      .putHeader("client-request-id", UUID.randomUUID().toString());
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return TestService.await(request.sendJsonObject(body));
  }

  private static HttpResponse<Buffer> postBearer(String token, JsonObject body) {
    return post("Bearer " + token, body);
  }

  private static long storedCount(List<String> oids) {
    return TestService.await(service.database.pool()
        .preparedQuery("SELECT count(*) FROM operations WHERE owner_id = ANY($1)")
        .execute(Tuple.of(oids.toArray(new String[0]))))
      .iterator().next().getLong(0);
  }
}
