import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The load and the checks of `make drill` (bench/drill.sh), in two modes.
 *
 * <p>{@code load}: steady mixed load through HAProxy until the stop file appears: creates, reads by id,
 * lists and PATCHes at constant rates (open loop, as bench/SoakLoad.java), and long-pollers holding
 * {@code GET .../{id}} with {@code Prefer: wait} and {@code If-None-Match} on operations that paced
 * PATCHes change. It keeps a ledger of every write: per operation, the values of its last
 * acknowledged write and of the writes sent after it whose answer never came, or came other than
 * 2xx (they may have been stored). A long-poll answered 304 although an acknowledged PATCH had made
 * a newer version than it named a second before its wait could end is a missed wake; a long-poll that failed and waits again
 * must be woken by a later change. Every failure is kept with its times and the instance that HAProxy
 * says served it (X-Served-By), so that the drill can tell the requests in flight on a killed
 * instance from the rest. Writes result.json, ledger.csv (id, allowed statusDetail) and
 * latencies.csv (each request's sent-at epoch ms, milliseconds to its answer) to --out.
 *
 * <p>{@code probe}: until every instance, asked directly, creates, reads, lists and wakes a waiter
 * held on it when another instance PATCHes the operation (through its LISTEN connection), and
 * HAProxy serves a create; writes the milliseconds from the moment in --since-file (epoch ms; it waits for the file) to that moment to --out.
 *
 * <pre>java -cp target/lro-service.jar bench/DrillLoad.java load --front PORT --token-file F --out DIR
 *   --stop-file F [--create-rate 40] [--read-rate 40] [--list-rate 5] [--patch-rate 20] [--waiters 30]
 *   [--waited-patch-rate 10] [--db-timeout-seconds 5]
 * java -cp target/lro-service.jar bench/DrillLoad.java probe --front PORT --instances P1,P2,P3 --token-file F
 *   --since-file FILE --out FILE [--timeout-seconds 60]</pre>
 */
public class DrillLoad {

  private static final String OPERATIONS = "/beta/me/authentication/operations";
  private static final int TICK_MS = 10;
  private static final int MAX_IN_FLIGHT = 256;
  private static final int WAIT_SECONDS = 20;
  /** A PATCH acknowledged this long before a wait could end should have woken it. */
  private static final long MISSED_WAKE_MS = 1_000;
  private static final int READABLE_IDS = 20_000;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client;
  private final HttpClient waiting;
  private final String token;
  private final long hangMs;

  private final Map<String, Integer> failures = new TreeMap<>();
  private final JsonArray failureLog = new JsonArray();
  private final Map<String, Long> requests = new TreeMap<>();
  private final Map<String, Tracked> ledger = new LinkedHashMap<>();
  private final List<String> patchable = new ArrayList<>();
  private final List<String> waited = new ArrayList<>();
  private final long[] latencies = new long[1 << 20];
  /** When each request of latencies was sent (epoch ms): the network drill judges those sent while the link was slow. */
  private final long[] sentAtMs = new long[1 << 20];
  private int latencyCount;
  private long created;
  private long writes;
  private long ackedCreates;
  private long ackedPatches;
  private long wakes;
  private long timedOutWaits;
  private long missedWakes;
  private long rewaits;
  private long rewoken;
  /** Creates, reads, lists and PATCHes in flight; the long-polls apart. */
  private int inFlight;
  private volatile boolean stopping;

  /** One operation's writes: what the database may hold for it now. */
  private static final class Tracked {
    String acked;
    /** Its recent acknowledged PATCHes: when, and the version each made. */
    final java.util.ArrayDeque<long[]> acks = new java.util.ArrayDeque<>();
    String etag;
    final List<String> inDoubt = new ArrayList<>();
    boolean patching;
    long coolUntilMs;
  }

  DrillLoad(int port, String token, int waiters, int dbTimeoutSeconds) {
    this.token = token;
    this.hangMs = (dbTimeoutSeconds + 2) * 1000L;
    // Vert.x's defaults otherwise: how long an idle connection is kept comes from HAProxy's Keep-Alive
    // header (deploy/haproxy.cfg), as for any client of the deployment.
    HttpClientOptions options = new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
      .setKeepAlive(true).setConnectTimeout(10_000);
    client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(32).setMaxWaitQueueSize(-1));
    waiting = vertx.createHttpClient(new HttpClientOptions(options).setIdleTimeout(WAIT_SECONDS + 60),
      new PoolOptions().setHttp1MaxSize(waiters + 8).setMaxWaitQueueSize(-1));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected a mode and --name value pairs, got " + Arrays.toString(args));
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    String token = Files.readString(Path.of(options.get("token-file"))).strip();
    int front = Integer.parseInt(options.get("front"));
    int dbTimeout = Integer.parseInt(options.getOrDefault("db-timeout-seconds", "5"));
    if (args[0].equals("probe")) {
      int[] instances = Arrays.stream(options.get("instances").split(",")).mapToInt(Integer::parseInt).toArray();
      // Started before the fault, so that its own start-up is not measured: the drill writes the
      // moment of the disruption to the since file when it is over.
      Path sinceFile = Path.of(options.get("since-file"));
      while (!Files.exists(sinceFile) || Files.readString(sinceFile).isBlank()) {
        Thread.sleep(50);
      }
      long since = Long.parseLong(Files.readString(sinceFile).strip());
      int timeout = Integer.parseInt(options.getOrDefault("timeout-seconds", "60"));
      System.exit(Probe.run(front, instances, token, since, timeout, Path.of(options.get("out"))) ? 0 : 1);
    }
    int waiters = Integer.parseInt(options.getOrDefault("waiters", "30"));
    DrillLoad load = new DrillLoad(front, token, waiters, dbTimeout);
    try {
      load.run(Path.of(options.get("out")), Path.of(options.get("stop-file")),
        Double.parseDouble(options.getOrDefault("create-rate", "40")),
        Double.parseDouble(options.getOrDefault("read-rate", "40")),
        Double.parseDouble(options.getOrDefault("list-rate", "5")),
        Double.parseDouble(options.getOrDefault("patch-rate", "20")),
        waiters, Double.parseDouble(options.getOrDefault("waited-patch-rate", "10")));
    } finally {
      load.vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  void run(Path out, Path stopFile, double createRate, double readRate, double listRate, double patchRate,
           int waiters, double waitedPatchRate) throws Exception {
    onEventLoop(() -> createWaited(waiters)).get(60, TimeUnit.SECONDS);
    Files.createDirectories(out);
    Files.writeString(out.resolve("started"), "");
    long start = System.nanoTime();
    onEventLoop(() -> {
      waited.forEach(id -> waitOn(id, false));
      pace(start, createRate, this::create);
      pace(start, readRate, this::read);
      pace(start, listRate, this::list);
      pace(start, patchRate, () -> patchOneOf(patchable));
      pace(start, waitedPatchRate, () -> patchOneOf(waited));
      return Future.succeededFuture();
    }).get();
    while (!Files.exists(stopFile)) {
      Thread.sleep(100);
    }
    stopping = true;
    // Requests in flight finish (a database that does not answer answers 503 within DB_TIMEOUT_SECONDS).
    long drainUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(hangMs + 5_000);
    while (onEventLoop(() -> Future.succeededFuture(inFlight)).get() > 0 && System.nanoTime() < drainUntil) {
      Thread.sleep(100);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    JsonObject result = onEventLoop(() -> Future.succeededFuture(summary(seconds))).get();
    StringBuilder csv = new StringBuilder();
    onEventLoop(() -> {
      ledger.forEach((id, tracked) -> {
        if (tracked.acked != null) {
          csv.append(id).append(',').append(tracked.acked).append('\n');
          tracked.inDoubt.forEach(value -> csv.append(id).append(',').append(value).append('\n'));
        }
      });
      return Future.succeededFuture();
    }).get();
    Files.writeString(out.resolve("ledger.csv"), csv);
    StringBuilder timings = new StringBuilder();
    onEventLoop(() -> {
      for (int i = 0; i < latencyCount; i++) {
        timings.append(sentAtMs[i]).append(',').append(latencies[i]).append('\n');
      }
      return Future.succeededFuture();
    }).get();
    Files.writeString(out.resolve("latencies.csv"), timings);
    Files.writeString(out.resolve("result.json"), result.encodePrettily());
  }

  private JsonObject summary(double seconds) {
    long[] sorted = Arrays.copyOf(latencies, latencyCount);
    Arrays.sort(sorted);
    return new JsonObject()
      .put("seconds", seconds)
      .put("requests", requests.values().stream().mapToLong(Long::longValue).sum())
      .put("requestsByKind", new JsonObject(new HashMap<>(requests)))
      .put("failures", new JsonObject(new HashMap<>(failures)))
      .put("failureLog", failureLog)
      .put("ackedCreates", ackedCreates).put("ackedPatches", ackedPatches)
      .put("operationsChecked", ledger.values().stream().filter(t -> t.acked != null).count())
      .put("wakes", wakes).put("timedOutWaits", timedOutWaits).put("missedWakes", missedWakes)
      .put("rewaitsAfterFailure", rewaits).put("rewaitsWoken", rewoken)
      .put("p50Ms", percentile(sorted, 0.50)).put("p99Ms", percentile(sorted, 0.99))
      .put("maxMs", sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
  }

  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private <T> CompletableFuture<T> onEventLoop(java.util.function.Supplier<Future<T>> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    vertx.runOnContext(ignored -> work.get().onComplete(done -> {
      if (done.succeeded()) {
        result.complete(done.result());
      } else {
        result.completeExceptionally(done.cause());
      }
    }));
    return result;
  }

  private void pace(long start, double rate, Runnable send) {
    if (rate <= 0) {
      return;
    }
    long[] sent = {0};
    vertx.setPeriodic(TICK_MS, timer -> {
      if (stopping) {
        vertx.cancelTimer(timer);
        return;
      }
      long owed = (long) ((System.nanoTime() - start) / 1e9 * rate);
      while (sent[0] < owed && inFlight < MAX_IN_FLIGHT) {
        sent[0]++;
        send.run();
      }
    });
  }

  private void create() {
    String detail = "drill create " + created++;
    Buffer body = new JsonObject().put("status", "running").put("statusDetail", detail).toBuffer();
    send("create", request(HttpMethod.POST, OPERATIONS).putHeader("Content-Type", "application/json"), body,
      (status, answer) -> {
        if (status == 201) {
          JsonObject operation = new JsonObject(answer);
          Tracked tracked = new Tracked();
          tracked.acked = operation.getString("statusDetail");
          ledger.put(operation.getString("id"), tracked);
          ackedCreates++;
          if (patchable.size() < READABLE_IDS) {
            patchable.add(operation.getString("id"));
          } else {
            patchable.set(ThreadLocalRandom.current().nextInt(READABLE_IDS), operation.getString("id"));
          }
          return true;
        }
        return false;
      });
  }

  private void read() {
    if (patchable.isEmpty()) {
      return;
    }
    String id = patchable.get(ThreadLocalRandom.current().nextInt(patchable.size()));
    send("read", request(HttpMethod.GET, OPERATIONS + "/" + id), null, (status, answer) -> status == 200);
  }

  private void list() {
    send("list", request(HttpMethod.GET, OPERATIONS + "?$top=20"), null, (status, answer) -> status == 200);
  }

  /** PATCHes one operation of {@code ids} that has no PATCH in flight, with a value never sent before. */
  private void patchOneOf(List<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    long now = System.currentTimeMillis();
    for (int attempt = 0; attempt < 8; attempt++) {
      String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
      Tracked tracked = ledger.get(id);
      if (tracked.patching || tracked.coolUntilMs > now) {
        continue;
      }
      String detail = "drill patch " + writes++;
      tracked.patching = true;
      Buffer body = new JsonObject().put("statusDetail", detail).toBuffer();
      send("patch", request(HttpMethod.PATCH, OPERATIONS + "/" + id).putHeader("Content-Type", "application/json"), body,
        (status, answer) -> {
          tracked.patching = false;
          if (status == 200) {
            JsonObject operation = new JsonObject(answer);
            tracked.acked = operation.getString("statusDetail");
            tracked.acks.addLast(new long[] {System.currentTimeMillis(), version(operation.getString("@odata.etag"))});
            if (tracked.acks.size() > 32) {
              tracked.acks.removeFirst();
            }
            tracked.inDoubt.clear();
            ackedPatches++;
            return true;
          }
          // Not acknowledged, yet it may have been stored; and the next PATCH of it waits a while, so
          // that this one, if it is still on its way to the database, cannot land after it.
          tracked.inDoubt.add(detail);
          tracked.coolUntilMs = System.currentTimeMillis() + 3_000;
          return false;
        });
      return;
    }
  }

  /**
   * Holds a GET with Prefer: wait and If-None-Match on the version it knows, and again once answered.
   * {@code afterFailure}: the previous wait failed (its instance went, say); this one must be woken.
   */
  private void waitOn(String id, boolean afterFailure) {
    if (stopping) {
      return;
    }
    Tracked tracked = ledger.get(id);
    long startedMs = System.currentTimeMillis();
    long sentNs = System.nanoTime();
    count("long-poll");
    RequestOptions options = request(HttpMethod.GET, OPERATIONS + "/" + id)
      .putHeader("Prefer", "wait=" + WAIT_SECONDS).putHeader("If-None-Match", tracked.etag)
      .setIdleTimeout((WAIT_SECONDS + 60) * 1000L);
    waiting.request(options)
      .compose(request -> request.send())
      .compose(response -> response.body().map(body -> new Answer(response, body)))
      .onComplete(done -> {
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNs);
        boolean failed = true;
        if (done.succeeded() && done.result().status() == 200) {
          tracked.etag = done.result().response.getHeader("ETag");
          wakes++;
          failed = false;
          if (afterFailure) {
            rewaits++;
            rewoken++;
          }
        } else if (done.succeeded() && done.result().status() == 304) {
          failed = false;
          timedOutWaits++;
          // The instance decided on 304 before the answer came back, and no sooner than WAIT_SECONDS
          // after the request was sent, unless the wait ended early (a shutdown, the listener back after
          // PostgreSQL came back). A PATCH acknowledged after the sending and a second before both had
          // committed while the waiter watched, or before its first read.
          long latestDecision = Math.min(startedMs + WAIT_SECONDS * 1000L, System.currentTimeMillis()) - MISSED_WAKE_MS;
          // By version, not by time alone: a PATCH's own answer may come back after the wake it caused.
          long sentVersion = version(options.getHeaders().get("If-None-Match"));
          java.util.Optional<Long> missed = tracked.acks.stream()
            .filter(ack -> ack[1] > sentVersion && ack[0] < latestDecision).map(ack -> ack[0]).findFirst();
          if (missed.isPresent()) {
            missedWakes++;
            if (afterFailure) {
              rewaits++;
            }
            failure("long-poll 304 though a PATCH of its operation was acknowledged over 1 s before", startedMs,
              done.result().servedBy());
            failureLog.getJsonObject(failureLog.size() - 1).put("operation", id).put("patchAckedAtMs", missed.get());
          }
        } else if (!stopping) {
          failure(describe("long-poll", done), startedMs, done.succeeded() ? done.result().servedBy() : null);
        }
        if (tookMs > (WAIT_SECONDS * 1000L) + hangMs) {
          failure("long-poll answered more than DB_TIMEOUT_SECONDS + 2 s after its wait", startedMs, null);
        }
        boolean again = failed || (afterFailure && done.succeeded() && done.result().status() == 304);
        // As a client should: a 503 says when to come back (5 s at most here, to keep the drill's pace).
        String retryAfter = done.succeeded() && done.result().status() == 503 ? done.result().response.getHeader("Retry-After") : null;
        if (retryAfter != null && retryAfter.matches("[0-9]+")) {
          vertx.setTimer(Math.min(5, Math.max(1, Long.parseLong(retryAfter))) * 1000L, t -> waitOn(id, again));
        } else {
          waitOn(id, again);
        }
      });
  }

  /** The version an ETag names ("\"7\"" is 7). */
  private static long version(String etag) {
    String digits = etag == null ? "" : etag.replaceAll("[^0-9]", "");
    return digits.isEmpty() ? -1 : Long.parseLong(digits);
  }

  private record Answer(HttpClientResponse response, Buffer body) {
    int status() {
      return response.statusCode();
    }

    String servedBy() {
      return response.getHeader("X-Served-By");
    }
  }

  private interface Check {
    /** Whether the answer is the one expected; records what it acknowledged. */
    boolean accept(int status, Buffer body);
  }

  private void send(String kind, RequestOptions options, Buffer body, Check check) {
    inFlight++;
    count(kind);
    long startedMs = System.currentTimeMillis();
    long sentNs = System.nanoTime();
    client.request(options)
      .compose(request -> body == null ? request.send() : request.send(body))
      .compose(response -> response.body().map(answer -> new Answer(response, answer)))
      .onComplete(done -> {
        inFlight--;
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNs);
        if (latencyCount < latencies.length) {
          sentAtMs[latencyCount] = startedMs;
          latencies[latencyCount++] = tookMs;
        }
        boolean ok = done.succeeded() && check.accept(done.result().status(), done.result().body());
        if (!ok) {
          if (done.failed()) {
            check.accept(-1, null);
          }
          failure(describe(kind, done), startedMs, done.succeeded() ? done.result().servedBy() : null);
        }
        if (tookMs > hangMs) {
          failure(kind + " answered after more than DB_TIMEOUT_SECONDS + 2 s", startedMs, null);
        }
      });
  }

  private static String describe(String kind, io.vertx.core.AsyncResult<Answer> done) {
    if (done.failed()) {
      String message = String.valueOf(done.cause().getMessage());
      return kind + " failed: " + done.cause().getClass().getSimpleName()
        + (message.length() > 60 ? "" : " " + message);
    }
    Answer answer = done.result();
    String kindOf503 = answer.status() == 503
      ? (answer.response.getHeader("Retry-After") != null ? " with Retry-After" : " without Retry-After") : "";
    return kind + " " + answer.status() + kindOf503;
  }

  private void failure(String kind, long startedMs, String servedBy) {
    failures.merge(kind, 1, Integer::sum);
    if (failureLog.size() < 10_000) {
      failureLog.add(new JsonObject().put("kind", kind).put("sentAtMs", startedMs)
        .put("answeredAtMs", System.currentTimeMillis()).put("servedBy", servedBy));
    }
  }

  private void count(String kind) {
    requests.merge(kind, 1L, Long::sum);
  }

  private RequestOptions request(HttpMethod method, String uri) {
    return new RequestOptions().setMethod(method).setURI(uri).putHeader("Authorization", "Bearer " + token);
  }

  /** The long-pollers' operations, created before the load starts. */
  private Future<Void> createWaited(int count) {
    List<Future<Void>> made = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Buffer body = new JsonObject().put("status", "running").put("statusDetail", "drill waited " + i).toBuffer();
      made.add(client.request(request(HttpMethod.POST, OPERATIONS).putHeader("Content-Type", "application/json"))
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(answer -> {
          if (response.statusCode() != 201) {
            throw new IllegalStateException("creating a waited operation answered " + response.statusCode() + ": " + answer);
          }
          JsonObject operation = new JsonObject(answer);
          Tracked tracked = new Tracked();
          tracked.acked = operation.getString("statusDetail");
          tracked.etag = response.getHeader("ETag");
          ledger.put(operation.getString("id"), tracked);
          waited.add(operation.getString("id"));
          return null;
        })));
    }
    return Future.all(made).mapEmpty();
  }

  /** The check of full service on every instance: see the class comment. */
  static final class Probe {

    static boolean run(int front, int[] instances, String token, long sinceMs, int timeoutSeconds, Path out)
      throws Exception {
      Vertx vertx = Vertx.vertx();
      HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setConnectTimeout(2_000).setIdleTimeout(30), new PoolOptions().setHttp1MaxSize(64));
      long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
      String last = "not tried";
      int attempts = 0;
      try {
        while (System.currentTimeMillis() < deadline) {
          attempts++;
          try {
            String failed = once(vertx, http, front, instances, token).toCompletionStage().toCompletableFuture()
              .get(15, TimeUnit.SECONDS);
            if (failed == null) {
              long ms = System.currentTimeMillis() - sinceMs;
              Files.writeString(out, new JsonObject().put("fullServiceMs", ms).put("attempts", attempts).encode());
              return true;
            }
            last = failed;
          } catch (Exception e) {
            last = "probe failed: " + e;
          }
          Thread.sleep(100);
        }
        Files.writeString(out, new JsonObject().put("fullServiceMs", -1).put("attempts", attempts).put("last", last).encode());
        return false;
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }

    /** One round; null when every instance served fully, else what failed. */
    private static Future<String> once(Vertx vertx, HttpClient http, int front, int[] instances, String token) {
      Buffer body = new JsonObject().put("status", "running").put("statusDetail", "drill probe").toBuffer();
      List<Future<String>> checks = new ArrayList<>();
      for (int port : instances) {
        checks.add(call(http, port, HttpMethod.POST, OPERATIONS, token, body, 201)
          .compose(created -> {
            String id = new JsonObject(created.body).getString("id");
            return call(http, port, HttpMethod.GET, OPERATIONS + "/" + id, token, null, 200)
              .compose(read -> call(http, port, HttpMethod.GET, OPERATIONS + "?$top=5", token, null, 200))
              .map(listed -> port + " " + id + " " + created.etag);
          }));
      }
      checks.add(call(http, front, HttpMethod.POST, OPERATIONS, token, body, 201).map(created -> "front"));
      return Future.all(checks).compose(all -> {
        // One operation, a waiter on each instance, and a PATCH through the next instance: every
        // waiter is woken only through its instance's LISTEN connection.
        String[] first = checks.get(0).result().split(" ");
        String id = first[1];
        String etag = first[2];
        List<Future<HttpResult>> waits = new ArrayList<>();
        for (int port : instances) {
          waits.add(http.request(new RequestOptions().setPort(port).setMethod(HttpMethod.GET).setURI(OPERATIONS + "/" + id)
              .putHeader("Authorization", "Bearer " + token).putHeader("Prefer", "wait=5").putHeader("If-None-Match", etag))
            .compose(request -> request.send())
            .compose(response -> response.body().map(b -> new HttpResult(response.statusCode(), b.toString(), null))));
        }
        Promise<String> outcome = Promise.promise();
        // The waits are registered before the PATCH (their first read takes milliseconds), so none
        // can see the change in that read instead of being woken.
        vertx.setTimer(500, t -> {
          int patcher = instances[instances.length > 1 ? 1 : 0];
          call(http, patcher, HttpMethod.PATCH, OPERATIONS + "/" + id, token,
            new JsonObject().put("statusDetail", "drill probe woken").toBuffer(), 200)
            .compose(patched -> {
              long patchedAt = System.nanoTime();
              List<Future<String>> woken = new ArrayList<>();
              for (int i = 0; i < instances.length; i++) {
                int port = instances[i];
                woken.add(waits.get(i).map(answer -> answer.status == 200
                  && TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - patchedAt) < 2_000
                  ? null : "instance " + port + ": waiter answered " + answer.status + " "
                  + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - patchedAt) + " ms after the PATCH"));
              }
              return Future.all(woken).map(done -> woken.stream().map(Future::result)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null));
            })
            .onComplete(outcome);
        });
        return outcome.future();
      }, failed -> Future.succeededFuture(failed.getMessage()));
    }

    private record HttpResult(int status, String body, String etag) {
    }

    private static Future<HttpResult> call(HttpClient http, int port, HttpMethod method, String uri, String token,
                                           Buffer body, int expected) {
      RequestOptions options = new RequestOptions().setPort(port).setMethod(method).setURI(uri)
        .putHeader("Authorization", "Bearer " + token);
      if (body != null) {
        options.putHeader("Content-Type", "application/json");
      }
      return http.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(answer -> {
          if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " on " + port + " answered " + response.statusCode());
          }
          return new HttpResult(response.statusCode(), answer.toString(), response.getHeader("ETag"));
        }));
    }
  }
}
