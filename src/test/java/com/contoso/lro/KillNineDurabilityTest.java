package com.contoso.lro;

import com.contoso.lro.TestTokens.Token;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crash loses nothing that was acknowledged: the service runs as a real process and takes
 * concurrent creates, some with an Idempotency-Key, some of those retried (at once, and after
 * their 201), and is killed with SIGKILL while requests are in flight. Restarted on the same
 * database and port, it has every operation it answered 201, exactly as it answered it, answers a
 * retry of each key with the same operation, and no key made two operations.
 */
@ExtendWith(VertxExtension.class)
class KillNineDurabilityTest {

  private static final int IN_FLIGHT = 24;
  private static final int ACKNOWLEDGED_BEFORE_KILL = 200;
  private static final int SIGKILL_EXIT = 128 + 9;

  @TempDir
  Path dir;

  @Test
  void every_201_survives_a_kill_9_and_no_idempotency_key_makes_two_operations(Vertx vertx) throws Exception {
    TestDatabase database = await(TestDatabase.create(vertx));
    TestTokens tokens = new TestTokens();
    Token user = tokens.user();
    Map<String, String> env = new HashMap<>(database.env());
    int port = TestService.freePort();
    env.put("HTTP_PORT", String.valueOf(port));
    env.putAll(TestTokens.trusting(tokens.writeJwks(dir)));
    // One user makes all the load here: a 429 from the per-caller throttle would stop a client early.
    env.put("THROTTLE_RATE_PER_SECOND", "0");
    WebClient client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(2 * IN_FLIGHT));
    List<Process> servers = new ArrayList<>();
    Load load = new Load(client, port, user.sign());
    try {
      Process first = serve(env, servers);
      load.start();
      assertThat(load.acknowledged.await(90, TimeUnit.SECONDS))
        .as("%d creates acknowledged; unexpected answers: %s", ACKNOWLEDGED_BEFORE_KILL, load.unexpected).isTrue();

      load.killed = true;
      first.destroyForcibly();
      assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(first.exitValue()).as("killed by SIGKILL, with no chance to finish anything").isEqualTo(SIGKILL_EXIT);
      await(load.ended());
      assertThat(load.unexpected).as("answers other than 201 and an in-flight 409 before the kill").isEmpty();
      assertThat(load.cutByTheKill.get()).as("requests in flight when the process died").isPositive();

      serve(env, servers);
      WebClient after = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(2 * IN_FLIGHT));
      String token = user.sign();

      everyAcknowledgedOperationReadsAsAnswered(after, port, token, load);
      Map<String, String> operationsByDetail = operationsByDetail(database, user.oid());
      eachKeyMadeAtMostTheOperationItsAnswerNames(keys(database, user.oid()), operationsByDetail, load);
      aRetryOfEachKeyAnswersTheSame(after, port, token, load, operationsByDetail);
      // A key whose request never reached the service before the kill makes its operation now.
      assertThat(operationsByDetail(database, user.oid())).as("the retries after the restart changed no operation")
        .containsAllEntriesOf(operationsByDetail);
    } finally {
      load.killed = true;
      servers.forEach(Process::destroyForcibly);
      await(database.drop());
    }
  }

  /**
   * One of two instances on one database is killed with SIGKILL under concurrent creates and
   * updates: every create and update it acknowledged is stored as answered (an update in flight may
   * have landed too, as the next version), and a client whose long-poll was held there waits again
   * on the other instance and is woken by a later change.
   */
  @Test
  void of_two_instances_one_killed_by_kill_9_loses_no_acknowledged_write_and_its_waiter_moves_to_the_other(Vertx vertx)
    throws Exception {
    TestDatabase database = await(TestDatabase.create(vertx));
    TestTokens tokens = new TestTokens();
    Token user = tokens.user();
    String token = user.sign();
    Map<String, String> env = new HashMap<>(database.env());
    int port = TestService.freePort();
    env.put("HTTP_PORT", String.valueOf(port));
    env.putAll(TestTokens.trusting(tokens.writeJwks(dir)));
    env.put("THROTTLE_RATE_PER_SECOND", "0");
    List<Process> servers = new ArrayList<>();
    TestService other = null;
    AtomicBoolean killed = new AtomicBoolean();
    try {
      Process doomed = serve(env, servers);
      other = TestService.awaitStart(TestService.start(vertx, tokens, database, Map.of("THROTTLE_RATE_PER_SECOND", "0")));
      WebClient client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(16));
      List<String> updated = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        updated.add(other.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id"));
      }
      String watched = other.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");
      Map<String, JsonObject> createdAnswers = new ConcurrentHashMap<>();
      Map<String, List<JsonObject>> updateAnswers = new ConcurrentHashMap<>();
      CountDownLatch acknowledged = new CountDownLatch(40);
      List<Future<Void>> clients = new ArrayList<>();
      for (String id : updated) {
        clients.add(updateUntilKilled(client, port, token, id, 0, killed, updateAnswers, acknowledged));
        clients.add(createUntilKilled(client, port, token, killed, createdAnswers, acknowledged));
      }
      Future<HttpResponse<Buffer>> heldThere = client.get(port, "localhost", TestService.OPERATIONS + "/" + watched)
        .bearerTokenAuthentication(token).putHeader("Prefer", "wait=30").send();
      awaitWaiters(client, port, 1);
      assertThat(acknowledged.await(60, TimeUnit.SECONDS)).as("writes acknowledged before the kill").isTrue();

      killed.set(true);
      doomed.destroyForcibly();
      assertThat(doomed.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(doomed.exitValue()).as("killed by SIGKILL").isEqualTo(SIGKILL_EXIT);
      await(Future.join(clients));
      assertThat(await(heldThere.<Boolean>transform(held -> Future.succeededFuture(held.failed()))).booleanValue())
        .as("the long-poll held on the killed instance ended with its connection").isTrue();

      // The client waits again, on the other instance, and a later change wakes it.
      Future<HttpResponse<Buffer>> heldAgain = other.request(HttpMethod.GET, TestService.OPERATIONS + "/" + watched)
        .bearerTokenAuthentication(token).putHeader("Prefer", "wait=30").send();
      awaitWaiters(client, other.port, 1);
      long changed = System.nanoTime();
      JsonObject change = other.call(HttpMethod.PATCH, TestService.OPERATIONS + "/" + watched, token,
        new JsonObject().put("status", "succeeded")).bodyAsJsonObject();
      HttpResponse<Buffer> woken = await(heldAgain);
      assertThat(woken.statusCode()).isEqualTo(200);
      assertThat(woken.bodyAsJsonObject()).isEqualTo(change);
      assertThat(Duration.ofNanos(System.nanoTime() - changed)).as("woken by the change, not by its 30 s").isLessThan(Duration.ofSeconds(10));

      assertThat(createdAnswers).as("creates acknowledged by the killed instance").isNotEmpty();
      for (JsonObject answer : createdAnswers.values()) {
        Row stored = other.storedRow(user.oid(), answer.getString("id"));
        assertThat(stored).as("acknowledged create %s", answer).isNotNull();
        assertThat(stored.getString("status_detail")).isEqualTo(answer.getString("statusDetail"));
      }
      assertThat(updateAnswers).as("updates acknowledged by the killed instance").isNotEmpty();
      TestService survivor = other;
      updateAnswers.forEach((id, answers) -> {
        JsonObject last = answers.get(answers.size() - 1);
        Row stored = survivor.storedRow(user.oid(), id);
        // The update in flight when the process died may have committed as the next version.
        assertThat(stored.getString("status_detail")).as("operation %s after the kill", id)
          .isIn(last.getString("statusDetail"), detail(answers.size()));
      });
    } finally {
      killed.set(true);
      servers.forEach(Process::destroyForcibly);
      if (other != null) {
        await(other.undeploy());
      }
      await(database.drop());
    }
  }

  /** The statusDetail of a client's {@code n}th update of its operation, counted from 0. */
  private static String detail(int n) {
    return "update " + n;
  }

  /** Updates {@code id} again and again, each with the next detail, recording each 200, until the kill. */
  private static Future<Void> updateUntilKilled(WebClient client, int port, String token, String id, int n,
                                                AtomicBoolean killed, Map<String, List<JsonObject>> answers,
                                                CountDownLatch acknowledged) {
    if (killed.get()) {
      return Future.succeededFuture();
    }
    return client.patch(port, "localhost", TestService.OPERATIONS + "/" + id).bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("statusDetail", detail(n)))
      .transform(answer -> {
        if (answer.failed() && killed.get()) {
          return Future.succeededFuture();
        }
        assertThat(answer.succeeded()).as("an update before the kill: %s", answer.cause()).isTrue();
        assertThat(answer.result().statusCode()).as("an update: %s", answer.result().bodyAsString()).isEqualTo(200);
        answers.computeIfAbsent(id, each -> new CopyOnWriteArrayList<>()).add(answer.result().bodyAsJsonObject());
        acknowledged.countDown();
        return updateUntilKilled(client, port, token, id, n + 1, killed, answers, acknowledged);
      });
  }

  /** Creates again and again, recording each 201, until the kill. */
  private static Future<Void> createUntilKilled(WebClient client, int port, String token, AtomicBoolean killed,
                                                Map<String, JsonObject> answers, CountDownLatch acknowledged) {
    if (killed.get()) {
      return Future.succeededFuture();
    }
    return client.post(port, "localhost", TestService.OPERATIONS).bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("statusDetail", "created before the kill " + answers.size()))
      .transform(answer -> {
        if (answer.failed() && killed.get()) {
          return Future.succeededFuture();
        }
        assertThat(answer.succeeded()).as("a create before the kill: %s", answer.cause()).isTrue();
        assertThat(answer.result().statusCode()).as("a create: %s", answer.result().bodyAsString()).isEqualTo(201);
        JsonObject created = answer.result().bodyAsJsonObject();
        answers.put(created.getString("id"), created);
        acknowledged.countDown();
        return createUntilKilled(client, port, token, killed, answers, acknowledged);
      });
  }

  private static void awaitWaiters(WebClient client, int port, int waiters) throws InterruptedException {
    String expected = "\nlro_waiting_requests " + waiters + ".0";
    for (int i = 0; i < 400 && !waiting(client, port, expected); i++) {
      Thread.sleep(25);
    }
    assertThat(waiting(client, port, expected)).as("%d long-polls held on port %d", waiters, port).isTrue();
  }

  private static boolean waiting(WebClient client, int port, String expected) {
    return await(client.get(port, "localhost", "/metrics").send()).bodyAsString().contains(expected);
  }

  private static void everyAcknowledgedOperationReadsAsAnswered(WebClient client, int port, String token, Load load) {
    List<Future<HttpResponse<Buffer>>> reads = new ArrayList<>();
    load.answers.forEach((id, answered) -> reads.add(client.get(port, "localhost", TestService.OPERATIONS + "/" + id)
      .bearerTokenAuthentication(token).send()));
    await(Future.join(reads));
    for (Future<HttpResponse<Buffer>> read : reads) {
      JsonObject stored = read.result().bodyAsJsonObject();
      assertThat(read.result().statusCode()).as("an acknowledged operation, read after the restart: %s", stored)
        .isEqualTo(200);
      assertThat(stored.getMap()).as("an acknowledged operation, read after the restart")
        .containsAllEntriesOf(load.answers.get(stored.getString("id")).getMap());
    }
  }

  private static void eachKeyMadeAtMostTheOperationItsAnswerNames(Map<String, JsonObject> keys,
                                                                  Map<String, String> operationsByDetail, Load load) {
    assertThat(load.keysSent()).as("the keys stored are those sent").containsAll(keys.keySet());
    load.keysSent().stream().filter(key -> !load.idsAnswered(key).isEmpty()).forEach(key ->
      assertThat(keys.get(key)).as("the stored answer of key %s, answered 201", key).isNotNull());
    keys.forEach((key, response) -> {
      String made = operationsByDetail.get(Load.detail(key));
      if (response == null) {
        assertThat(made).as("a key whose create died in flight made no operation: %s", key).isNull();
        assertThat(load.idsAnswered(key)).as("an unanswered key's 201s").isEmpty();
      } else {
        assertThat(made).as("the one operation of key %s", key).isEqualTo(response.getJsonObject("body").getString("id"));
      }
      assertThat(load.idsAnswered(key)).as("every 201 for key %s names its one operation", key)
        .allSatisfy(id -> assertThat(id).isEqualTo(made));
    });
  }

  private static void aRetryOfEachKeyAnswersTheSame(WebClient client, int port, String token, Load load,
                                                    Map<String, String> operationsByDetail) {
    List<String> replayed = new ArrayList<>(load.keysSent());
    List<Future<HttpResponse<Buffer>>> replays = replayed.stream()
      .map(key -> client.post(port, "localhost", TestService.OPERATIONS).bearerTokenAuthentication(token)
        .putHeader("Idempotency-Key", key).sendJsonObject(Load.body(key)))
      .toList();
    await(Future.join(replays));
    for (int i = 0; i < replayed.size(); i++) {
      String key = replayed.get(i);
      HttpResponse<Buffer> replay = replays.get(i).result();
      if (load.idsAnswered(key).isEmpty()) {
        // Died in flight: its own create committed or not, and an abandoned claim is 409 for a while.
        assertThat(replay.statusCode()).as("a retry of key %s, unanswered before the kill", key).isIn(201, 409);
      } else {
        assertThat(replay.statusCode()).as("a retry of key %s after the restart", key).isEqualTo(201);
        assertThat(replay.bodyAsJsonObject()).isEqualTo(load.answers.get(load.idsAnswered(key).iterator().next()));
      }
      if (replay.statusCode() == 201 && operationsByDetail.containsKey(Load.detail(key))) {
        assertThat(replay.bodyAsJsonObject().getString("id")).isEqualTo(operationsByDetail.get(Load.detail(key)));
      }
    }
  }

  /** Starts the service as a process of its own and waits until it serves. */
  private static Process serve(Map<String, String> env, List<Process> servers) throws Exception {
    Process server = JavaProcess.command(Main.class, env).start();
    servers.add(server);
    List<String> output = new CopyOnWriteArrayList<>();
    JavaProcess.Output followed = JavaProcess.follow(server, output);
    assertThat(followed.serving().await(60, TimeUnit.SECONDS)).as("serving; output: %s", output).isTrue();
    return server;
  }

  /** Each stored operation's id by its statusDetail, which the load makes unique per create. */
  private static Map<String, String> operationsByDetail(TestDatabase database, String owner) {
    List<Row> rows = new ArrayList<>();
    await(database.pool().preparedQuery("SELECT status_detail, id FROM operations WHERE owner_id = $1")
      .execute(Tuple.of(owner))).forEach(rows::add);
    Map<String, Long> counts = rows.stream().collect(Collectors.groupingBy(row -> row.getString(0), Collectors.counting()));
    assertThat(counts).as("operations per create body: a key that made two would show here")
      .allSatisfy((detail, count) -> assertThat(count).as(detail).isEqualTo(1));
    return rows.stream().collect(Collectors.toMap(row -> row.getString(0), row -> row.getString(1)));
  }

  /** Each Idempotency-Key's stored answer, or null while its create was in flight. */
  private static Map<String, JsonObject> keys(TestDatabase database, String owner) {
    Map<String, JsonObject> keys = new HashMap<>();
    await(database.pool().preparedQuery("SELECT key, response FROM idempotency_keys WHERE owner_id = $1")
      .execute(Tuple.of(owner))).forEach(row -> keys.put(row.getString(0), (JsonObject) row.getValue(1)));
    return keys;
  }

  /**
   * IN_FLIGHT clients, each sending its next create as soon as the last is answered: a quarter
   * without a key, a quarter with a new key, a quarter with a new key sent twice at once, and a
   * quarter retrying a key already answered. Every 201 is recorded; the clients stop once the
   * process is killed and their requests fail.
   */
  private static final class Load {
    final CountDownLatch acknowledged = new CountDownLatch(ACKNOWLEDGED_BEFORE_KILL);
    /** Each acknowledged operation, as its 201 gave it. */
    final Map<String, JsonObject> answers = new ConcurrentHashMap<>();
    final List<String> unexpected = new CopyOnWriteArrayList<>();
    final AtomicInteger cutByTheKill = new AtomicInteger();
    volatile boolean killed;
    private final Map<String, Set<String>> idsByKey = new ConcurrentHashMap<>();
    private final List<String> answeredKeys = new CopyOnWriteArrayList<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final List<Future<Void>> clients = new ArrayList<>();
    private final WebClient client;
    private final int port;
    private final String token;

    Load(WebClient client, int port, String token) {
      this.client = client;
      this.port = port;
      this.token = token;
    }

    void start() {
      for (int i = 0; i < IN_FLIGHT; i++) {
        Promise<Void> stopped = Promise.promise();
        clients.add(stopped.future());
        next(stopped);
      }
    }

    Future<Void> ended() {
      return Future.join(clients).mapEmpty();
    }

    Set<String> keysSent() {
      return idsByKey.keySet();
    }

    Set<String> idsAnswered(String key) {
      return idsByKey.getOrDefault(key, Set.of());
    }

    /** Unique per create, so that the database shows which key, if any, made each operation. */
    static String detail(String key) {
      return "created with Idempotency-Key " + key;
    }

    /** The one body sent with {@code key}, every time. */
    static JsonObject body(String key) {
      int variant = Math.floorMod(key.hashCode(), 4);
      JsonObject body = new JsonObject()
        .put("status", List.of("notStarted", "running", "succeeded", "failed").get(variant))
        .put("statusDetail", detail(key))
        .put("resourceLocation", "https://graph.microsoft.com/beta/users/me/authentication/methods/" + key);
      return variant % 2 == 0 ? body : body.put("lastActionDateTime", "2026-11-01T08:30:00.125+02:00");
    }

    private void next(Promise<Void> stopped) {
      if (killed) {
        stopped.complete();
        return;
      }
      int n = sent.incrementAndGet();
      Future<?> done = switch (n % 4) {
        case 0 -> send(null, new JsonObject().put("status", "running").put("statusDetail", "created without a key " + n));
        case 1 -> send("key-" + n, body("key-" + n));
        case 2 -> Future.join(send("key-" + n, body("key-" + n)), send("key-" + n, body("key-" + n)));
        default -> {
          String key = answeredKeys.isEmpty()
            ? "key-" + n : answeredKeys.get(ThreadLocalRandom.current().nextInt(answeredKeys.size()));
          yield send(key, body(key));
        }
      };
      done.onComplete(ignored -> next(stopped));
    }

    private Future<HttpResponse<Buffer>> send(String key, JsonObject body) {
      var request = client.request(HttpMethod.POST, port, "localhost", TestService.OPERATIONS).bearerTokenAuthentication(token);
      if (key != null) {
        request.putHeader("Idempotency-Key", key);
        idsByKey.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
      }
      return request.sendJsonObject(body).onComplete(response -> {
        if (response.failed()) {
          if (killed) {
            cutByTheKill.incrementAndGet();
          } else {
            unexpected.add(response.cause().toString());
          }
        } else if (response.result().statusCode() == 201) {
          JsonObject answer = response.result().bodyAsJsonObject();
          JsonObject earlier = answers.putIfAbsent(answer.getString("id"), answer);
          if (earlier != null && !earlier.equals(answer)) {
            unexpected.add("two answers for " + answer.getString("id") + ": " + earlier + " and " + answer);
          }
          if (key != null) {
            idsByKey.get(key).add(answer.getString("id"));
            answeredKeys.add(key);
          }
          acknowledged.countDown();
        } else if (key == null || response.result().statusCode() != 409) {
          unexpected.add(response.result().statusCode() + " " + response.result().bodyAsString());
        }
      });
    }
  }
}
