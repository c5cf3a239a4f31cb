import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The long-poll phase of `make bench`, which wrk cannot do: many clients hold
 * {@code GET .../operations/{id}} with {@code Prefer: wait=N} on one instance, then each operation
 * is changed by a PATCH, and the time from sending a PATCH to its waiter's answer is the wake
 * latency. Also samples the service's memory (VmRSS, VmHWM of --pid) while the waiters are held.
 *
 * <p>Run from the repository with the service's shaded jar on the class path (Java 17 single-file
 * source launch):
 *
 * <pre>java -cp target/lro-service.jar bench/LongPollBench.java --port P --token-file F --pid PID
 *   [--waiters 5000] [--rounds 1] [--warmup-rounds 0] [--warmup-settle-percent 0] [--wait 60]
 *   [--patch-rate 500] [--concurrency 32]</pre>
 *
 * <p>With {@code --warmup-settle-percent P} above 0, {@code --warmup-rounds} is a maximum: warm-up
 * rounds stop once two in a row ran at the PATCH rate asked with wake p50 and p99 that each fell by
 * P % or less from the round before. On 2 shared cores the JIT was still compiling the PATCH and wake-up
 * paths in the fourth round (wake p99 313, 222, 133, 55, then 27 ms).
 *
 * <p>Prints one JSON object per round on standard output; progress goes to standard error.
 * The PATCHes are paced (--patch-rate per second, at most --concurrency in flight), so that the
 * latency measured is the wake-up's, not that of a queue of PATCHes the client itself built.
 */
public class LongPollBench {

  private static final String OPERATIONS = "/beta/me/authentication/operations";

  private final Map<String, String> options;
  private final int port;
  private final String token;
  private final int waiters;
  private final int waitSeconds;
  private final int concurrency;
  private final double patchRate;
  private final long pid;
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient waiting;
  private final HttpClient acting;

  LongPollBench(Map<String, String> options) throws Exception {
    this.options = options;
    port = Integer.parseInt(required("port"));
    token = Files.readString(Path.of(required("token-file"))).strip();
    waiters = Integer.parseInt(options.getOrDefault("waiters", "5000"));
    waitSeconds = Integer.parseInt(options.getOrDefault("wait", "60"));
    concurrency = Integer.parseInt(options.getOrDefault("concurrency", "32"));
    patchRate = Double.parseDouble(options.getOrDefault("patch-rate", "500"));
    pid = Long.parseLong(options.getOrDefault("pid", "0"));
    HttpClientOptions client = new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
      .setKeepAlive(true).setConnectTimeout(30_000);
    // One connection per waiter: the pool's default of 5 per host would queue all but 5 of them
    // in the client, and they would never reach the service.
    waiting = vertx.createHttpClient(client, new PoolOptions().setHttp1MaxSize(waiters).setMaxWaitQueueSize(-1));
    acting = vertx.createHttpClient(new HttpClientOptions(client), new PoolOptions().setHttp1MaxSize(concurrency));
  }

  private String required(String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    LongPollBench bench = new LongPollBench(options);
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "1"));
    int warmupRounds = Integer.parseInt(options.getOrDefault("warmup-rounds", "0"));
    double settlePercent = Double.parseDouble(options.getOrDefault("warmup-settle-percent", "0"));
    try {
      List<String> ids = bench.createOperations();
      // Warm-up rounds run the same code paths (waiting, PATCH, the wake-up) so that the JIT has
      // compiled them before a measured round; they are printed too, marked "warmup": true.
      // Settled twice in a row, as the wrk phases' warm-up: one round's p99 is often no better
      // than the last by chance (a stall of 100 ms puts 50 of its 5,000 wakes above it), while the
      // JIT is still at work on the wake-up path.
      int round = 0;
      int settledInARow = 0;
      JsonObject previous = null;
      for (int warmup = 1; warmup <= warmupRounds && (settlePercent <= 0 || settledInARow < 2); warmup++) {
        JsonObject result = bench.round(++round, ids).put("warmup", true);
        System.out.println(result.encode());
        settledInARow = previous != null && settled(previous, result, settlePercent) ? settledInARow + 1 : 0;
        previous = result;
      }
      for (int measured = 1; measured <= rounds; measured++) {
        System.out.println(bench.round(++round, ids).put("warmup", false).encode());
      }
    } finally {
      bench.vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Whether a warm-up round ran at the rate asked, with wake latencies that fell by {@code percent} % or less. */
  static boolean settled(JsonObject before, JsonObject after, double percent) {
    boolean atRate = after.getDouble("patchesPerSecond") >= 0.95 * after.getDouble("patchRateAsked");
    return atRate && fellAtMost(before, after, "wakeP50Ms", percent) && fellAtMost(before, after, "wakeP99Ms", percent);
  }

  private static boolean fellAtMost(JsonObject before, JsonObject after, String key, double percent) {
    return after.getDouble(key) >= before.getDouble(key) * (1 - percent / 100);
  }

  /** One running operation per waiter, created through the API. */
  List<String> createOperations() throws InterruptedException {
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failed = new AtomicInteger();
    Semaphore inFlight = new Semaphore(concurrency);
    CountDownLatch done = new CountDownLatch(waiters);
    Buffer body = new JsonObject().put("status", "running").put("statusDetail", "waited on by LongPollBench").toBuffer();
    for (int i = 0; i < waiters; i++) {
      inFlight.acquire();
      acting.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(OPERATIONS)
          .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json"))
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(answer -> {
          if (response.statusCode() != 201) {
            throw new IllegalStateException("create answered " + response.statusCode() + ": " + answer);
          }
          return new JsonObject(answer).getString("id");
        }))
        .onComplete(created -> {
          if (created.succeeded()) {
            ids.add(created.result());
          } else if (failed.getAndIncrement() == 0) {
            System.err.println("longpoll: a create failed: " + created.cause().getMessage());
          }
          inFlight.release();
          done.countDown();
        });
    }
    done.await();
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " of " + waiters + " creates failed");
    }
    return new ArrayList<>(ids);
  }

  JsonObject round(int round, List<String> ids) throws InterruptedException {
    String detail = "round " + round;
    Map<String, Long> patchSentAt = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<Long> wakeNanos = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> patchNanos = new ConcurrentLinkedQueue<>();
    AtomicInteger early = new AtomicInteger();
    AtomicInteger wrongAnswer = new AtomicInteger();
    AtomicInteger waiterFailed = new AtomicInteger();
    AtomicInteger patchFailed = new AtomicInteger();
    CountDownLatch written = new CountDownLatch(ids.size());
    CountDownLatch answered = new CountDownLatch(ids.size());
    MemorySampler memory = new MemorySampler(pid);
    long rssBefore = memory.rssKb();
    memory.start();

    // Arm the waiters, a few hundred connections being opened at a time: a burst of 5000 SYNs at
    // once overflows the listen backlog, and a dropped SYN costs its client a 1 s retransmission.
    Semaphore connecting = new Semaphore(256);
    long armStart = System.nanoTime();
    for (String id : ids) {
      connecting.acquire();
      // Once per waiter, whether its request was written or its connection failed.
      java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
      Runnable markSent = () -> {
        if (sent.compareAndSet(false, true)) {
          connecting.release();
          written.countDown();
        }
      };
      waiting.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(OPERATIONS + "/" + id)
          .setIdleTimeout((waitSeconds + 30) * 1000L)
          .putHeader("Authorization", "Bearer " + token).putHeader("Prefer", "wait=" + waitSeconds))
        .compose(request -> {
          request.end().onComplete(end -> markSent.run());
          return request.response();
        })
        .compose(response -> response.body().map(body -> {
          long now = System.nanoTime();
          Long sentAt = patchSentAt.get(id);
          if (sentAt == null) {
            early.incrementAndGet();
          } else if (response.statusCode() != 200
            || !("wait=" + waitSeconds).equals(response.getHeader("Preference-Applied"))
            || !detail.equals(new JsonObject(body).getString("statusDetail"))) {
            wrongAnswer.incrementAndGet();
          } else {
            wakeNanos.add(now - sentAt);
          }
          return null;
        }))
        .onComplete(done -> {
          if (done.failed()) {
            if (waiterFailed.getAndIncrement() == 0) {
              System.err.println("longpoll: a waiter failed: " + done.cause());
            }
            markSent.run();
          }
          answered.countDown();
        });
    }
    if (!written.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("only " + (ids.size() - written.getCount()) + " waiters were sent within 60 s");
    }
    double armSeconds = (System.nanoTime() - armStart) / 1e9;
    // The client cannot see when the service has registered a waiter: give the last ones time to
    // be read and parked. A waiter answered before its PATCH is counted as "early".
    long settleMillis = Long.parseLong(options.getOrDefault("settle-ms", "2000"));
    Thread.sleep(settleMillis);
    long rssHeld = memory.rssKb();
    System.err.printf("longpoll: round %d: %d waiters held (sent in %.1f s), service RSS %d MiB; patching at %s/s%n",
      round, ids.size(), armSeconds, rssHeld / 1024, patchRate > 0 ? String.valueOf(patchRate) : "max");

    List<String> order = new ArrayList<>(ids);
    Collections.shuffle(order);
    Semaphore inFlight = new Semaphore(concurrency);
    Buffer patch = new JsonObject().put("statusDetail", detail).toBuffer();
    long patchStart = System.nanoTime();
    for (int i = 0; i < order.size(); i++) {
      if (patchRate > 0) {
        long due = patchStart + (long) (i * 1e9 / patchRate);
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
      }
      inFlight.acquire();
      String id = order.get(i);
      long sentAt = System.nanoTime();
      patchSentAt.put(id, sentAt);
      acting.request(new RequestOptions().setMethod(HttpMethod.PATCH).setURI(OPERATIONS + "/" + id)
          .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
          .putHeader("Prefer", "return=minimal"))
        .compose(request -> request.send(patch))
        // The status is all a PATCH's answer is read for (a 204, no body). Vert.x 5.0.7's client can
        // drop the end of a response that ends before body() is asked for (eclipse-vertx/vert.x#6038,
        // fixed after 5.0.7 by #6071): 1 PATCH in 5,000 to 15,000 then never completed, though the
        // service's log shows its 204, sent in 1 ms, under the PATCH's client-request-id.
        .map(HttpClientResponse::statusCode)
        .onComplete(done -> {
          if (done.succeeded() && done.result() / 100 == 2) {
            patchNanos.add(System.nanoTime() - sentAt);
          } else if (patchFailed.getAndIncrement() == 0) {
            System.err.println("longpoll: a PATCH failed: " + (done.succeeded() ? done.result() : done.cause()));
          }
          inFlight.release();
        });
    }
    // Bounded: a PATCH whose answer never comes is an error of the run, not a reason to hang it.
    if (!inFlight.tryAcquire(concurrency, waitSeconds + 30L, TimeUnit.SECONDS)) {
      int unansweredPatches = concurrency - inFlight.availablePermits();
      patchFailed.addAndGet(unansweredPatches);
      System.err.println("longpoll: " + unansweredPatches + " PATCHes got no answer within " + (waitSeconds + 30) + " s");
    } else {
      inFlight.release(concurrency);
    }
    double patchSeconds = (System.nanoTime() - patchStart) / 1e9;
    boolean allAnswered = answered.await(waitSeconds + 30L, TimeUnit.SECONDS);
    memory.stopSampling();

    long[] wakes = wakeNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] patches = patchNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    int unanswered = (int) answered.getCount();
    JsonObject errors = new JsonObject()
      .put("answeredBeforeItsPatch", early.get())
      .put("wrongAnswer", wrongAnswer.get())
      .put("waiterFailed", waiterFailed.get())
      .put("unanswered", allAnswered ? 0 : unanswered)
      .put("patchFailed", patchFailed.get());
    int errorCount = errors.stream().mapToInt(entry -> (Integer) entry.getValue()).sum();
    return new JsonObject()
      .put("round", round)
      .put("waiters", ids.size())
      .put("waitSeconds", waitSeconds)
      .put("armSeconds", armSeconds)
      .put("patches", order.size())
      .put("patchesPerSecond", order.size() / patchSeconds)
      .put("patchRateAsked", patchRate)
      .put("concurrency", concurrency)
      .put("woken", wakes.length)
      .put("wakeP50Ms", millis(percentile(wakes, 50)))
      .put("wakeP99Ms", millis(percentile(wakes, 99)))
      .put("wakeMaxMs", millis(wakes.length == 0 ? -1 : wakes[wakes.length - 1]))
      .put("patchP50Ms", millis(percentile(patches, 50)))
      .put("patchP99Ms", millis(percentile(patches, 99)))
      .put("errors", errorCount)
      .put("errorDetail", errors)
      .put("rssBeforeKb", rssBefore)
      .put("rssHeldKb", rssHeld)
      .put("rssMaxKb", memory.maxRssKb())
      .put("hwmKb", memory.hwmKb());
  }

  /** Nearest-rank percentile, as wrk reports it; -1 when there is no sample. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double millis(long nanos) {
    return nanos < 0 ? -1 : Math.round(nanos / 1e4) / 100.0;
  }

  /** Reads the service's VmRSS every 50 ms while a round runs; VmHWM is the kernel's own peak. */
  static final class MemorySampler extends Thread {
    private final long pid;
    private final AtomicLong max = new AtomicLong();
    private volatile boolean running = true;

    MemorySampler(long pid) {
      super("memory-sampler");
      setDaemon(true);
      this.pid = pid;
    }

    @Override
    public void run() {
      while (running) {
        max.accumulateAndGet(rssKb(), Math::max);
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void stopSampling() {
      running = false;
    }

    long rssKb() {
      return status("VmRSS:");
    }

    long hwmKb() {
      return status("VmHWM:");
    }

    long maxRssKb() {
      return max.get();
    }

    private long status(String field) {
      if (pid <= 0) {
        return -1;
      }
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith(field)) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (Exception gone) {
        // The service has exited: nothing to sample.
      }
      return -1;
    }
  }
}
