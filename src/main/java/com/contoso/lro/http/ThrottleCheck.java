package com.contoso.lro.http;

import com.contoso.lro.auth.Caller;
import com.contoso.lro.graph.ApiException;
import com.contoso.lro.throttle.UserThrottle;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;

/**
 * Refuses a caller's request, 429 with Retry-After, once the caller is over its rate on this
 * instance. It comes right after {@link BearerAuthentication}: only a verified caller spends from
 * its own bucket (a request without a valid token cannot drain someone else's), and a refused
 * request costs no validation or database work.
 */
public final class ThrottleCheck implements Handler<RoutingContext> {

  private final UserThrottle throttle;
  private final String limit;

  public ThrottleCheck(UserThrottle throttle) {
    this.throttle = throttle;
    this.limit = BigDecimal.valueOf(throttle.config().ratePerSecond()).stripTrailingZeros().toPlainString() + " requests per second (bursts of " + throttle.config().burst()
      + ") per caller on each instance";
  }

  @Override
  public void handle(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    if (caller == null) {
      // An operation served without a token (GET $metadata) spends from no caller's bucket.
      ctx.next();
      return;
    }
    long wait = throttle.secondsToWait(caller.oid());
    if (wait > 0) {
      ctx.fail(ApiException.tooManyRequests(wait,
        "Too many requests: this service allows " + limit + ". Retry after " + wait + " seconds."));
      return;
    }
    ctx.next();
  }
}
