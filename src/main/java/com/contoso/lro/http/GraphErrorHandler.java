package com.contoso.lro.http;

import com.contoso.lro.contract.ContractOperations;
import com.contoso.lro.contract.ContractViolations;
import com.contoso.lro.graph.ApiException;
import com.contoso.lro.auth.Caller;
import com.contoso.lro.contract.model.InnerError;
import com.contoso.lro.contract.model.MainError;
import com.contoso.lro.contract.model.ODataError;
import com.contoso.lro.db.DatabaseErrors;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.contract.OpenAPIContract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The one place where failures become responses: every error leaves as the Graph error body,
 * with no stack trace, SQL or class name; unexpected ones are logged with their request-id and
 * route template, never the request's path.
 */
public final class GraphErrorHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(GraphErrorHandler.class);

  /** How long a client should wait when the database cannot be reached. */
  static final int RETRY_AFTER_SECONDS = 5;

  private final OpenAPIContract contract;

  /** @param contract what names a request's route in the log lines of failures */
  public GraphErrorHandler(OpenAPIContract contract) {
    this.contract = contract;
  }

  @Override
  public void handle(RoutingContext ctx) {
    respond(ctx, classify(ctx, 500));
  }

  /**
   * For a router error handler: the router knows the status (404, 405, a path it cannot decode),
   * but does not always put it on the context.
   */
  public Handler<RoutingContext> forStatus(int status) {
    return ctx -> respond(ctx, classify(ctx, status));
  }

  private void respond(RoutingContext ctx, ApiException error) {
    // A failure may come from any thread (a future of no context, a library's timer); its answer may not.
    if (!ConnectionThread.onItsLoop(ctx.request(), () -> respond(ctx, error))) {
      return;
    }
    if (ctx.response().closed()) {
      // The client went away (or a deadline cut it off): nobody is left to answer.
      LOG.debug("{} {} {} {}: the connection closed before the answer", requestOf(ctx));
      return;
    }
    if (error.status() == 503) {
      LOG.warn("{} {} {} {}: the database is unavailable: {}", append(requestOf(ctx),
        ctx.failure() == null ? "" : ctx.failure().getMessage()));
    } else if (error.status() >= 500) {
      LOG.error("{} {} {} {} failed", append(requestOf(ctx), ctx.failure()));
    }
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    if (RequestIds.requestId(ctx) == null) {
      // Refused by the router before any route ran: no Host header, a path it cannot decode.
      RequestIds.assign(ctx);
    }
    error.headers().forEach(response::putHeader);
    response
      .setStatusCode(error.status())
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    SecurityHeaders.apply(response);
    response.end(Json.encode(body(ctx, error)));
  }

  /**
   * Which request a line is about, as the request log names it: its id, method, route template and
   * caller's pseudonym. Not its path, which names users (another user's object id, under
   * /users/{userId}) and operations, nor its method as sent, which may be any length.
   */
  private Object[] requestOf(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    return new Object[] {kv("request-id", RequestIds.requestId(ctx)),
      kv("method", RequestMethods.named(ctx.request().method().name())),
      kv("route", ContractOperations.routeOf(ctx, contract)),
      kv("user", caller == null ? null : caller.pseudonym())};
  }

  private static Object[] append(Object[] arguments, Object last) {
    Object[] all = Arrays.copyOf(arguments, arguments.length + 1);
    all[arguments.length] = last;
    return all;
  }

  private static ApiException classify(RoutingContext ctx, int fallbackStatus) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException apiException) {
      return apiException;
    }
    ApiException refused = ContractViolations.describe(failure, ctx.statusCode());
    if (refused != null) {
      return refused;
    }
    if (failure instanceof MalformedFraming framing) {
      // The body's end, and so the next request's start, is unknown: nothing more is read on this connection.
      return new ApiException(400, "badRequest", framing.getMessage(), null, Map.of("Connection", "close"));
    }
    if (DatabaseErrors.isUnavailable(failure)) {
      return ApiException.serviceUnavailable(RETRY_AFTER_SECONDS);
    }
    if (DatabaseErrors.isRefusedValue(failure)) {
      return ApiException.badRequest("The request holds a value that cannot be stored, such as a NUL character.");
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    if (status < 400) {
      status = fallbackStatus;
    }
    return ApiException.of(status, defaultMessage(status));
  }

  private static String defaultMessage(int status) {
    return switch (status) {
      case 400 -> "The request is malformed.";
      case 404 -> "The requested resource does not exist.";
      case 405 -> "The method is not allowed on this resource.";
      case 413 -> "The request body is larger than 64 KiB.";
      case 500 -> "An unexpected error occurred; quote the request-id when reporting it.";
      default -> "The request failed.";
    };
  }

  /**
   * Answers {@code error} on a request that the router has not handled, or has given up on: with the
   * request-id the response already carries, or a new one, and with the security headers.
   */
  static Future<Void> sendOutsideRouter(HttpServerRequest request, ApiException error) {
    HttpServerResponse response = request.response();
    String requestId = response.headers().contains(RequestIds.REQUEST_ID)
      ? response.headers().get(RequestIds.REQUEST_ID)
      : UUID.randomUUID().toString();
    String clientRequestId = RequestIds.clientRequestId(request);
    response.putHeader(RequestIds.REQUEST_ID, requestId);
    if (clientRequestId != null) {
      response.putHeader(RequestIds.CLIENT_REQUEST_ID, clientRequestId);
    }
    error.headers().forEach(response::putHeader);
    response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    SecurityHeaders.apply(response);
    return response.end(Json.encode(body(requestId, clientRequestId, error)));
  }

  private static ODataError body(RoutingContext ctx, ApiException error) {
    return body(RequestIds.requestId(ctx), RequestIds.clientRequestId(ctx), error);
  }

  private static ODataError body(String requestId, String clientRequestId, ApiException error) {
    InnerError inner = new InnerError()
      .date(OffsetDateTime.now(ZoneOffset.UTC))
      .requestId(requestId)
      .clientRequestId(clientRequestId);
    MainError main = new MainError().code(error.code()).message(error.getMessage()).innerError(inner);
    if (error.target() != null) {
      main.target(error.target());
    }
    return new ODataError().error(main);
  }
}
