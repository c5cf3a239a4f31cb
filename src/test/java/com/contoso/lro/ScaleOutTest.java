package com.contoso.lro;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.PATCH;
import static org.assertj.core.api.Assertions.assertThat;

/** Two instances on one database, as users scale out: no update is lost under If-Match. */
@ExtendWith(VertxExtension.class)
class ScaleOutTest {

  private static TestService first;
  private static TestService second;
  private static Vertx secondVertx;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext test) {
    secondVertx = Vertx.vertx();
    TestService.start(vertx)
      .compose(started -> {
        first = started;
        return first.another(secondVertx);
      })
      .onComplete(test.succeeding(started -> {
        second = started;
        test.completeNow();
      }));
  }

  /** On the JUnit thread: a Vert.x instance closed from another one's event loop does not finish closing. */
  @AfterAll
  static void stop() {
    await(second.stop());
    await(secondVertx.close());
    await(first.stop());
  }

  @Test
  void of_patches_with_one_if_match_spread_over_both_instances_exactly_one_wins() {
    var user = first.tokens.user();
    String token = user.sign();
    String id = first.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");
    List<Future<HttpResponse<Buffer>>> patches = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      TestService instance = i % 2 == 0 ? first : second;
      patches.add(instance.request(PATCH, "/beta/me/authentication/operations/" + id).bearerTokenAuthentication(token)
        .putHeader("If-Match", "\"1\"").sendJsonObject(new JsonObject().put("statusDetail", "writer " + i)));
    }
    await(Future.join(patches));

    List<HttpResponse<Buffer>> won = patches.stream().map(Future::result).filter(r -> r.statusCode() == 200).toList();
    assertThat(won).hasSize(1);
    assertThat(patches).allSatisfy(patch -> assertThat(patch.result().statusCode()).isIn(200, 412));
    assertThat(first.storedRow(user.oid(), id).getString("status_detail"))
      .isEqualTo(won.get(0).bodyAsJsonObject().getString("statusDetail"));
    assertThat(first.storedRow(user.oid(), id).getLong("version")).isEqualTo(2L);
  }
}
