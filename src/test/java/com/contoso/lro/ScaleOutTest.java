package com.contoso.lro;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.PATCH;
import static org.assertj.core.api.Assertions.assertThat;

/** Two instances on one database, as users scale out: no update is lost under If-Match. */
class ScaleOutTest extends TwoInstanceTest {

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
