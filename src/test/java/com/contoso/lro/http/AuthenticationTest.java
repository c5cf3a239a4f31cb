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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** POST /beta/user/authentication/operations, when the caller is not who, or not allowed what, the token says. */
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
  void a_token_expired_ten_minutes_ago_is_401_invalid_token_despite_the_clock_skew() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user()
      .expiresAt(Instant.now().minus(Duration.ofMinutes(10))).sign(), VALID_BODY);

    assertGraphError(response, 401, "unauthorized");
    assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer").contains("error=\"invalid_token\"");
  }

  @Test
  void a_token_not_valid_before_ten_minutes_from_now_is_401() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user()
      .notBefore(Instant.now().plus(Duration.ofMinutes(10))).sign(), VALID_BODY);

    assertGraphError(response, 401, "unauthorized");
    assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
  }

  @Test
  void a_token_signed_by_an_unknown_key_with_a_trusted_kid_is_401() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user().signedWith(service.tokens.stranger).sign(),
      VALID_BODY);

    assertGraphError(response, 401, "unauthorized");
    assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
  }

  @Test
  void a_trusted_token_whose_payload_was_tampered_with_is_401() {
    String tampered = withOid(service.tokens.user().sign(), UUID.randomUUID().toString());

    HttpResponse<Buffer> response = postBearer(tampered, VALID_BODY);

    assertGraphError(response, 401, "unauthorized");
    assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
  }

  @Test
  void a_token_from_another_issuer_is_401() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user()
      .claim("iss", "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0").sign(), VALID_BODY);

    assertGraphError(response, 401, "unauthorized");
    assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
  }

  @Test
  void a_token_for_another_audience_is_401() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user().claim("aud", "api://someone-else").sign(),
      VALID_BODY);

    assertGraphError(response, 401, "unauthorized");
    assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
  }

  @Test
  void a_token_that_names_no_user_oid_is_401() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user().without("oid").sign(), VALID_BODY);

    assertGraphError(response, 401, "unauthorized");
    assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
  }

  @Test
  void an_unsigned_alg_none_token_is_401() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user().unsigned(), VALID_BODY);

    assertGraphError(response, 401, "unauthorized");
    assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
  }

  @Test
  void a_token_without_an_expiry_is_401() {
    String token = service.tokens.user().without("exp").sign();
    assertThat(payload(token).containsKey("exp")).as("the minted token has no exp").isFalse();

    HttpResponse<Buffer> response = postBearer(token, VALID_BODY);

    assertGraphError(response, 401, "unauthorized");
    assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
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
  void a_token_whose_expiry_is_not_a_number_is_401_not_500() {
    HttpResponse<Buffer> response = postBearer(service.tokens.user().claim("exp", "tomorrow").sign(), VALID_BODY);

    assertGraphError(response, 401, "unauthorized");
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
  void a_401_body_never_echoes_the_token_nor_shows_java_internals() {
    List<String> tokens = List.of(
      service.tokens.user().expiresAt(Instant.now().minus(Duration.ofMinutes(10))).sign(),
      service.tokens.user().signedWith(service.tokens.stranger).sign(),
      service.tokens.user().unsigned(),
      service.tokens.user().without("oid").sign(),
      service.tokens.user().claim("aud", "api://someone-else").sign(),
      "not-a-jwt",
      "a.b.c");

    for (String token : tokens) {
      HttpResponse<Buffer> response = postBearer(token, VALID_BODY);

      assertThat(response.statusCode()).as(token).isEqualTo(401);
      String body = response.bodyAsString();
      assertThat(body).as(token)
        .doesNotContain(token)
        .doesNotContain("Exception")
        .doesNotContain("at com.")
        .doesNotContain("io.vertx")
        .doesNotContain("java.");
      for (String segment : token.split("\\.")) {
        if (segment.length() > 8) {
          assertThat(body).as(token).doesNotContain(segment);
        }
      }
      assertThat(response.getHeader("WWW-Authenticate")).as(token).doesNotContain(token);
    }
  }

  @Test
  void nothing_is_stored_for_a_refused_request() {
    List<String> refusedOids = new ArrayList<>();
    List<String> refusedTokens = new ArrayList<>();
    Token expired = service.tokens.user().expiresAt(Instant.now().minus(Duration.ofMinutes(10)));
    Token stranger = service.tokens.user().signedWith(service.tokens.stranger);
    Token readOnly = service.tokens.user().claim("scp", "UserAuthenticationMethod.Read");
    Token userRead = service.tokens.user().claim("scp", "User.Read");
    Token appOnly = service.tokens.user().appOnly("UserAuthenticationMethod.ReadWrite.All");
    Token wrongAudience = service.tokens.user().claim("aud", "api://someone-else");
    Token unsigned = service.tokens.user();
    for (Token token : List.of(expired, stranger, readOnly, userRead, appOnly, wrongAudience)) {
      refusedOids.add(token.oid());
      refusedTokens.add(token.sign());
    }
    refusedOids.add(unsigned.oid());
    refusedTokens.add(unsigned.unsigned());
    String tamperedOid = UUID.randomUUID().toString();
    refusedOids.add(tamperedOid);
    refusedTokens.add(withOid(service.tokens.user().sign(), tamperedOid));

    for (String token : refusedTokens) {
      assertThat(postBearer(token, VALID_BODY).statusCode()).as(token).isBetween(400, 403);
    }

    assertThat(storedCount(refusedOids)).isZero();
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

  /** The Graph error body: code, a message, and innerError with the date and both request ids. */
  private static void assertGraphError(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error).as(response.bodyAsString()).isNotNull();
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    JsonObject inner = error.getJsonObject("innerError");
    assertThat(inner).as(response.bodyAsString()).isNotNull();
    assertThat(OffsetDateTime.parse(inner.getString("date")).toInstant())
      .isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));
    assertThat(inner.getString("request-id")).isNotBlank().isEqualTo(response.getHeader("request-id"));
    assertThat(inner.getString("client-request-id")).isNotBlank().isEqualTo(response.getHeader("client-request-id"));
  }

  private static JsonObject payload(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  /** The same token, header and signature, with its payload re-encoded to name another oid. */
  private static String withOid(String token, String oid) {
    String[] parts = token.split("\\.");
    String payload = payload(token).put("oid", oid).encode();
    return parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
      .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
  }

  private static long storedCount(List<String> oids) {
    return TestService.await(service.database.pool()
        .preparedQuery("SELECT count(*) FROM operations WHERE owner_id = ANY($1)")
        .execute(Tuple.of(oids.toArray(new String[0]))))
      .iterator().next().getLong(0);
  }
}
