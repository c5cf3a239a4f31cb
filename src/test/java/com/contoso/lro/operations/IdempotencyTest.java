package com.contoso.lro.operations;

import com.contoso.lro.TestService;
import com.contoso.lro.TwoInstanceTest;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

/** Safe retries of a create: the Idempotency-Key header, across two instances, and client-chosen ids. */
class IdempotencyTest extends TwoInstanceTest {

  private static final String OPERATIONS = "/beta/me/authentication/operations";

  @Test
  void a_retry_with_the_same_key_and_body_gets_the_first_response_again_from_the_other_instance() {
    Token user = first.tokens.user();
    String key = UUID.randomUUID().toString();
    JsonObject body = new JsonObject().put("status", "running").put("statusDetail", "reset");

    HttpResponse<Buffer> original = create(first, user.sign(), key, body);
    HttpResponse<Buffer> retry = create(second, user.sign(), key, body);

    assertThat(original.statusCode()).isEqualTo(201);
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.bodyAsJsonObject()).isEqualTo(original.bodyAsJsonObject());
    assertThat(retry.getHeader("Location")).isEqualTo(original.getHeader("Location"));
    assertThat(retry.getHeader("ETag")).isEqualTo(original.getHeader("ETag"));
    assertThat(stored(user.oid())).isEqualTo(1);
  }

  @Test
  void the_same_key_with_another_body_is_a_422_and_creates_nothing() {
    Token user = first.tokens.user();
    String key = UUID.randomUUID().toString();
    create(first, user.sign(), key, new JsonObject().put("status", "running"));

    HttpResponse<Buffer> other = create(first, user.sign(), key, new JsonObject().put("status", "failed"));

    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.bodyAsJsonObject().getJsonObject("error").getString("target")).isEqualTo("Idempotency-Key");
    assertThat(stored(user.oid())).isEqualTo(1);
  }

  @Test
  void the_same_key_used_by_another_user_is_theirs_alone() {
    String key = UUID.randomUUID().toString();
    Token alice = first.tokens.user();
    Token bob = first.tokens.user();

    String aliceId = create(first, alice.sign(), key, new JsonObject()).bodyAsJsonObject().getString("id");
    String bobId = create(first, bob.sign(), key, new JsonObject()).bodyAsJsonObject().getString("id");

    assertThat(bobId).isNotEqualTo(aliceId);
    assertThat(stored(bob.oid())).isEqualTo(1);
  }

  @Test
  void a_duplicate_while_the_first_is_in_flight_is_a_409() {
    Token user = first.tokens.user();
    String key = UUID.randomUUID().toString();
    await(first.database.pool().preparedQuery("INSERT INTO idempotency_keys (owner_id, key, request_hash, claimed_at, "
        + "expires_at) VALUES ($1, $2, 'in-flight', $3, $3 + interval '1 day')")
      .execute(Tuple.of(user.oid(), key, OffsetDateTime.now())));

    HttpResponse<Buffer> duplicate = create(second, user.sign(), key, new JsonObject());

    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(stored(user.oid())).isZero();
  }

  @Test
  void concurrent_retries_on_both_instances_make_one_operation_and_answer_it_or_409() {
    Token user = first.tokens.user();
    String key = UUID.randomUUID().toString();
    JsonObject body = new JsonObject().put("status", "running");
    List<Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      TestService instance = i % 2 == 0 ? first : second;
      attempts.add(instance.request(POST, OPERATIONS).bearerTokenAuthentication(user.sign())
        .putHeader("Idempotency-Key", key).sendJsonObject(body));
    }
    await(Future.join(attempts));

    assertThat(stored(user.oid())).isEqualTo(1);
    List<String> ids = attempts.stream().map(Future::result).filter(response -> response.statusCode() == 201)
      .map(response -> response.bodyAsJsonObject().getString("id")).distinct().toList();
    assertThat(ids).hasSize(1);
    assertThat(attempts).allSatisfy(attempt -> assertThat(attempt.result().statusCode()).isIn(201, 409));
  }

  @Test
  void an_expired_key_starts_afresh() {
    Token user = first.tokens.user();
    String key = UUID.randomUUID().toString();
    String firstId = create(first, user.sign(), key, new JsonObject()).bodyAsJsonObject().getString("id");
    await(first.database.pool().preparedQuery("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' "
      + "WHERE owner_id = $1 AND key = $2").execute(Tuple.of(user.oid(), key)));

    String secondId = create(first, user.sign(), key, new JsonObject()).bodyAsJsonObject().getString("id");

    assertThat(secondId).isNotEqualTo(firstId);
    assertThat(stored(user.oid())).isEqualTo(2);
  }

  @Test
  void a_key_lives_for_the_configured_hours_by_default_24() {
    Token user = first.tokens.user();
    String key = UUID.randomUUID().toString();
    create(first, user.sign(), key, new JsonObject());

    double hours = await(first.database.pool().preparedQuery("SELECT extract(epoch FROM expires_at - claimed_at) / 3600 "
      + "FROM idempotency_keys WHERE owner_id = $1 AND key = $2").execute(Tuple.of(user.oid(), key)))
      .iterator().next().getNumeric(0).doubleValue();

    assertThat(hours).isEqualTo(24.0);
  }

  @Test
  void a_client_chosen_id_is_kept_and_the_same_id_again_is_a_409() {
    Token user = first.tokens.user();

    HttpResponse<Buffer> created = first.create(user.sign(), new JsonObject().put("id", "reset-2026.11_28~a"));
    HttpResponse<Buffer> again = first.create(user.sign(), new JsonObject().put("id", "reset-2026.11_28~a"));

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.bodyAsJsonObject().getString("id")).isEqualTo("reset-2026.11_28~a");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getJsonObject("error").getString("target")).isEqualTo("id");
    assertThat(stored(user.oid())).isEqualTo(1);
  }

  @Test
  void another_user_may_choose_the_same_id() {
    HttpResponse<Buffer> alice = first.create(first.tokens.user().sign(), new JsonObject().put("id", "shared-name"));
    HttpResponse<Buffer> bob = first.create(first.tokens.user().sign(), new JsonObject().put("id", "shared-name"));

    assertThat(alice.statusCode()).isEqualTo(201);
    assertThat(bob.statusCode()).isEqualTo(201);
  }

  private static HttpResponse<Buffer> create(TestService instance, String token, String key, JsonObject body) {
    return await(instance.request(POST, OPERATIONS).bearerTokenAuthentication(token)
      .putHeader("Idempotency-Key", key).sendJsonObject(body));
  }

  private static long stored(String ownerId) {
    return await(first.database.pool().preparedQuery("SELECT count(*) FROM operations WHERE owner_id = $1")
      .execute(Tuple.of(ownerId))).iterator().next().getLong(0);
  }
}
