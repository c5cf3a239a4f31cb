package com.contoso.lro.http;

import com.contoso.lro.ServiceEnv;
import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import com.contoso.lro.TestTokens;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input: 10,000 malformed or mutated requests, spread over all 18 operations, from a seeded
 * {@link Random} ({@link HostileRequests} says what they are). None may get a 5xx; every error must
 * be Graph's {@code {"error": {"code", "message", "innerError"}}}; and the service must stay healthy.
 * A connection closed without an answer is allowed only for a request over a limit or with broken
 * chunked framing, and counted. The seed is printed with any failure; {@code -Dfuzz.seed=N} replays a run. A request whose body
 * never arrives whole (a broken chunked encoding) is answered when the body deadline, 2 s here, passes.
 */
@ServiceEnv("HTTP_BODY_TIMEOUT_SECONDS=2")
class HostileInputFuzzTest extends ServiceTest {

  private static final long DEFAULT_SEED = 20261128L;
  private static final int REQUESTS = 10_000;
  private static final int CLIENTS = 2;

  @Test
  void malformed_requests_to_every_operation_get_graph_errors_never_a_5xx_and_leave_the_service_healthy() throws Exception {
    long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
    TestTokens.Token user = service.tokens.user();
    String existingId = service.create(user.sign(), new JsonObject().put("status", "succeeded"))
      .bodyAsJsonObject().getString("id");
    List<String> authorizations = authorizations(user);

    // Two clients, one per event loop of the service, each with its own stream of the seed.
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<Future<Outcome>> runs = new ArrayList<>();
    for (int client = 0; client < CLIENTS; client++) {
      HostileRequests requests = new HostileRequests(new Random(seed + client), user.oid(), existingId,
        random -> authorizations.get(random.nextInt(authorizations.size())));
      String name = "client " + client;
      runs.add(clients.submit(() -> send(requests, REQUESTS / CLIENTS, name)));
    }
    Outcome outcome = new Outcome();
    try {
      for (Future<Outcome> run : runs) {
        outcome.add(run.get(5, TimeUnit.MINUTES));
      }
    } finally {
      clients.shutdownNow();
    }
    List<String> failures = outcome.failures;
    System.out.printf("HostileInputFuzzTest seed=%d: statuses %s, %d connections cut (a limit, broken chunks),"
      + " per operation %s%n", seed, outcome.perStatus, outcome.cut, outcome.perOperation);

    assertThat(failures).as("seed %d (replay with -Dfuzz.seed=%d): %d failures", seed, seed, failures.size()).isEmpty();
    assertThat(outcome.perOperation).hasSize(18);
    assertThat(outcome.perOperation.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(REQUESTS);
    assertStillHealthy();
  }

  /** What one client saw. */
  private static final class Outcome {
    final Map<String, Integer> perOperation = new TreeMap<>();
    final Map<Integer, Integer> perStatus = new TreeMap<>();
    final List<String> failures = new ArrayList<>();
    int cut;

    void add(Outcome other) {
      other.perOperation.forEach((key, count) -> perOperation.merge(key, count, Integer::sum));
      other.perStatus.forEach((key, count) -> perStatus.merge(key, count, Integer::sum));
      failures.addAll(other.failures);
      cut += other.cut;
    }
  }

  private static Outcome send(HostileRequests requests, int count, String client) throws IOException {
    Outcome outcome = new Outcome();
    try (RawHttp http = new RawHttp(service.port, 10_000)) {
      for (int i = 0; i < count; i++) {
        HostileRequests.Request request = requests.next(HostileRequests.ENDPOINTS.get(i % HostileRequests.ENDPOINTS.size()));
        outcome.perOperation.merge(request.endpoint().operationId(), 1, Integer::sum);
        RawHttp.Answer answer;
        try {
          answer = http.exchange(request.bytes(), request.expectsBody());
        } catch (IOException noAnswer) {
          outcome.failures.add(client + " #" + i + " " + request.describe() + " → " + noAnswer.getMessage());
          continue;
        } finally {
          // A new connection each time: a request that breaks HTTP's framing cannot spill into the next.
          http.close();
        }
        if (answer.closed() && request.mayBeCut()) {
          outcome.cut++;
          continue;
        }
        outcome.perStatus.merge(answer.status(), 1, Integer::sum);
        String problem = problem(request, answer);
        if (problem != null) {
          outcome.failures.add(client + " #" + i + " " + request.describe() + " → " + problem);
        }
      }
    }
    return outcome;
  }

  /** What is wrong with {@code answer}, or null. */
  private static String problem(HostileRequests.Request request, RawHttp.Answer answer) {
    if (answer.closed()) {
      return "the connection was closed without an answer";
    }
    if (answer.status() >= 500) {
      return answer.status() + " " + answer.bodyText();
    }
    if (!"nosniff".equals(answer.header("x-content-type-options"))) {
      return answer.status() + " without X-Content-Type-Options: nosniff";
    }
    if (answer.status() < 400 || !request.expectsBody()) {
      return null;
    }
    try {
      JsonObject error = new JsonObject(answer.bodyText()).getJsonObject("error");
      if (error == null || isBlank(error.getValue("code")) || isBlank(error.getValue("message"))
        || !(error.getValue("innerError") instanceof JsonObject)) {
        return answer.status() + " not in Graph's error shape: " + answer.bodyText();
      }
      return null;
    } catch (DecodeException | ClassCastException e) {
      return answer.status() + " not in Graph's error shape: " + answer.bodyText();
    }
  }

  private static boolean isBlank(Object value) {
    return !(value instanceof String text) || text.isBlank();
  }

  /** Valid and invalid bearer tokens, valid ones most often so that most requests get past authentication. */
  private static List<String> authorizations(TestTokens.Token user) {
    String valid = "Bearer " + user.sign();
    return List.of(valid, valid, valid, valid, valid, valid,
      "Bearer " + service.tokens.user().claim("oid", user.oid()).claim("scp", "UserAuthenticationMethod.Read").sign(),
      "Bearer " + service.tokens.user().appOnly("UserAuthenticationMethod.ReadWrite.All").sign(),
      "Bearer " + service.tokens.user().claim("oid", user.oid()).expiresAt(Instant.now().minusSeconds(3600)).sign(),
      "Bearer " + service.tokens.user().claim("oid", user.oid()).signedWith(service.tokens.stranger).sign(),
      "Bearer " + service.tokens.user().claim("oid", user.oid()).unsigned());
  }

  private static void assertStillHealthy() {
    HttpResponse<Buffer> ready = await(service.request(HttpMethod.GET, "/health/ready").send());
    assertThat(ready.statusCode()).as("ready after the fuzz").isEqualTo(200);
    String token = service.tokens.user().sign();
    HttpResponse<Buffer> created = service.create(token, new JsonObject().put("status", "running"));
    assertThat(created.statusCode()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> read = service.call(HttpMethod.GET, TestService.OPERATIONS + "/" + id, token, null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.bodyAsJsonObject().getString("status")).isEqualTo("running");
  }
}
