import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client process of `make bench`'s cluster-waiters phase (bench/run.sh): holds its share of the
 * phase's long-polls ({@code GET …/{id}} with {@code Prefer: wait=60} and {@code If-None-Match}) on
 * the service's instances, one connection each, and wakes them with paced PATCHes sent through
 * another instance than the waiter's, so that each wake crosses PostgreSQL's LISTEN/NOTIFY. Every
 * answer is read and checked, and the waiter asks again at once on the same connection, so the
 * waiters stay held for the whole run.
 *
 * <p>Raw TCP (Vert.x's NetClient) with a fixed request and a small response reader rather than
 * Vert.x's HttpClient: 5.0.7's client can drop the end of a response (eclipse-vertx/vert.x#6038,
 * see LongPollBench), and here every answer counts. All of a process's sockets are on one event loop,
 * so its waiters' state needs no lock. A process holds at most what its open-file limit allows (the
 * sandbox's hard limit was 20,000): run.sh starts as many as the waiters need, each binding its
 * connections to its own loopback source address (--source), so that no address runs short of its
 * ~28,000 ephemeral ports.
 *
 * <pre>java -Xmx384m -cp target/lro-service.jar bench/ClusterWaiters.java --targets P1,P2,P3
 *   --source 127.0.0.2 --tokens FILE --ids FILE --first 0 --count 16667 --patch-rate 166.7
 *   --warmup-seconds 10 --rounds 3 --seconds 20 --ready FILE --go FILE --samples PREFIX</pre>
 *
 * <p>--ids holds "callerIndex id" lines; waiter i (its line number) is held on instance i mod n and
 * patched through instance (i + 1) mod n. Once every waiter's request is written it creates --ready,
 * then waits for --go to exist (run.sh measures memory in between), then runs a warm-up of
 * --warmup-seconds and --rounds windows of --seconds, PATCHing held waiters at --patch-rate. It
 * writes each window's wake latencies (µs, a line each) to PREFIX-ROUND.txt and prints one JSON line
 * per window on standard output.
 */
public class ClusterWaiters {

  private static final String OPERATIONS = "/beta/me/authentication/operations/";
  private static final byte[] CRLF2 = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  final Map<String, String> options;
  final Vertx vertx;
  final List<String> targets;
  final String[] tokens;
  final int wait;
  final Waiter[] waiters;
  final SplittableRandom random = new SplittableRandom(42);
  final Patcher[] patchers;

  // Counts, touched on the event loop only.
  final Map<String, Integer> errors = new HashMap<>();
  int timeouts;
  /** Of those, waiters whose PATCH had been sent: the change is then answered by their next wait. */
  int ranOutBeforeTheirPatch;
  /** PATCHed waiters whose GET the service read only after the change committed: answered at once, not held. */
  int patchedBeforeTheirRead;
  long connected;
  long written;

  // The window now running: -1 before the go, 0 the warm-up, 1.. the measured ones.
  int window = -1;
  final List<Window> windows = new ArrayList<>();

  ClusterWaiters(Map<String, String> options) throws Exception {
    this.options = options;
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
    targets = List.of(options.get("targets").split(","));
    tokens = Files.readAllLines(Path.of(options.get("tokens"))).stream().map(String::strip)
      .filter(line -> !line.isEmpty()).toArray(String[]::new);
    wait = Integer.parseInt(options.getOrDefault("wait", "60"));
    List<String> lines = Files.readAllLines(Path.of(options.get("ids")));
    int first = Integer.parseInt(options.get("first"));
    int count = Integer.parseInt(options.get("count"));
    NetClient waiting = vertx.createNetClient(new NetClientOptions().setLocalAddress(options.get("source"))
      .setConnectTimeout(60_000).setTcpNoDelay(true));
    waiters = new Waiter[count];
    for (int k = 0; k < count; k++) {
      int i = first + k;
      String[] fields = lines.get(i).strip().split("\\s+");
      waiters[k] = new Waiter(this, waiting, i % targets.size(), tokens[Integer.parseInt(fields[0]) % tokens.length], fields[1]);
    }
    NetClient acting = vertx.createNetClient(new NetClientOptions().setConnectTimeout(60_000).setTcpNoDelay(true));
    int perTarget = Integer.parseInt(options.getOrDefault("patch-connections", "8"));
    patchers = new Patcher[targets.size()];
    for (int t = 0; t < targets.size(); t++) {
      patchers[t] = new Patcher(this, acting, t, perTarget);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    ClusterWaiters client = new ClusterWaiters(options);
    int status = 0;
    try {
      client.run();
    } catch (Exception e) {
      System.err.println("cluster-waiters " + options.get("source") + ": " + e);
      status = 1;
    } finally {
      client.vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    // Vert.x's threads would keep a failed client alive.
    System.exit(status);
  }

  void run() throws Exception {
    long armStart = System.nanoTime();
    onLoop(() -> {
      for (Patcher patcher : patchers) {
        patcher.open();
      }
      armMore();
    }).get();
    // Every request written, each waiter on its connection.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("arm-seconds", "600")));
    while (onLoop(() -> written).get() < waiters.length) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + onLoop(() -> written).get() + " of " + waiters.length + " waiters sent; errors "
          + onLoop(() -> new HashMap<>(errors)).get());
      }
      Thread.sleep(100);
    }
    double armSeconds = (System.nanoTime() - armStart) / 1e9;
    System.err.printf("cluster-waiters %s: %,d waiters held, sent in %.1f s%n", options.get("source"), waiters.length, armSeconds);
    Files.writeString(Path.of(options.get("ready")), armSeconds + "\n");
    Path go = Path.of(options.get("go"));
    while (!Files.exists(go)) {
      Thread.sleep(50);
    }
    double rate = Double.parseDouble(options.get("patch-rate"));
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
    long warmup = Long.parseLong(options.getOrDefault("warmup-seconds", "10"));
    long seconds = Long.parseLong(options.getOrDefault("seconds", "20"));
    long start = System.nanoTime();
    List<Long> ends = new ArrayList<>();
    long end = start + TimeUnit.SECONDS.toNanos(warmup);
    ends.add(end);
    for (int r = 1; r <= rounds; r++) {
      end += TimeUnit.SECONDS.toNanos(seconds);
      ends.add(end);
    }
    // The PATCHes, paced on the event loop: each tick sends those that are due.
    CompletableFuture<Void> sent = new CompletableFuture<>();
    onLoop(() -> {
      window = warmup > 0 ? 0 : 1;
      windows.add(new Window(0, start));
      if (warmup == 0) {
        windows.add(new Window(1, start));
      }
      long[] due = {0};
      vertx.setPeriodic(2, tick -> {
        long now = System.nanoTime();
        while (window < ends.size() && now >= ends.get(window)) {
          windows.get(window).ended = now;
          window++;
          if (window < ends.size()) {
            windows.add(new Window(window, now));
          }
        }
        if (window >= ends.size()) {
          vertx.cancelTimer(tick);
          sent.complete(null);
          return;
        }
        long shouldHave = (long) ((now - start) / 1e9 * rate);
        for (; due[0] < shouldHave; due[0]++) {
          patchOne(now);
        }
      });
      return null;
    }).get();
    sent.get();
    // The last wakes: each patched waiter answers within the wait, or it is counted as unanswered.
    long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("settle-seconds", "10")));
    while (onLoop(this::pendingWakes).get() > 0 && System.nanoTime() < settle) {
      Thread.sleep(100);
    }
    String prefix = options.get("samples");
    onLoop(() -> {
      int unanswered = pendingWakes();
      if (unanswered > 0) {
        errors.merge("wakeUnansweredWithin" + options.getOrDefault("settle-seconds", "10") + "s", unanswered, Integer::sum);
      }
      for (Window w : windows) {
        long[] wakes = w.wakes.stream().mapToLong(Long::longValue).sorted().toArray();
        StringBuilder lines = new StringBuilder();
        for (long wake : wakes) {
          lines.append(wake / 1000).append('\n');
        }
        try {
          Files.writeString(Path.of(prefix + "-" + w.index + ".txt"), lines);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        double span = ((w.ended == 0 ? System.nanoTime() : w.ended) - w.started) / 1e9;
        System.out.println(new JsonObject()
          .put("source", options.get("source")).put("window", w.index).put("warmup", w.index == 0)
          .put("seconds", span).put("patches", w.patches).put("patchesPerSecond", w.patches / span)
          .put("patchFailed", w.patchFailed).put("woken", wakes.length)
          .put("noneToPatch", w.noneToPatch).encode());
      }
      System.out.println(new JsonObject().put("source", options.get("source")).put("summary", true)
        .put("waiters", waiters.length).put("armSeconds", armSeconds).put("timeouts", timeouts).put("ranOutBeforeTheirPatch", ranOutBeforeTheirPatch)
        .put("patchedBeforeTheirRead", patchedBeforeTheirRead)
        .put("errors", new JsonObject(new HashMap<>(errors))).encode());
      return null;
    }).get();
  }

  int pendingWakes() {
    int pending = 0;
    for (Waiter waiter : waiters) {
      if (waiter.patchedAt != 0) {
        pending++;
      }
    }
    return pending;
  }

  int nextToConnect;
  int connecting;

  /** Connects and arms the next waiters, a few hundred connections being opened at a time: a burst of
   * thousands of SYNs overflows the listen backlog, and a dropped SYN costs its client a 1 s retry. */
  void armMore() {
    int limit = Integer.parseInt(options.getOrDefault("connecting", "200"));
    while (connecting < limit && nextToConnect < waiters.length) {
      connecting++;
      waiters[nextToConnect++].connect(() -> {
        connecting--;
        armMore();
      });
    }
  }

  /** Sends one PATCH to a held waiter picked at random, through the instance after its own. */
  void patchOne(long now) {
    Window w = windows.get(window);
    long minAge = TimeUnit.MILLISECONDS.toNanos(1000);
    long maxAge = TimeUnit.SECONDS.toNanos(wait - 5);
    int start = random.nextInt(waiters.length);
    for (int probe = 0; probe < waiters.length; probe++) {
      Waiter waiter = waiters[(start + probe) % waiters.length];
      long age = now - waiter.sentAt;
      if (waiter.held && waiter.patchedAt == 0 && age >= minAge && age <= maxAge) {
        waiter.patch(w, (waiter.target + 1) % targets.size());
        return;
      }
    }
    w.noneToPatch++;
  }

  void error(String kind) {
    error(kind, "");
  }

  /** Counts an error of this kind; the first of each kind is printed, with what is known of it. */
  void error(String kind, String detail) {
    if (errors.merge(kind, 1, Integer::sum) == 1) {
      System.err.println("cluster-waiters " + options.get("source") + ": first " + kind + (detail.isEmpty() ? "" : ": " + detail));
    }
  }

  <T> CompletableFuture<T> onLoop(java.util.concurrent.Callable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      try {
        result.complete(work.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  CompletableFuture<Void> onLoop(Runnable work) {
    return onLoop(() -> {
      work.run();
      return null;
    });
  }

  static final class Window {
    final int index;
    final long started;
    long ended;
    int patches;
    int patchFailed;
    int noneToPatch;
    final List<Long> wakes = new ArrayList<>();

    Window(int index, long started) {
      this.index = index;
      this.started = started;
    }
  }

  /** One HTTP/1.1 answer, read from a socket's chunks: its head, then Content-Length bytes of body. */
  static final class Reader {
    private Buffer pending;

    interface Answer {
      void accept(int status, String head, Buffer body);
    }

    /** @return false when the bytes are no HTTP answer this reader can read */
    boolean feed(Buffer chunk, Answer answer) {
      pending = pending == null ? chunk : pending.appendBuffer(chunk);
      while (pending != null) {
        int headEnd = indexOf(pending, CRLF2);
        if (headEnd < 0) {
          return pending.length() <= 16_384;
        }
        String head = pending.getString(0, headEnd, "ISO-8859-1");
        if (!head.startsWith("HTTP/1.1 ") || head.length() < 12) {
          return false;
        }
        int status = Integer.parseInt(head.substring(9, 12));
        int length = 0;
        for (String line : head.split("\r\n")) {
          int colon = line.indexOf(':');
          if (colon > 0) {
            String name = line.substring(0, colon).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
              length = Integer.parseInt(line.substring(colon + 1).trim());
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
              return false;
            }
          }
        }
        int total = headEnd + 4 + length;
        if (pending.length() < total) {
          return true;
        }
        Buffer body = pending.getBuffer(headEnd + 4, total);
        pending = pending.length() == total ? null : pending.getBuffer(total, pending.length());
        answer.accept(status, head, body);
      }
      return true;
    }

    private static int indexOf(Buffer buffer, byte[] needle) {
      outer:
      for (int i = 0; i + needle.length <= buffer.length(); i++) {
        for (int j = 0; j < needle.length; j++) {
          if (buffer.getByte(i + j) != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }

    static String header(String head, String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  /** A long-poll held on its own connection, asked again as soon as it is answered. */
  static final class Waiter {
    final ClusterWaiters bench;
    final NetClient client;
    final int target;
    final String token;
    final String id;
    final Reader reader = new Reader();
    NetSocket socket;
    String etag = "\"2\"";
    boolean held;
    long sentAt;
    long patchedAt;
    String expected;
    Window patchedIn;
    /** Its wait ran out after its PATCH was sent, before the change was committed. */
    boolean ranOutBefore;

    Waiter(ClusterWaiters bench, NetClient client, int target, String token, String id) {
      this.bench = bench;
      this.client = client;
      this.target = target;
      this.token = token;
      this.id = id;
    }

    void connect(Runnable connected) {
      String[] hostPort = bench.targets.get(target).split(":");
      client.connect(Integer.parseInt(hostPort[1]), hostPort[0]).onComplete(done -> {
        connected.run();
        if (done.failed()) {
          bench.error("connectFailed");
          // Counted as written, so that arming ends; the run's errors show it.
          bench.written++;
          return;
        }
        bench.connected++;
        socket = done.result();
        socket.handler(chunk -> {
          if (!reader.feed(chunk, this::answered)) {
            bench.error("unreadableAnswer");
            socket.close();
          }
        });
        socket.closeHandler(closed -> {
          if (held || patchedAt != 0) {
            bench.error("connectionClosed");
          }
          held = false;
        });
        ask(true);
      });
    }

    void ask(boolean first) {
      String request = "GET " + OPERATIONS + id + " HTTP/1.1\r\nHost: " + bench.targets.get(target)
        + "\r\nAuthorization: Bearer " + token + "\r\nPrefer: wait=" + bench.wait + "\r\nIf-None-Match: " + etag + "\r\n\r\n";
      sentAt = System.nanoTime();
      held = true;
      socket.write(Buffer.buffer(request)).onComplete(done -> {
        if (first) {
          bench.written++;
        }
        if (done.failed()) {
          bench.error("writeFailed");
        }
      });
    }

    void answered(int status, String head, Buffer body) {
      long now = System.nanoTime();
      held = false;
      String tag = Reader.header(head, "ETag");
      boolean ranOut = status == 304 && now - sentAt >= TimeUnit.SECONDS.toNanos(bench.wait) - TimeUnit.MILLISECONDS.toNanos(500);
      if (patchedAt != 0 && ranOut) {
        // Its wait ran out before the PATCH's change was committed (the PATCH slower than the time the wait
        // had left): the right answer. The change is the next wait's, answered at once or when it commits,
        // and the wake is timed from the PATCH to that answer.
        bench.timeouts++;
        bench.ranOutBeforeTheirPatch++;
        ranOutBefore = true;
      } else if (patchedAt != 0) {
        // After such a 304 the change is answered at once, without waiting: no Preference-Applied then. So is
        // a GET the service read only after the change committed (a PATCH goes to a GET sent a second or more
        // before, and under load the service may read it later): the body, the PATCH's own statusDetail,
        // shows that the answer is the change, whether or not its request waited for it.
        if (status != 200 || !expected.equals(new JsonObject(body).getString("statusDetail"))) {
          bench.error("wrongAnswer" + status, String.format("asked %d ms before its PATCH, answered %d ms after it%s; "
              + "expected %s; answered %s", (patchedAt - sentAt) / 1_000_000, (now - patchedAt) / 1_000_000,
            ranOutBefore ? ", its previous wait ran out" : "", expected, head.replace("\r\n", " | ") + " " + body));
        } else {
          if (!ranOutBefore && !("wait=" + bench.wait).equals(Reader.header(head, "Preference-Applied"))) {
            bench.patchedBeforeTheirRead++;
          }
          patchedIn.wakes.add(now - patchedAt);
        }
        patchedAt = 0;
        ranOutBefore = false;
      } else if (ranOut) {
        // Its wait ran out with nothing changed: the service's timer, as it should be.
        bench.timeouts++;
      } else {
        bench.error(status == 304 ? "answeredBeforeItsWait" : "unexpectedAnswer" + status);
      }
      if (tag != null) {
        etag = tag;
      }
      if (status == 200 || status == 304) {
        ask(false);
      } else {
        // As a client should: a refusal or a 503 is asked again after its Retry-After (or a second),
        // not at once, which on an overloaded machine only adds to the load.
        String retry = Reader.header(head, "Retry-After");
        long seconds = retry != null && retry.matches("\\d{1,3}") ? Long.parseLong(retry) : 1;
        bench.vertx.setTimer(Math.max(1, seconds) * 1000, again -> ask(false));
      }
    }

    void patch(Window window, int through) {
      patchedAt = System.nanoTime();
      patchedIn = window;
      expected = "window " + window.index + " at " + patchedAt;
      window.patches++;
      bench.patchers[through].send(this, token, "{\"statusDetail\":\"" + expected + "\"}", window);
    }
  }

  /** Keep-alive connections to one instance, for PATCHes; a PATCH waits for a free one. */
  static final class Patcher {
    final ClusterWaiters bench;
    final NetClient client;
    final int target;
    final int size;
    final ArrayDeque<Conn> free = new ArrayDeque<>();
    final ArrayDeque<Object[]> queued = new ArrayDeque<>();

    Patcher(ClusterWaiters bench, NetClient client, int target, int size) {
      this.bench = bench;
      this.client = client;
      this.target = target;
      this.size = size;
    }

    void open() {
      for (int k = 0; k < size; k++) {
        new Conn().open();
      }
    }

    void send(Waiter waiter, String token, String json, Window window) {
      Conn conn = free.poll();
      if (conn == null) {
        queued.add(new Object[] {waiter, token, json, window});
      } else {
        conn.send(waiter, token, json, window);
      }
    }

    final class Conn {
      final Reader reader = new Reader();
      NetSocket socket;
      Window window;

      void open() {
        String[] hostPort = bench.targets.get(target).split(":");
        client.connect(Integer.parseInt(hostPort[1]), hostPort[0]).onComplete(done -> {
          if (done.failed()) {
            bench.error("patchConnectFailed");
            bench.vertx.setTimer(1000, t -> open());
            return;
          }
          socket = done.result();
          socket.handler(chunk -> {
            if (!reader.feed(chunk, (status, head, body) -> {
              if (status != 204) {
                bench.error("patchAnswered" + status);
                window.patchFailed++;
              }
              release();
            })) {
              bench.error("unreadablePatchAnswer");
              socket.close();
            }
          });
          socket.closeHandler(closed -> {
            // The service closes one left idle for HTTP_IDLE_TIMEOUT_SECONDS, as while 50,000 waiters are
            // sent: left among the free, it would swallow the next PATCH unsent, and its waiter's wake.
            free.remove(this);
            if (window != null) {
              bench.error("patchConnectionClosed");
              window.patchFailed++;
            }
            new Conn().open();
          });
          release();
        });
      }

      void release() {
        window = null;
        Object[] next = queued.poll();
        if (next == null) {
          free.add(this);
        } else {
          send((Waiter) next[0], (String) next[1], (String) next[2], (Window) next[3]);
        }
      }

      void send(Waiter waiter, String token, String json, Window window) {
        this.window = window;
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "PATCH " + OPERATIONS + waiter.id + " HTTP/1.1\r\nHost: " + bench.targets.get(target)
          + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json\r\nPrefer: return=minimal\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n";
        // The wake is timed from the PATCH's writing, not from its wait for a connection.
        waiter.patchedAt = System.nanoTime();
        socket.write(Buffer.buffer(head).appendBytes(body)).onFailure(unsent -> bench.error("patchWriteFailed"));
      }
    }
  }
}
