import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The attacker of `make bench`'s hostile phase: one user (the token's) runs, for --seconds, the
 * costliest reads the contract allows on its 100,000 operations of long statusDetail, and a flood
 * of long-polls, while bench/run.sh measures another user's reads. Every answer is counted by
 * status; the attacker's 400, 429 and 503 are the service bounding it, a 500 is a failure.
 *
 * <ul>
 *   <li>--filters requests at a time, each answered before the next is sent, going round: $count
 *       and a list with $count=true, each with a $filter of about 2,000 characters of
 *       {@code not contains(statusDetail,'zz%_%') and ...}; {@code $orderby=statusDetail&$skip=99000};
 *       62 OR'd {@code contains}; {@code $orderby=statusDetail&$top=999}.</li>
 *   <li>--waiters GETs by id of the attacker's unfinished operations (--ids-file) with
 *       {@code Prefer: wait=60}, each on its own connection, sent again once answered.</li>
 * </ul>
 *
 * <p>After a 2xx the next request goes at once; after anything else, after Retry-After or a second
 * ({@link #pauseAfter}).
 *
 * <p>Every wait is bounded: nothing is sent once --stop-file exists or --seconds have passed, the
 * client then closes every connection (10 s at most), and a watchdog ends the process 30 s after
 * --seconds whatever happens. Prints two JSON lines on standard output ("part": "filters" and "longpolls"); progress
 * goes to standard error. Run from the repository with the service's jar on the class path:
 *
 * <pre>java -cp target/lro-service.jar bench/HostileLoad.java --port P --token-file F --ids-file F
 *   [--stop-file F] [--seconds 40] [--filters 12] [--waiters 3000] [--wait 60] [--timeout 30]</pre>
 */
public class HostileLoad {

  private static final String OPERATIONS = "/beta/me/authentication/operations";

  /** The costly reads, each a request URI; the workers go round them. */
  static Map<String, String> costlyReads() {
    String notContains = "not contains(statusDetail,'zz%_%')";
    StringBuilder and = new StringBuilder(notContains);
    // $filter's maxLength is 2,048: as many terms as fit in 2,040 characters (51, 2,035 characters).
    while (and.length() + " and ".length() + notContains.length() <= 2040) {
      and.append(" and ").append(notContains);
    }
    List<String> ors = new ArrayList<>();
    for (int i = 0; i < 62; i++) {
      ors.add("contains(statusDetail,'zz')");
    }
    Map<String, String> reads = new LinkedHashMap<>();
    reads.put("count", OPERATIONS + "/$count?$filter=" + encode(and.toString()));
    reads.put("list", OPERATIONS + "?$count=true&$filter=" + encode(and.toString()));
    reads.put("orderbySkip", OPERATIONS + "?$orderby=statusDetail&$skip=99000");
    reads.put("or62", OPERATIONS + "?$filter=" + encode(String.join(" or ", ors)));
    reads.put("orderbyTop", OPERATIONS + "?$orderby=statusDetail&$top=999");
    return reads;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private final Vertx vertx = Vertx.vertx();
  private final String authorization;
  private final long deadline;
  private final Path stopFile;
  private final int timeoutMillis;
  private final int waitSeconds;
  private final HttpClient filterClient;
  private final HttpClient pollClient;
  private final AtomicBoolean stopping = new AtomicBoolean();

  private final Tally filters = new Tally();
  private final Map<String, Tally> byRead = new ConcurrentHashMap<>();
  private final Tally polls = new Tally();
  private final AtomicInteger filtersInFlight = new AtomicInteger();
  private final AtomicInteger pollsInFlight = new AtomicInteger();
  private final LongAdder pollsSent = new LongAdder();

  HostileLoad(int port, String token, long deadline, Path stopFile, int filterConcurrency, int waiters, int waitSeconds,
              int timeoutSeconds) {
    this.authorization = "Bearer " + token;
    this.deadline = deadline;
    this.stopFile = stopFile;
    this.waitSeconds = waitSeconds;
    this.timeoutMillis = timeoutSeconds * 1000;
    HttpClientOptions options = new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
      .setKeepAlive(true).setConnectTimeout(10_000);
    filterClient = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(filterConcurrency));
    // One connection per long-poll, as LongPollBench's waiters.
    pollClient = vertx.createHttpClient(new HttpClientOptions(options),
      new PoolOptions().setHttp1MaxSize(Math.max(1, waiters)).setMaxWaitQueueSize(-1));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    int port = Integer.parseInt(required(options, "port"));
    String token = Files.readString(Path.of(required(options, "token-file"))).strip();
    List<String> ids = Files.readAllLines(Path.of(required(options, "ids-file"))).stream()
      .map(String::strip).filter(line -> !line.isEmpty()).toList();
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "40"));
    int filterConcurrency = Integer.parseInt(options.getOrDefault("filters", "12"));
    int waiters = Integer.parseInt(options.getOrDefault("waiters", "3000"));
    int waitSeconds = Integer.parseInt(options.getOrDefault("wait", "60"));
    int timeoutSeconds = Integer.parseInt(options.getOrDefault("timeout", "30"));
    if (waiters > 0 && ids.isEmpty()) {
      throw new IllegalArgumentException("no ids in " + options.get("ids-file"));
    }

    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds + 30L));
        System.err.println("hostile: still running 30 s after --seconds; halting");
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException stopped) {
        // Finished in time.
      }
    }, "hostile-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    Path stopFile = options.containsKey("stop-file") ? Path.of(options.get("stop-file")) : null;
    HostileLoad load = new HostileLoad(port, token, deadline, stopFile, filterConcurrency, waiters, waitSeconds, timeoutSeconds);
    List<Map.Entry<String, String>> reads = new ArrayList<>(costlyReads().entrySet());
    for (int worker = 0; worker < filterConcurrency; worker++) {
      load.nextRead(reads, worker, 0);
    }
    // The long-polls are sent from a thread of their own: the attack has started once the costly
    // reads have, however long the service takes to accept thousands of connections.
    double[] armSeconds = {-1};
    Thread arming = new Thread(() -> {
      try {
        long armStart = System.nanoTime();
        int armed = load.arm(ids, waiters);
        double took = (System.nanoTime() - armStart) / 1e9;
        if (armed == waiters) {
          armSeconds[0] = took;
        }
        System.err.printf("hostile: %d of the %d long-polls sent in %.1f s%n", armed, waiters, took);
      } catch (InterruptedException stopped) {
        Thread.currentThread().interrupt();
      }
    }, "hostile-arming");
    arming.start();
    System.err.printf("hostile: started: %d costly reads at a time, %d long-polls being sent%n", filterConcurrency, waiters);

    while (!load.stopAsked()) {
      Thread.sleep(100);
    }
    arming.join(1000);
    load.stopping.set(true);
    int filtersPending = load.filtersInFlight.get();
    int pollsHeld = load.pollsInFlight.get();
    try {
      load.vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception notClosed) {
      System.err.println("hostile: the client did not close within 10 s: " + notClosed);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    int ran = (int) Math.max(1, Math.round(elapsed));

    JsonObject perRead = new JsonObject();
    load.byRead.forEach((name, tally) -> perRead.put(name, tally.statuses()));
    System.out.println(load.filters.summary(ran).put("part", "filters").put("concurrency", filterConcurrency)
      .put("pendingAtEnd", filtersPending).put("byRead", perRead).encode());
    System.out.println(load.polls.summary(ran).put("part", "longpolls").put("waiters", waiters)
      .put("sent", load.pollsSent.sum()).put("armSeconds", armSeconds[0] < 0 ? null : armSeconds[0])
      .put("heldAtEnd", pollsHeld).encode());
    System.err.printf("hostile: stopped after %.1f s%n", elapsed);
    System.exit(0);
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }

  /** One worker's next costly read, until the deadline. */
  private void nextRead(List<Map.Entry<String, String>> reads, int worker, int sent) {
    if (stopping.get() || System.nanoTime() >= deadline) {
      return;
    }
    Map.Entry<String, String> read = reads.get((worker + sent) % reads.size());
    long start = System.nanoTime();
    filtersInFlight.incrementAndGet();
    filterClient.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(read.getValue())
        .setIdleTimeout(timeoutMillis).putHeader("Authorization", authorization))
      .compose(request -> request.send().compose(response -> response.body().map(body -> response)))
      .onComplete(answer -> {
        filtersInFlight.decrementAndGet();
        if (stopping.get()) {
          return;
        }
        int status = answer.succeeded() ? answer.result().statusCode() : -1;
        filters.count(answer, status, start);
        byRead.computeIfAbsent(read.getKey(), name -> new Tally()).count(answer, status, start);
        later(pauseAfter(answer), () -> nextRead(reads, worker, sent + 1));
      });
  }

  /** Whether --seconds have passed or the stop file exists. */
  boolean stopAsked() {
    return System.nanoTime() >= deadline || (stopFile != null && Files.exists(stopFile));
  }

  /**
   * Sends the long-polls, at most 256 connecting at a time (a burst overflows the listen backlog),
   * until all are sent or the stop is asked; returns how many were.
   */
  private int arm(List<String> ids, int waiters) throws InterruptedException {
    int slot = 0;
    Semaphore connecting = new Semaphore(256);
    while (slot < waiters && !stopAsked()) {
      if (connecting.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        poll(ids.get(slot % ids.size()), connecting);
        slot++;
      }
    }
    return slot;
  }

  /** One long-poll, sent again once answered (see the class comment) until the deadline. */
  private void poll(String id, Semaphore connecting) {
    if (stopping.get() || System.nanoTime() >= deadline) {
      if (connecting != null) {
        connecting.release();
      }
      return;
    }
    AtomicBoolean released = new AtomicBoolean(connecting == null);
    Runnable sent = () -> {
      if (released.compareAndSet(false, true)) {
        connecting.release();
      }
    };
    long start = System.nanoTime();
    pollsInFlight.incrementAndGet();
    pollsSent.increment();
    pollClient.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(OPERATIONS + "/" + id)
        .setIdleTimeout((waitSeconds + 30) * 1000L)
        .putHeader("Authorization", authorization).putHeader("Prefer", "wait=" + waitSeconds))
      .compose(request -> {
        request.end().onComplete(written -> sent.run());
        return request.response();
      })
      .compose(response -> response.body().map(body -> response))
      .onComplete(answer -> {
        sent.run();
        pollsInFlight.decrementAndGet();
        if (stopping.get()) {
          return;
        }
        int status = answer.succeeded() ? answer.result().statusCode() : -1;
        polls.count(answer, status, start);
        later(pauseAfter(answer), () -> poll(id, null));
      });
  }

  /**
   * How long to wait before the next request after this answer: none after a 2xx, Retry-After's
   * seconds when given, else a second. A client that ignores them is what the per-caller throttle
   * bounds, and make bench raises the throttle: without the pause, this phase would measure a
   * request-rate flood of cheap refusals rather than the costly requests and held long-polls.
   */
  static long pauseAfter(AsyncResult<HttpClientResponse> answer) {
    if (answer.succeeded() && answer.result().statusCode() / 100 == 2) {
      return 0;
    }
    String retryAfter = answer.succeeded() ? answer.result().getHeader("Retry-After") : null;
    if (retryAfter != null) {
      try {
        return Math.max(1, Long.parseLong(retryAfter.strip())) * 1000;
      } catch (NumberFormatException httpDate) {
        // An HTTP date rather than seconds: the default second.
      }
    }
    return 1000;
  }

  private void later(long millis, Runnable next) {
    if (millis == 0) {
      next.run();
    } else {
      vertx.setTimer(millis, timer -> next.run());
    }
  }

  /** Answers by status ("timeout" and "failed" for none), and the latencies of the answers. */
  static final class Tally {
    private final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();

    void count(AsyncResult<?> answer, int status, long start) {
      String key;
      if (answer.succeeded()) {
        key = String.valueOf(status);
        nanos.add(System.nanoTime() - start);
      } else {
        Throwable cause = answer.cause();
        boolean timedOut = cause instanceof TimeoutException
          || String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("timeout");
        key = timedOut ? "timeout" : "failed";
      }
      statuses.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    JsonObject statuses() {
      JsonObject shown = new JsonObject();
      new TreeMap<>(statuses).forEach((key, count) -> shown.put(key, count.sum()));
      return shown;
    }

    /**
     * Answers per second over the run, latency percentiles of the answers, and errors: answers of
     * 500 and of any other 5xx but 503, requests not answered within the timeout, and failed
     * connections. 400, 429 and 503 are the service bounding the attacker, not errors.
     */
    JsonObject summary(int seconds) {
      long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
      long answered = sorted.length;
      long errors = 0;
      for (Map.Entry<String, LongAdder> entry : statuses.entrySet()) {
        String key = entry.getKey();
        boolean error = key.equals("timeout") || key.equals("failed")
          || (key.startsWith("5") && !key.equals("503"));
        errors += error ? entry.getValue().sum() : 0;
      }
      LongAdder fiveHundreds = statuses.get("500");
      return new JsonObject()
        .put("requests", answered)
        .put("rate", answered / (double) Math.max(1, seconds))
        .put("p50_ms", sorted.length == 0 ? null : millis(percentile(sorted, 50)))
        .put("p99_ms", sorted.length == 0 ? null : millis(percentile(sorted, 99)))
        .put("errors", errors)
        .put("answers500", fiveHundreds == null ? 0 : fiveHundreds.sum())
        .put("statuses", statuses());
    }
  }

  /** Nearest rank, as wrk's percentiles are. */
  static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double millis(long nanos) {
    return Math.round(nanos / 1e4) / 100.0;
  }
}
