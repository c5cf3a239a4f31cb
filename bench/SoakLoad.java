import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The load of `make soak` (bench/soak.sh), which wrk cannot give: requests at constant rates, not as
 * fast as answers come back. Creates and reads by id are paced (open loop: each tick sends what the
 * rate owes since the start, so a slow answer does not slow the load); long-pollers hold
 * {@code GET .../{id}} with {@code Prefer: wait} and wait again as soon as they are answered, woken
 * by paced PATCHes. Every answer that is not the expected 2xx, and every failed request, is an
 * error. Samples the service's VmRSS (--pid) when the warm-up ends and when the soak ends.
 *
 * <p>Run from the repository with the service's shaded jar on the class path (Java 17 single-file
 * source launch):
 *
 * <pre>java -cp target/lro-service.jar bench/SoakLoad.java --port P --token-file F --wait-token-file F2 --pid PID
 *   --seconds 600 --warmup-seconds 60 --create-rate R [--read-rate R] [--waiters 300] [--patch-rate 30]</pre>
 *
 * <p>Progress every 30 s goes to standard error; one JSON object with the totals to standard output.
 */
public class SoakLoad {

  private static final String OPERATIONS = "/beta/me/authentication/operations";
  private static final int TICK_MS = 10;
  /** Requests of one paced kind in flight at most: past this the service is behind, and it shows as a shortfall. */
  private static final int MAX_IN_FLIGHT = 512;
  private static final int WAIT_SECONDS = 30;
  private static final int DRAIN_SECONDS = 10;
  /** Ids the readers draw from: the latest creates, so reads touch new and older rows alike. */
  private static final int READABLE_IDS = 100_000;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client;
  private final HttpClient waiting;
  private final String token;
  private final String waitToken;
  private final Map<String, Integer> errors = new TreeMap<>();
  private final String[] readable = new String[READABLE_IDS];
  private long created;
  private final Counts creates = new Counts();
  private final Counts reads = new Counts();
  private final Counts patches = new Counts();
  private final Counts wakes = new Counts();
  private volatile boolean stopping;
  private volatile boolean over;

  /** Sent, answered as expected, and in flight, of one kind of request. */
  private static final class Counts {
    long sent;
    long ok;
    int inFlight;
  }

  SoakLoad(int port, String token, String waitToken, int waiters) {
    this.token = token;
    this.waitToken = waitToken;
    HttpClientOptions options = new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
      .setKeepAlive(true).setConnectTimeout(30_000);
    client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(-1));
    // One connection per waiter, as a real long-polling client holds its own.
    waiting = vertx.createHttpClient(new HttpClientOptions(options).setIdleTimeout(WAIT_SECONDS + 30),
      new PoolOptions().setHttp1MaxSize(waiters + 16).setMaxWaitQueueSize(-1));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    int port = Integer.parseInt(options.get("port"));
    long pid = Long.parseLong(options.get("pid"));
    int seconds = Integer.parseInt(options.get("seconds"));
    int warmupSeconds = Integer.parseInt(options.getOrDefault("warmup-seconds", "60"));
    double createRate = Double.parseDouble(options.get("create-rate"));
    double readRate = Double.parseDouble(options.getOrDefault("read-rate", String.valueOf(createRate / 2)));
    int waiters = Integer.parseInt(options.getOrDefault("waiters", "300"));
    double patchRate = Double.parseDouble(options.getOrDefault("patch-rate", "30"));
    SoakLoad soak = new SoakLoad(port, Files.readString(Path.of(options.get("token-file"))).strip(),
      Files.readString(Path.of(options.get("wait-token-file"))).strip(), waiters);
    try {
      System.out.println(soak.run(pid, seconds, warmupSeconds, createRate, readRate, waiters, patchRate).encode());
      // The waiters still held are cut when the client closes: not errors of the soak, which is over.
      soak.over = true;
    } finally {
      soak.vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  JsonObject run(long pid, int seconds, int warmupSeconds, double createRate, double readRate, int waiters,
                 double patchRate) throws Exception {
    List<String> waited = onEventLoop(() -> createWaited(waiters)).get(120, TimeUnit.SECONDS);
    long start = System.nanoTime();
    onEventLoop(() -> {
      waited.forEach(this::waitOn);
      pace(start, createRate, creates, this::create);
      pace(start, readRate, reads, this::read);
      pace(start, patchRate, patches, () -> patch(waited.get(ThreadLocalRandom.current().nextInt(waited.size()))));
      return Future.succeededFuture();
    }).get();
    long warmupEnd = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
    long rssStart = -1;
    long rssMax = 0;
    long nextProgress = start + TimeUnit.SECONDS.toNanos(30);
    for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
      Thread.sleep(Math.min(1000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - now))));
      long rss = rssKb(pid);
      if (rss < 0) {
        error("the service exited", "");
        break;
      }
      boolean warm = System.nanoTime() >= warmupEnd;
      if (warm && rssStart < 0) {
        rssStart = rss;
        System.err.printf("soak: warm-up over; RSS %d MiB%n", rss / 1024);
      }
      if (warm) {
        rssMax = Math.max(rssMax, rss);
      }
      if (System.nanoTime() >= nextProgress) {
        nextProgress += TimeUnit.SECONDS.toNanos(30);
        System.err.printf("soak: %d s: %s, RSS %d MiB%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
          onEventLoop(this::progress).get().encode(), rss / 1024);
      }
    }
    long rssEnd = rssKb(pid);
    stopping = true;
    // The creates, reads and PATCHes in flight finish before the totals are taken; the waiters
    // still held have nothing to wake them now, and are left.
    long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
    while (onEventLoop(this::inFlight).get() > 0 && System.nanoTime() < drainUntil) {
      Thread.sleep(100);
    }
    double measured = (System.nanoTime() - start) / 1e9;
    JsonObject memory = new JsonObject().put("rssStartKb", rssStart).put("rssEndKb", rssEnd).put("rssMaxKb", rssMax);
    return onEventLoop(() -> {
      int unanswered = inFlight().result();
      if (unanswered > 0) {
        errors.merge("no answer within " + DRAIN_SECONDS + " s of the end", unanswered, Integer::sum);
      }
      return Future.succeededFuture(progress().result()
        .put("seconds", seconds).put("warmupSeconds", warmupSeconds).put("elapsedSeconds", measured)
        .put("createRateAsked", createRate).put("readRateAsked", readRate).put("patchRateAsked", patchRate)
        .put("waiters", waiters)
        .mergeIn(memory));
    }).get();
  }

  /** Runs {@code work} on the load's event loop, where all of its state lives. */
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

  /** Every tick, sends what {@code rate} owes since {@code start}, as long as fewer than MAX_IN_FLIGHT are out. */
  private void pace(long start, double rate, Counts counts, Runnable send) {
    if (rate <= 0) {
      return;
    }
    vertx.setPeriodic(TICK_MS, timer -> {
      if (stopping) {
        vertx.cancelTimer(timer);
        return;
      }
      long owed = (long) ((System.nanoTime() - start) / 1e9 * rate);
      while (counts.sent < owed && counts.inFlight < MAX_IN_FLIGHT) {
        send.run();
      }
    });
  }

  private void create() {
    Buffer body = new JsonObject().put("status", "running").put("statusDetail", "soak " + created)
      .put("resourceLocation", "https://graph.microsoft.com/beta/users/me/authentication/methods/" + created).toBuffer();
    created++;
    send(creates, 201, request(HttpMethod.POST, OPERATIONS, token).putHeader("Content-Type", "application/json"), body,
      answer -> {
        readable[(int) ((creates.ok - 1) % READABLE_IDS)] = new JsonObject(answer).getString("id");
      });
  }

  private void read() {
    long known = Math.min(creates.ok, READABLE_IDS);
    if (known == 0) {
      // Nothing to read yet: counted as sent, so that the pace does not owe it later.
      reads.sent++;
      return;
    }
    String id = readable[(int) ThreadLocalRandom.current().nextLong(known)];
    send(reads, 200, request(HttpMethod.GET, OPERATIONS + "/" + id, token), null, answer -> { });
  }

  private void patch(String id) {
    Buffer body = new JsonObject().put("statusDetail", "progress " + patches.sent).toBuffer();
    send(patches, 204, request(HttpMethod.PATCH, OPERATIONS + "/" + id, waitToken)
      .putHeader("Content-Type", "application/json").putHeader("Prefer", "return=minimal"), body, answer -> { });
  }

  /** Holds a GET with Prefer: wait, and holds it again once answered, until the soak ends. */
  private void waitOn(String id) {
    if (stopping) {
      return;
    }
    wakes.sent++;
    wakes.inFlight++;
    waiting.request(request(HttpMethod.GET, OPERATIONS + "/" + id, waitToken)
        .putHeader("Prefer", "wait=" + WAIT_SECONDS).setIdleTimeout((WAIT_SECONDS + 30) * 1000L))
      .compose(request -> request.send())
      .compose(response -> response.body().map(answer -> response.statusCode()))
      .onComplete(done -> {
        wakes.inFlight--;
        if (done.succeeded() && done.result() == 200) {
          wakes.ok++;
        } else {
          error("long-poll GET " + (done.succeeded() ? "answered " + done.result() : "failed: " + done.cause().getMessage()), "");
        }
        waitOn(id);
      });
  }

  private RequestOptions request(HttpMethod method, String uri, String bearer) {
    return new RequestOptions().setMethod(method).setURI(uri).putHeader("Authorization", "Bearer " + bearer);
  }

  private void send(Counts counts, int expected, RequestOptions options, Buffer body,
                    java.util.function.Consumer<Buffer> onAnswer) {
    counts.sent++;
    counts.inFlight++;
    client.request(options)
      .compose(request -> body == null ? request.send() : request.send(body))
      .compose(response -> response.body().map(answer -> {
        if (response.statusCode() != expected) {
          error(options.getMethod() + " answered " + response.statusCode(), answer.toString());
          return null;
        }
        return answer;
      }))
      .onComplete(done -> {
        counts.inFlight--;
        if (done.failed()) {
          error(options.getMethod() + " failed: " + done.cause().getMessage(), "");
        } else if (done.result() != null) {
          counts.ok++;
          onAnswer.accept(done.result());
        }
      });
  }

  /** The waiters' operations, created before the clock starts. */
  private Future<List<String>> createWaited(int waiters) {
    List<Future<String>> ids = new ArrayList<>();
    Buffer body = new JsonObject().put("status", "running").put("statusDetail", "waited on by the soak").toBuffer();
    for (int i = 0; i < waiters; i++) {
      ids.add(client.request(request(HttpMethod.POST, OPERATIONS, waitToken).putHeader("Content-Type", "application/json"))
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(answer -> new JsonObject(answer).getString("id"))));
    }
    return Future.all(ids).map(all -> all.<String>list());
  }

  /** Counts an error by its kind, and prints the first of each kind with an example of what came back. */
  private void error(String kind, String example) {
    if (!over && errors.merge(kind, 1, Integer::sum) == 1) {
      System.err.println("soak: error: " + kind + " " + example.substring(0, Math.min(300, example.length())));
    }
  }

  private Future<Integer> inFlight() {
    return Future.succeededFuture(creates.inFlight + reads.inFlight + patches.inFlight);
  }

  private Future<JsonObject> progress() {
    int errorCount = errors.values().stream().mapToInt(Integer::intValue).sum();
    return Future.succeededFuture(new JsonObject()
      .put("creates", creates.ok).put("reads", reads.ok).put("patches", patches.ok).put("longPollAnswers", wakes.ok)
      .put("errors", errorCount).put("errorDetail", new JsonObject(new HashMap<>(errors))));
  }

  private static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception gone) {
      // The service has exited.
    }
    return -1;
  }
}
