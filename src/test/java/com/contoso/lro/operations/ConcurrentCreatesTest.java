package com.contoso.lro.operations;

import com.contoso.lro.ServiceEnv;
import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Creates sent at the same time: PostgreSQL commits them in groups (OperationStore, CommitGroups),
 * and each is still answered, and stored, as if it had been alone.
 */
@ServiceEnv("THROTTLE_RATE_PER_SECOND=0")
class ConcurrentCreatesTest extends ServiceTest {

  private static final int CREATES = 200;

  private WebClient client;

  @BeforeEach
  void manyConnections(Vertx vertx) {
    client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(CREATES));
  }

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void every_create_is_stored_as_answered_and_creates_that_came_together_share_a_commit() {
    Token user = service.tokens.user();
    List<JsonObject> bodies = IntStream.range(0, CREATES).mapToObj(i -> {
        JsonObject body = new JsonObject()
          .put("status", i % 2 == 0 ? "running" : "notStarted")
          .put("statusDetail", i % 3 == 0 ? null : "step " + i)
          .put("resourceLocation", i % 5 == 0 ? null : "https://graph.microsoft.com/beta/users/u/authentication/methods/" + i);
        return i % 4 == 0 ? body : body.put("lastActionDateTime", "2026-01-01T00:00:%02d.%03dZ".formatted(i % 60, i));
      })
      .toList();

    List<HttpResponse<Buffer>> answers = createAll(user, bodies);

    for (int i = 0; i < CREATES; i++) {
      assertThat(answers.get(i).statusCode()).as("create %d", i).isEqualTo(201);
      JsonObject answered = answers.get(i).bodyAsJsonObject();
      Row stored = service.storedRow(user.oid(), answered.getString("id"));
      assertThat(stored).as("create %d", i).isNotNull();
      assertThat(stored.getString("status")).isEqualTo(bodies.get(i).getString("status"));
      assertThat(stored.getString("status_detail")).isEqualTo(bodies.get(i).getString("statusDetail"));
      assertThat(stored.getString("resource_location")).isEqualTo(bodies.get(i).getString("resourceLocation"));
      assertThat(stored.getOffsetDateTime("created_date_time").toInstant())
        .isEqualTo(OffsetDateTime.parse(answered.getString("createdDateTime")).toInstant());
      assertThat(stored.getOffsetDateTime("last_action_date_time").toInstant())
        .isEqualTo(OffsetDateTime.parse(answered.getString("lastActionDateTime")).toInstant())
        .isEqualTo(bodies.get(i).getString("lastActionDateTime") == null
          ? OffsetDateTime.parse(answered.getString("createdDateTime")).toInstant()
          : OffsetDateTime.parse(bodies.get(i).getString("lastActionDateTime")).toInstant());
    }
    assertThat(answers.stream().map(answer -> answer.bodyAsJsonObject().getString("id")).distinct()).hasSize(CREATES);
    // 8 to 16 transactions in the runs here: past 2 in flight per event loop, the rest wait to go together.
    assertThat(transactionsOf(user)).isLessThan(CREATES / 2);
  }

  @Test
  void a_row_postgresql_refuses_fails_alone_and_the_rest_of_its_group_is_stored() {
    Token user = service.tokens.user();
    String taken = UUID.randomUUID().toString();
    assertThat(service.create(user.sign(), new JsonObject().put("id", taken)).statusCode()).isEqualTo(201);
    List<JsonObject> bodies = IntStream.range(0, CREATES).mapToObj(i -> switch (i % 25) {
        case 0 -> new JsonObject().put("statusDetail", "a\u0000b");
        case 1 -> new JsonObject().put("id", taken);
        default -> new JsonObject().put("statusDetail", "step " + i);
      })
      .toList();

    List<HttpResponse<Buffer>> answers = createAll(user, bodies);

    for (int i = 0; i < CREATES; i++) {
      HttpResponse<Buffer> answer = answers.get(i);
      switch (i % 25) {
        case 0 -> {
          assertThat(answer.statusCode()).as("create %d", i).isEqualTo(400);
          assertThat(answer.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("cannot be stored");
        }
        case 1 -> assertThat(answer.statusCode()).as("create %d", i).isEqualTo(409);
        default -> assertThat(answer.statusCode()).as("create %d", i).isEqualTo(201);
      }
    }
    assertThat(storedCount(user)).isEqualTo(1 + CREATES - 2 * CREATES / 25);
  }

  /** Sends every create at once, and waits for all the answers, in the order of {@code bodies}. */
  private List<HttpResponse<Buffer>> createAll(Token user, List<JsonObject> bodies) {
    String token = user.sign();
    List<Future<HttpResponse<Buffer>>> sent = bodies.stream()
      .map(body -> client.request(HttpMethod.POST, service.port, "localhost", TestService.OPERATIONS)
        .bearerTokenAuthentication(token)
        .sendJsonObject(body))
      .toList();
    await(Future.join(sent));
    return sent.stream().map(Future::result).toList();
  }

  /** Rows written in one transaction share its id, xmin. */
  private long transactionsOf(Token user) {
    return await(service.database.pool()
      .preparedQuery("SELECT count(DISTINCT xmin::text) FROM operations WHERE owner_id = $1")
      .execute(Tuple.of(user.oid()))).iterator().next().getLong(0);
  }

  private long storedCount(Token user) {
    return await(service.database.pool()
      .preparedQuery("SELECT count(*) FROM operations WHERE owner_id = $1")
      .execute(Tuple.of(user.oid()))).iterator().next().getLong(0);
  }
}
