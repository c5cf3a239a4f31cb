package com.contoso.lro.throttle;

import com.contoso.lro.ServiceEnv;
import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * LONG_POLLS_PER_CALLER (3 here): a caller holds that many GETs with Prefer: wait on an instance at
 * most; one more is a 429 tooManyRequests with Retry-After, in Graph's shape, and costs nothing.
 * A long-poll is given back once, when it is answered or its client goes.
 */
@ServiceEnv("LONG_POLLS_PER_CALLER=3")
class LongPollLimitTest extends ServiceTest {

  private static final String OPERATIONS = "/beta/me/authentication/operations/";

  @Test
  void a_caller_over_its_long_polls_gets_a_429_others_do_not_and_each_ended_wait_gives_its_place_back(Vertx vertx) throws Exception {
    Token alice = service.tokens.user();
    Token bob = service.tokens.user();
    String aliceToken = alice.sign();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(service.create(aliceToken, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id"));
    }
    HttpClient raw = vertx.createHttpClient();
    List<HttpClientRequest> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(hold(raw, aliceToken, ids.get(i)));
    }
    awaitWaiting(3);

    HttpResponse<Buffer> refused = waitFor(aliceToken, ids.get(3));
    String bobsId = service.create(bob.sign(), new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");
    Future<HttpResponse<Buffer>> bobWaits = waitAsync(bob.sign(), bobsId);
    awaitWaiting(4);

    assertThat(refused.statusCode()).isEqualTo(429);
    int retryAfter = Integer.parseInt(refused.getHeader("Retry-After"));
    assertThat(retryAfter).as("spread from 30 to 60 s, so that refusals made together come back apart, once a "
      + "held one may have ended").isBetween(30, 60);
    JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("tooManyRequests");
    assertThat(error.getString("message")).contains("3").contains("Prefer: wait").contains("Retry after " + retryAfter + " seconds");
    assertThat(error.getJsonObject("innerError").getString("request-id")).isNotBlank();
    assertThat(waitFor(aliceToken, ids.get(3), null).statusCode()).as("a GET without Prefer: wait is not counted").isEqualTo(200);

    // Woken by a change: the answer comes after its place is given back.
    service.call(PATCH, OPERATIONS + ids.get(0), aliceToken, new JsonObject().put("statusDetail", "moved"));
    assertThat(await(held.get(0).response()).statusCode()).isEqualTo(200);
    Future<HttpResponse<Buffer>> again = waitAsync(aliceToken, ids.get(3));
    awaitWaiting(4);
    assertThat(again.isComplete()).as("the fourth wait is held, not refused").isFalse();

    // A client that goes gives its place back too, once.
    held.get(1).connection().close();
    awaitWaiting(3);
    Future<HttpResponse<Buffer>> afterClose = waitAsync(aliceToken, ids.get(1));
    awaitWaiting(4);
    assertThat(afterClose.isComplete()).isFalse();

    for (String id : List.of(ids.get(1), ids.get(2), ids.get(3), bobsId)) {
      service.call(PATCH, OPERATIONS + id, id.equals(bobsId) ? bob.sign() : aliceToken,
        new JsonObject().put("status", "succeeded"));
    }
    assertThat(await(again).statusCode()).isEqualTo(200);
    assertThat(await(afterClose).statusCode()).isEqualTo(200);
    assertThat(await(bobWaits).statusCode()).isEqualTo(200);
    awaitWaiting(0);
    raw.close();
  }

  private static HttpClientRequest hold(HttpClient client, String token, String id) {
    HttpClientRequest request = await(client.request(new RequestOptions().setMethod(HttpMethod.GET)
      .setPort(service.port).setHost("localhost").setURI(OPERATIONS + id)
      .putHeader("Authorization", "Bearer " + token).putHeader("Prefer", "wait=60")));
    request.end();
    return request;
  }

  private static HttpResponse<Buffer> waitFor(String token, String id) {
    return await(waitAsync(token, id));
  }

  private static HttpResponse<Buffer> waitFor(String token, String id, String prefer) {
    return await(service.request(GET, OPERATIONS + id).bearerTokenAuthentication(token).send());
  }

  private static Future<HttpResponse<Buffer>> waitAsync(String token, String id) {
    return service.request(GET, OPERATIONS + id).bearerTokenAuthentication(token).putHeader("Prefer", "wait=60").send();
  }

  /** Until the instance holds exactly {@code count} long-polls, by its lro_waiting_requests (bounded: 10 s). */
  private static void awaitWaiting(int count) throws InterruptedException {
    for (int i = 0; i < 200 && waiting() != count; i++) {
      Thread.sleep(50);
    }
    assertThat(waiting()).isEqualTo(count);
  }

  private static int waiting() {
    Matcher gauge = Pattern.compile("(?m)^lro_waiting_requests(?:\\{[^}]*})? (\\S+)$")
      .matcher(await(service.request(GET, "/metrics").send()).bodyAsString());
    assertThat(gauge.find()).as("lro_waiting_requests in /metrics").isTrue();
    return (int) Double.parseDouble(gauge.group(1));
  }
}
