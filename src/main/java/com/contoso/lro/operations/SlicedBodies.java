package com.contoso.lro.operations;

import com.contoso.lro.graph.ApiException;
import com.contoso.lro.throttle.CallerBudget;
import com.contoso.lro.throttle.PerCallerLimit;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * Sends a large body as fast as its client reads it, not faster: a slice at a time, pausing while
 * the connection's write queue is full. Handed to Netty whole, a large page was copied at once into
 * native memory, and stayed there for as long as its client did not read (README, SlowReadersTest).
 * Written this way a slow reader holds a slice and Netty's write queue of native memory, and its
 * rendered body on the heap, which is why a caller may have only {@link #LARGE_PER_CALLER} large
 * bodies being sent at once on an instance. What a caller is sent is also charged to its
 * PAGE_BYTES_PER_CALLER: reading, encoding and sending pages costs the cores every other caller
 * shares, in proportion to their bytes (bench/README.md, the hostile phase).
 */

public final class SlicedBodies {

  /** What is handed to the connection at a time; a body no larger goes in one write. */
  static final int SLICE_BYTES = 64 * 1024;
  /** A body over this counts against the caller's LARGE_PER_CALLER. A page of 100 is about 50 KB. */
  static final int LARGE_BYTES = 1024 * 1024;
  /** Large bodies one caller may have in flight at once on an instance: a small share of the heap (README). */
  public static final int LARGE_PER_CALLER = 2;
  private static final int RETRY_SECONDS = 1;

  private final PerCallerLimit large;
  private final CallerBudget bytes;

  /**
   * @param large the instance's count of large bodies being sent, per caller
   * @param bytes the instance's PAGE_BYTES_PER_CALLER budget
   */
  SlicedBodies(PerCallerLimit large, CallerBudget bytes) {
    this.large = large;
    this.bytes = bytes;
  }

  /** A 429 for a caller that has been sent more than its share of bytes lately, else null: asked before any work. */
  ApiException overBudget(String caller) {
    long wait = bytes.secondsToWait(caller);
    return wait == 0 ? null : ApiException.tooManyRequests(wait, "Too many requests: this caller has been sent "
      + "its share of list pages by this instance, " + (long) bytes.perSecond() + " bytes a second on average (PAGE_BYTES_PER_CALLER). "
      + "Retry after " + wait + " seconds, or ask for a smaller $top or fewer properties with $select.");
  }

  /** Ends the response with {@code body}, slices of at most {@link #SLICE_BYTES} in order, one at a time. */
  void end(RoutingContext ctx, String caller, List<Buffer> body) {
    HttpServerResponse response = ctx.response();
    long length = body.stream().mapToLong(Buffer::length).sum();
    // One slice is at most SLICE_BYTES, never large.
    if (length > LARGE_BYTES) {
      PerCallerLimit.Held place = large.take(caller);
      if (place == null) {
        ctx.fail(ApiException.tooManyRequests(RETRY_SECONDS, "Too many requests: this caller is being sent "
          + LARGE_PER_CALLER + " pages of over 1 MB by this instance, the most it may. Retry after "
          + RETRY_SECONDS + " seconds, once they are read, or ask for a smaller $top."));
        return;
      }
      // Called once, when the response ends or its connection closes.
      ctx.addEndHandler(ended -> place.release());
    }
    bytes.charge(caller, length);
    if (body.size() == 1) {
      response.end(body.get(0));
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(length));
    writeFrom(response, body, 0);
  }

  private static void writeFrom(HttpServerResponse response, List<Buffer> body, int from) {
    int at = from;
    while (!response.closed()) {
      if (at == body.size() - 1) {
        response.end(body.get(at));
        return;
      }
      response.write(body.get(at++));
      if (response.writeQueueFull()) {
        int next = at;
        response.drainHandler(drained -> writeFrom(response, body, next));
        return;
      }
    }
  }
}
