package com.contoso.lro.batch;

import com.contoso.lro.ServiceEnv;
import com.contoso.lro.ServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each request of a batch spends from its caller's rate as if it had been sent alone, and so does the
 * batch: with a burst of 4, a batch and three of its five creates are served, and its other two are
 * answered 429 tooManyRequests with Retry-After inside the batch's 200, and create nothing. The next
 * batch is itself a 429.
 */
@ServiceEnv({"THROTTLE_RATE_PER_SECOND=0.25", "THROTTLE_BURST=4"})
class BatchThrottlingTest extends ServiceTest {

  @Test
  void a_batchs_requests_spend_the_callers_rate_one_each_as_alone() {
    String token = service.tokens.user().sign();
    JsonArray five = new JsonArray();
    IntStream.rangeClosed(1, 5).forEach(i -> five.add(new JsonObject().put("id", String.valueOf(i)).put("method", "POST")
      .put("url", "/me/authentication/operations").put("headers", new JsonObject().put("Content-Type", "application/json"))
      .put("body", new JsonObject().put("statusDetail", "#" + i))));

    HttpResponse<Buffer> answer = batch(token, new JsonObject().put("requests", five));

    assertThat(answer.statusCode()).isEqualTo(200);
    List<JsonObject> answers = answer.bodyAsJsonObject().getJsonArray("responses").stream().map(JsonObject.class::cast).toList();
    assertThat(answers).filteredOn(item -> item.getInteger("status") == 201).hasSize(3);
    List<JsonObject> refused = answers.stream().filter(item -> item.getInteger("status") == 429).toList();
    assertThat(refused).hasSize(2).allSatisfy(item -> {
      assertThat(item.getJsonObject("body").getJsonObject("error").getString("code")).isEqualTo("tooManyRequests");
      assertThat(Integer.parseInt(item.getJsonObject("headers").getString("retry-after"))).isBetween(1, 4);
    });

    long stored = await(service.database.pool().query("SELECT count(*) FROM operations").execute())
      .iterator().next().getLong(0);
    assertThat(stored).as("operations stored").isEqualTo(3);
    HttpResponse<Buffer> next = batch(token, new JsonObject().put("requests", five));
    assertThat(next.statusCode()).isEqualTo(429);
    assertThat(next.getHeader("Retry-After")).isNotBlank();
  }

  private static HttpResponse<Buffer> batch(String token, JsonObject body) {
    return await(service.request(POST, "/beta/$batch").bearerTokenAuthentication(token).sendJsonObject(body));
  }
}
