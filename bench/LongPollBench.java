import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 *   [--patch-rate 500] [--concurrency 32] [--deadline 600] [--request-timeout 30]</pre>
 *
 * <p>Every wait is bounded: the creates must all be answered within --deadline seconds (one not
 * answered within --request-timeout is sent again with the id it chose), a round's waiters must be
 * sent within 60 s and answered within --wait + 30 s, its PATCHes each within --request-timeout.
 * A missed deadline ends the program with a message naming what it waited for.
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
  private final long deadlineSeconds;
  private final long requestTimeoutSeconds;
  /** The event loop every request is sent from (see exchange()): main's own context, as before. */
  private final Context context;

  LongPollBench(Map<String, String> options) throws Exception {
    this.options = options;
    port = Integer.parseInt(required("port"));
    token = Files.readString(Path.of(required("token-file"))).strip();
    waiters = Integer.parseInt(options.getOrDefault("waiters", "5000"));
    waitSeconds = Integer.parseInt(options.getOrDefault("wait", "60"));
    concurrency = Integer.parseInt(options.getOrDefault("concurrency", "32"));
    patchRate = Double.parseDouble(options.getOrDefault("patch-rate", "500"));
    pid = Long.parseLong(options.getOrDefault("pid", "0"));
    deadlineSeconds = Long.parseLong(options.getOrDefault("deadline", "600"));
    requestTimeoutSeconds = Long.parseLong(options.getOrDefault("request-timeout", "30"));
    context = vertx.getOrCreateContext();
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
    } catch (IllegalStateException missed) {
      // A deadline missed, or answers that were wrong: said once, and the program ends whatever
      // the client's threads still wait for.
      System.err.println(missed.getMessage());
      System.exit(2);
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

  /**
   * One running operation per waiter, created through the API. Each create chooses its id, so
   * that one whose answer does not come within --request-timeout seconds is sent again safely (a
   * 409 then says the first was stored); all of them must be answered within --deadline seconds.
   */
  List<String> createOperations() throws InterruptedException {
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger retried = new AtomicInteger();
    Semaphore inFlight = new Semaphore(concurrency);
    CountDownLatch done = new CountDownLatch(waiters);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds);
    String run = UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < waiters; i++) {
      if (!inFlight.tryAcquire(remaining(deadline), TimeUnit.NANOSECONDS)) {
        break;
      }
      String id = "longpoll-" + run + "-" + i;
      Buffer body = new JsonObject().put("id", id).put("status", "running")
        .put("statusDetail", "waited on by LongPollBench").toBuffer();
      create(id, body, 1, retried).onComplete(created -> {
        if (created.succeeded()) {
          ids.add(id);
        } else if (failed.getAndIncrement() == 0) {
          System.err.println("longpoll: a create failed: " + created.cause().getMessage());
        }
        inFlight.release();
        done.countDown();
      });
    }
    if (!done.await(remaining(deadline), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("longpoll: waited " + deadlineSeconds + " s (--deadline) for the answers to "
        + waiters + " creates: " + ids.size() + " created, " + failed.get() + " failed, " + done.getCount()
        + " not answered (" + retried.get() + " sent again after --request-timeout " + requestTimeoutSeconds + " s)");
    }
    if (retried.get() > 0) {
      System.err.println("longpoll: " + retried.get() + " creates were sent again after no answer within "
        + requestTimeoutSeconds + " s");
    }
    if (failed.get() > 0) {
      throw new IllegalStateException("longpoll: " + failed.get() + " of " + waiters + " creates failed");
    }
    return new ArrayList<>(ids);
  }

  /** One create, sent again with its id when it is not answered in time (a 409: an earlier try stored it). */
  private Future<Void> create(String id, Buffer body, int attempt, AtomicInteger retried) {
    return exchange(acting, new RequestOptions().setMethod(HttpMethod.POST).setURI(OPERATIONS)
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json"), body,
      requestTimeoutSeconds)
      .<Void>compose(answer -> {
        int status = answer.statusCode();
        if (status == 201 || (status == 409 && attempt > 1)) {
          return Future.succeededFuture();
        }
        return Future.failedFuture("create answered " + status + ": " + answer.body());
      })
      .recover(failure -> {
        if (failure instanceof NoAnswer && attempt < 3) {
          retried.incrementAndGet();
          return create(id, body, attempt + 1, retried);
        }
        return Future.failedFuture(failure);
      });
  }

  /** A status and a whole body. */
  record Answer(int statusCode, Buffer body) {
  }

  /** No answer within a request's deadline. */
  static final class NoAnswer extends RuntimeException {
    NoAnswer(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * One request and its whole answer, all on an event loop of the client's, and failed with
   * NoAnswer when not answered within {@code seconds}. On the event loop because Vert.x 5.0.7's
   * HttpClientResponse drops the end of a response that arrives before body() is asked for, which
   * happens when the callback asking for it runs on another thread (here: main, which built the
   * chain) while the event loop reads the response (eclipse-vertx/vert.x#6038, fixed after 5.0.7
   * by #6071; #5904 is the same when body() is asked late). The deadline is the harness's own
   * timer, as an idle timeout stops counting once the connection has read the response.
   */
  Future<Answer> exchange(HttpClient client, RequestOptions request, Buffer body, long seconds) {
    Promise<Answer> answer = Promise.promise();
    context.runOnContext(start -> {
      long timer = vertx.setTimer(TimeUnit.SECONDS.toMillis(seconds), fired -> answer.tryFail(new NoAnswer(
        request.getMethod() + " " + request.getURI() + ": no answer within " + seconds + " s")));
      client.request(request)
        .compose(sending -> (body == null ? sending.send() : sending.send(body))
          .compose(response -> response.body().map(whole ->
            new Answer(response.statusCode(), whole))))
        .onComplete(done -> {
          vertx.cancelTimer(timer);
          if (done.succeeded()) {
            answer.tryComplete(done.result());
          } else {
            answer.tryFail(done.cause());
          }
        });
    });
    return answer.future();
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
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
    long armDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (String id : ids) {
      if (!connecting.tryAcquire(remaining(armDeadline), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException("longpoll: round " + round + ": only " + (ids.size() - written.getCount())
          + " of " + ids.size() + " waiters were sent within 60 s");
      }
      // Once per waiter, whether its request was written or its connection failed.
      java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
      Runnable markSent = () -> {
        if (sent.compareAndSet(false, true)) {
          connecting.release();
          written.countDown();
        }
      };
      // On an event loop, as exchange() is: the answer's body is asked for before its end is read.
      Promise<Void> waited = Promise.promise();
      context.runOnContext(start -> waiting
        .request(new RequestOptions().setMethod(HttpMethod.GET).setURI(OPERATIONS + "/" + id)
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
          return (Void) null;
        }))
        .onComplete(waited));
      waited.future().onComplete(done -> {
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
      throw new IllegalStateException("longpoll: only " + (ids.size() - written.getCount()) + " waiters were sent within 60 s");
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
    int sent = 0;
    // Paced, the PATCHes take order.size() / patchRate seconds; a minute more bounds their answers.
    long patchDeadline = patchStart + TimeUnit.SECONDS.toNanos(
      60 + (patchRate > 0 ? (long) Math.ceil(order.size() / patchRate) : order.size() / 100));
    for (int i = 0; i < order.size(); i++) {
      if (patchRate > 0) {
        long due = patchStart + (long) (i * 1e9 / patchRate);
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
      }
      if (!inFlight.tryAcquire(remaining(patchDeadline), TimeUnit.NANOSECONDS)) {
        System.err.println("longpoll: round " + round + ": PATCHes stopped at " + i + " of " + order.size()
          + ", " + concurrency + " in flight without an answer");
        break;
      }
      sent++;
      String id = order.get(i);
      long sentAt = System.nanoTime();
      patchSentAt.put(id, sentAt);
      // Through exchange(): on the client's event loop (eclipse-vertx/vert.x#6038 lost 1 PATCH in 5,000
      // to 15,000 when the chain was built on main), and failed when not answered in time.
      exchange(acting, new RequestOptions().setMethod(HttpMethod.PATCH).setURI(OPERATIONS + "/" + id)
          .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
          .putHeader("Prefer", "return=minimal"), patch, requestTimeoutSeconds)
        .map(Answer::statusCode)
        .onComplete(done -> {
          if (done.succeeded() && done.result() / 100 == 2) {
            patchNanos.add(System.nanoTime() - sentAt);
          } else if (patchFailed.getAndIncrement() == 0) {
            System.err.println("longpoll: a PATCH failed: " + (done.succeeded() ? done.result() : done.cause()));
          }
          inFlight.release();
        });
    }
    patchFailed.addAndGet(order.size() - sent);
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
