package com.contoso.lro.batch;

import com.contoso.lro.batch.BatchPlan.Step;
import com.contoso.lro.contract.model.InnerError;
import com.contoso.lro.contract.model.MainError;
import com.contoso.lro.contract.model.ODataError;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One batch under way, on its request's event loop. Each request is sent once the requests it depends
 * on have answered below 400, or answered 424 at once when one of them did not; the others are sent
 * together. The batch's 200 is written as a stream, one request's answer at a time in the order they
 * come: an answer waits, paused, until the one before it has been written, and is then copied as the
 * client reads it, so that a batch holds no more than a slice of its answers however large they are.
 */
final class RunningBatch {

  private static final Logger LOG = LoggerFactory.getLogger(RunningBatch.class);
  /** A stopping instance's unsent request may go to another at once, behind a load balancer. */
  private static final int UNSENT_RETRY_AFTER_SECONDS = 1;
  private static final Set<String> NOT_COPIED = Set.of("content-length", "transfer-encoding", "connection", "keep-alive");

  private final RoutingContext ctx;
  private final List<Step> steps;
  private final HttpClient client;
  private final SocketAddress server;
  private final String basePath;
  private final long idleTimeoutMillis;
  private final HttpServerResponse out;
  /** Per step: null while not answered, else whether it succeeded. */
  private final Boolean[] succeeded;
  private final boolean[] started;
  private final List<HttpClientRequest> inFlight = new ArrayList<>();
  /** Answers waiting for their turn to be written; each calls its argument once it has been. */
  private final Queue<Consumer<Runnable>> lane = new ArrayDeque<>();
  private boolean writing;
  private int written;
  private boolean gone;

  RunningBatch(RoutingContext ctx, BatchPlan plan, HttpClient client, SocketAddress server, String basePath,
               long idleTimeoutMillis) {
    this.ctx = ctx;
    this.steps = plan.steps();
    this.client = client;
    this.server = server;
    this.basePath = basePath;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.out = ctx.response();
    this.succeeded = new Boolean[steps.size()];
    this.started = new boolean[steps.size()];
  }

  void start() {
    out.setChunked(true).setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    // A client that goes frees what its batch holds: the requests still under way (long-polls among them).
    out.closeHandler(closed -> abandon());
    out.write("{\"responses\":[");
    advance();
  }

  /** Sends every request whose dependencies have all answered; answers 424 for those of which one failed. */
  private void advance() {
    boolean changed = true;
    while (changed && !gone) {
      changed = false;
      for (int i = 0; i < steps.size(); i++) {
        if (started[i]) {
          continue;
        }
        Step step = steps.get(i);
        String failed = null;
        boolean ready = true;
        for (int dependency : step.dependsOn()) {
          if (succeeded[dependency] == null) {
            ready = false;
          } else if (!succeeded[dependency]) {
            failed = steps.get(dependency).id();
          }
        }
        if (failed != null) {
          started[i] = true;
          succeeded[i] = false;
          enqueue(error(step, 424, "failedDependency", "Request '" + failed + "', which this one depends on, failed.", null));
          changed = true;
        } else if (ready) {
          started[i] = true;
          send(i);
        }
      }
    }
  }

  private void send(int index) {
    Step step = steps.get(index);
    boolean[] connected = {false};
    Future<HttpClientResponse> answer;
    try {
      answer = request(step, connected);
    } catch (RuntimeException refused) {
      answer = Future.failedFuture(refused);
    }
    answer
      .onSuccess(response -> answered(index, response))
      .onFailure(failure -> {
        if (gone) {
          return;
        }
        LOG.warn("A request of a batch got no answer: {}", failure.toString());
        succeeded[index] = false;
        // Unsent (the service refused the connection, as it does once it is stopping): safe to send again.
        enqueue(connected[0]
          ? error(step, 504, "gatewayTimeout", "The request got no answer from the service; it may or may not have been done.", null)
          : error(step, 503, "serviceUnavailable", "The service could not take the request now; it was not done. "
            + "Send it again after " + UNSENT_RETRY_AFTER_SECONDS + " second(s).", UNSENT_RETRY_AFTER_SECONDS));
        advance();
      });
  }

  /** @param connected set once a connection to the service has taken the request, which may then be done */
  private Future<HttpClientResponse> request(Step step, boolean[] connected) {
    RequestOptions options = new RequestOptions()
      .setServer(server)
      .setMethod(HttpMethod.valueOf(step.method()))
      .setURI(basePath + "/" + step.target())
      .setIdleTimeout(idleTimeoutMillis);
    step.headers().forEach(header -> options.addHeader(header.getKey(), header.getValue()));
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    }
    return client.request(options)
      .compose(request -> {
        connected[0] = true;
        // The Host the batch was sent to, so that Location and @odata.context name it, as they would alone.
        HostAndPort authority = ctx.request().authority();
        if (authority != null) {
          request.authority(authority);
        }
        inFlight.add(request);
        if (gone) {
          request.reset();
        }
        return step.body() == null ? request.send() : request.send(step.body());
      });
  }

  private void answered(int index, HttpClientResponse response) {
    if (gone) {
      response.request().reset();
      return;
    }
    response.pause();
    response.exceptionHandler(this::broken);
    succeeded[index] = response.statusCode() < 400;
    Step step = steps.get(index);
    enqueue(done -> copy(step, response, done));
    advance();
  }

  /** Writes one answer: its status and headers, then its body as JSON, or as base64 when it is not JSON. */
  private void copy(Step step, HttpClientResponse response, Runnable done) {
    out.write(head(step.id(), response.statusCode(), headers(response.headers())));
    String contentType = response.getHeader(HttpHeaders.CONTENT_TYPE);
    boolean bodiless = step.method().equals("HEAD") || response.statusCode() == 204 || response.statusCode() == 304;
    if (bodiless || contentType == null || !BatchPlan.isJson(contentType)) {
      response.body().onSuccess(body -> {
        out.write(bodiless || body.length() == 0 ? "}" : ",\"body\":" + Json.encode(Base64.getEncoder().encodeToString(body.getBytes())) + "}");
        done.run();
      });
      response.resume();
      return;
    }
    out.write(",\"body\":");
    long[] copied = {0};
    response.handler(chunk -> {
      copied[0] += chunk.length();
      out.write(chunk);
      if (out.writeQueueFull()) {
        response.pause();
        out.drainHandler(drained -> response.resume());
      }
    });
    response.endHandler(end -> {
      out.write(copied[0] == 0 ? "null}" : "}");
      done.run();
    });
    response.resume();
  }

  /** The answer's headers but those of its connection, named in lower case as HTTP/2 names them, each once. */
  private static Map<String, String> headers(MultiMap headers) {
    Map<String, String> copied = new LinkedHashMap<>();
    for (String name : headers.names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!NOT_COPIED.contains(lower)) {
        copied.put(lower, String.join(", ", headers.getAll(name)));
      }
    }
    return copied;
  }

  private String head(String id, int status, Map<String, String> headers) {
    return (written++ == 0 ? "" : ",") + "{\"id\":" + Json.encode(id) + ",\"status\":" + status + ",\"headers\":"
      + Json.encode(headers);
  }

  /** An answer that no request of the service gave, in Graph's error shape, with an id of its own. */
  private Consumer<Runnable> error(Step step, int status, String code, String message, Integer retryAfterSeconds) {
    String requestId = UUID.randomUUID().toString();
    String clientRequestId = step.headers().stream().filter(header -> header.getKey().equalsIgnoreCase("client-request-id"))
      .map(Map.Entry::getValue).findFirst().orElse(null);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("request-id", requestId);
    if (clientRequestId != null) {
      headers.put("client-request-id", clientRequestId);
    }
    if (retryAfterSeconds != null) {
      headers.put("retry-after", String.valueOf(retryAfterSeconds));
    }
    headers.put("content-type", "application/json");
    ODataError body = new ODataError().error(new MainError().code(code).message(message)
      .innerError(new InnerError().date(OffsetDateTime.now(ZoneOffset.UTC)).requestId(requestId).clientRequestId(clientRequestId)));
    return done -> {
      out.write(head(step.id(), status, headers) + ",\"body\":" + Json.encode(body) + "}");
      done.run();
    };
  }

  private void enqueue(Consumer<Runnable> answer) {
    lane.add(answer);
    drain();
  }

  private void drain() {
    if (writing || gone) {
      return;
    }
    Consumer<Runnable> next = lane.poll();
    if (next != null) {
      writing = true;
      next.accept(() -> {
        writing = false;
        drain();
      });
    } else if (written == steps.size()) {
      gone = true;
      out.end("]}");
    }
  }

  /** An answer broke off half way: the batch's response cannot be completed, so it is cut too. */
  private void broken(Throwable failure) {
    if (!gone) {
      LOG.warn("An answer in a batch broke off: {}", failure.toString());
      abandon();
      out.reset();
    }
  }

  private void abandon() {
    if (gone) {
      return;
    }
    gone = true;
    inFlight.forEach(HttpClientRequest::reset);
  }
}
