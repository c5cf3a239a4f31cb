package com.contoso.lro.operations;

import com.contoso.lro.auth.Caller;
import com.contoso.lro.batch.JsonBatches;
import com.contoso.lro.contract.model.BatchRequest;
import com.contoso.lro.graph.Owner;
import com.contoso.lro.contract.ServiceMetadata;
import com.contoso.lro.contract.api.OperationsApi;
import com.contoso.lro.contract.model.LongRunningOperation;
import com.contoso.lro.graph.ApiException;
import com.contoso.lro.graph.GraphLinks;
import com.contoso.lro.operations.OperationService.CreateRequest;
import com.contoso.lro.operations.OperationService.ListRequest;
import com.contoso.lro.operations.OperationService.Page;
import com.contoso.lro.throttle.CallerLimits;
import com.contoso.lro.throttle.DatabaseTimeBudget;
import com.contoso.lro.throttle.PerCallerLimit;
import com.contoso.lro.throttle.SpreadRetryAfter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The HTTP face of the operations: one method per call of the contract ({@code x-lro-call}), which
 * the generated binding routes the operation of each root (/me, /user, /users/{user-id}) to. The
 * permission check has already decided whose operations a request acts on, so no user-id comes here.
 */
public final class OperationsHandler implements OperationsApi {

  private static final String JSON = "application/json";
  /**
   * A caller's long-polls past its cap are often refused together: they come back spread, and no
   * sooner than a held one may end (60 s at most), as each refusal costs the instance a request.
   */
  private static final SpreadRetryAfter LONG_POLL_RETRY = new SpreadRetryAfter(30, 60);

  private final OperationService service;
  private final GraphLinks links;
  private final ChangeWaiters waiters;
  private final PerCallerLimit shares;
  private final DatabaseTimeBudget databaseTime;
  private final OperationJson operationJson = new OperationJson();
  private final PerCallerLimit longPolls;
  private final SlicedBodies bodies;
  private final ServiceMetadata metadata;
  private final JsonBatches batches;

  /**
   * @param service bounds each of its calls by DB_TIMEOUT_SECONDS; a wait for a change here is not one
   * @param limits  what each caller may hold at once on this instance, and its lists' database time
   * @param metadata the CSDL that GET $metadata serves, made from the contract
   * @param batches serves $batch, whose requests come back through the server, each as if alone
   * @param listeningStretch the change listener's stretch of listening: every change is announced while it stays the same
   */
  public OperationsHandler(OperationService service, GraphLinks links, Vertx vertx, CallerLimits limits,
                           ServiceMetadata metadata, JsonBatches batches, LongSupplier listeningStretch) {
    this.metadata = metadata;
    this.service = service;
    this.links = links;
    this.waiters = new ChangeWaiters(vertx, listeningStretch);
    this.shares = limits.statements();
    this.databaseTime = limits.databaseTime();
    this.longPolls = limits.longPolls();
    this.bodies = new SlicedBodies(limits.largePages(), limits.pageBytes());
    this.batches = batches;
  }

  /** GET $metadata: what the @odata.context of every answer here refers to. */
  @Override
  public void metadata(RoutingContext ctx) {
    metadata.serve(ctx);
  }

  /** On shutdown: every request waiting with Prefer: wait answers the current state now. */
  public void wakeWaiters() {
    waiters.wakeAll();
  }

  // ---- the calls, one method each; the generated binding routes every root's operation of a call here

  @Override
  public void list(RoutingContext ctx, Integer top, Integer skip, String search, String filter, Boolean count,
                   List<String> orderby, List<String> select, List<String> expand, String skiptoken) {
    ListRequest request = new ListRequest(top, skip, search, filter, Boolean.TRUE.equals(count), orderby, skiptoken);
    Owner owner = Owner.of(ctx);
    int echoed = GraphLinks.echoedLength(ctx);
    if (echoed > GraphLinks.ECHOED_QUERY_LIMIT) {
      ctx.fail(ApiException.badRequest("The $filter and other parameters take " + echoed + " characters percent-encoded; "
        + "a list takes " + GraphLinks.ECHOED_QUERY_LIMIT + " at most, so that @odata.nextLink stays under 2,048.", "$filter"));
      return;
    }
    ApiException overBudget = bodies.overBudget(Caller.of(ctx).oid());
    if (overBudget != null) {
      ctx.fail(overBudget);
      return;
    }
    // A page and its count run at once: two statements.
    withShare(ctx, request.count() ? 2 : 1, () -> service.list(owner, request))
      .compose(page -> collection(ctx, owner, page, select))
      .onSuccess(json -> {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON);
        bodies.end(ctx, Caller.of(ctx).oid(), json);
      })
      .onFailure(ctx::fail);
  }

  @Override
  public void batch(RoutingContext ctx, BatchRequest batch) {
    batches.serve(ctx, batch);
  }

  @Override
  public void create(RoutingContext ctx, LongRunningOperation body, String idempotencyKey) {
    CreateRequest request = new CreateRequest(body, ctx.body().buffer().getBytes(), Optional.ofNullable(idempotencyKey),
      operation -> new OperationService.Created(links.operation(ctx, operation.ownerId(), operation.id()),
        operation.version(), entity(ctx, operation, List.of())));
    service.create(Owner.of(ctx), request)
      .onSuccess(created -> ctx.response()
        .setStatusCode(201)
        .putHeader(HttpHeaders.LOCATION, created.location())
        .putHeader(HttpHeaders.ETAG, Precondition.etag(created.version()))
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(created.body()))
      .onFailure(ctx::fail);
  }

  @Override
  public void count(RoutingContext ctx, String search, String filter) {
    withShare(ctx, 1, () -> service.count(Owner.of(ctx), filter, search))
      .onSuccess(count -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end(String.valueOf(count)))
      .onFailure(ctx::fail);
  }

  /**
   * The work of a list or count, once the caller's share of statements in flight holds
   * {@code statements} more and its database time is not spent; else a 429 before anything is
   * sent. The share is given back, and the time charged, when the work ends or the service's
   * DB_TIMEOUT_SECONDS bound on it passes, whichever comes first.
   */
  private <T> Future<T> withShare(RoutingContext ctx, int statements, Supplier<Future<T>> work) {
    String caller = Caller.of(ctx).oid();
    long spent = databaseTime.secondsToWait(caller);
    if (spent > 0) {
      return Future.failedFuture(ApiException.tooManyRequests(spent, "Too many requests: this caller's lists and counts "
        + "have used their share of database time on this instance. Retry after " + spent + " seconds."));
    }
    PerCallerLimit.Held share = shares.take(caller, statements);
    if (share == null) {
      return Future.failedFuture(ApiException.tooManyRequests(1, "Too many requests: this service runs at most "
        + shares.perCaller() + " list and count statements per caller at once on each instance. Retry after 1 seconds."));
    }
    long startedAt = databaseTime.now();
    Future<T> started;
    try {
      started = work.get();
    } catch (RuntimeException e) {
      started = Future.failedFuture(e);
    }
    return started.onComplete(done -> {
      share.release();
      databaseTime.charge(caller, startedAt);
    });
  }

  /**
   * With {@code Prefer: wait=N}, an operation that is not final, and still has the ETag of
   * If-None-Match when one is given, is answered when it changes or is deleted, or after N seconds;
   * any other at once.
   */
  @Override
  public void get(RoutingContext ctx, String id, List<String> select, List<String> expand, String prefer,
                  String ifNoneMatch) {
    Owner owner = Owner.of(ctx);
    OptionalInt wait = Preferences.waitSeconds(prefer);
    Optional<Precondition> unlessMatching = Precondition.parse(ifNoneMatch, true);
    if (wait.isEmpty()) {
      service.get(owner, id).onSuccess(operation -> respond(ctx, operation, select, unlessMatching, OptionalInt.empty()))
        .onFailure(ctx::fail);
      return;
    }
    String caller = Caller.of(ctx).oid();
    PerCallerLimit.Held place = longPolls.take(caller);
    if (place == null) {
      int retryAfter = LONG_POLL_RETRY.next();
      ctx.fail(ApiException.tooManyRequests(retryAfter, "Too many requests: this caller holds "
        + longPolls.perCaller() + " requests with Prefer: wait on this instance, the most it may. Retry after "
        + retryAfter + " seconds, or ask without Prefer: wait."));
      return;
    }
    // Held for up to a minute, the request lets go of its verified bearer token: most of a KB each.
    ctx.request().headers().remove(HttpHeaders.AUTHORIZATION);
    ChangeWaiters.Waiter waiter = waiters.watch(owner.id(), id, place::release);
    ctx.response().closeHandler(clientGone -> waiter.stop());
    service.get(owner, id)
      .compose(first -> first.isFinal() || unlessMatching.map(tags -> !tags.matches(first.version())).orElse(false)
        ? Future.succeededFuture(new Answer(first, false))
        : waiter.changeWithin(Duration.ofSeconds(wait.getAsInt()))
          // Read again only what may have changed: a wait that ran out unwoken answers what it read.
          .compose(mayHaveChanged -> waiters.draining() || !mayHaveChanged ? Future.succeededFuture(first)
            : service.get(owner, id))
          .map(now -> new Answer(now, true)))
      .onComplete(answer -> {
        waiter.stop();
        if (ctx.response().closed()) {
          return;
        }
        if (answer.succeeded()) {
          respond(ctx, answer.result().operation(), select, unlessMatching,
            answer.result().waited() ? wait : OptionalInt.empty());
        } else {
          ctx.fail(answer.cause());
        }
      });
  }

  /** The operation read for a GET, and whether the request waited for it. */
  private record Answer(Operation operation, boolean waited) {
  }

  private void respond(RoutingContext ctx, Operation operation, List<String> select,
                       Optional<Precondition> unlessMatching, OptionalInt waited) {
    HttpServerResponse response = ctx.response().putHeader(HttpHeaders.ETAG, Precondition.etag(operation.version()));
    waited.ifPresent(seconds -> response.putHeader("Preference-Applied", "wait=" + seconds));
    service.retryAfterSeconds(operation)
      .ifPresent(seconds -> response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds)));
    if (unlessMatching.isPresent() && unlessMatching.get().matches(operation.version())) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(entity(ctx, operation, select));
  }

  @Override
  public void update(RoutingContext ctx, String id, LongRunningOperation body, String prefer, String ifMatch) {
    boolean minimal = Preferences.returnMinimal(prefer);
    service.update(Owner.of(ctx), id, body, Precondition.parse(ifMatch, false))
      .map(updated -> new Updated(updated.version(), minimal ? null : entity(ctx, updated, List.of())))
      .onSuccess(updated -> {
        ctx.response().putHeader(HttpHeaders.ETAG, Precondition.etag(updated.version()));
        if (minimal) {
          ctx.response().setStatusCode(204).putHeader("Preference-Applied", "return=minimal").end();
        } else {
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(updated.json());
        }
      })
      .onFailure(ctx::fail);
  }

  @Override
  public void delete(RoutingContext ctx, String id, String ifMatch) {
    service.delete(Owner.of(ctx), id, Precondition.parse(ifMatch, false))
      .onSuccess(deleted -> ctx.response().setStatusCode(204).end())
      .onFailure(ctx::fail);
  }

  // ---- representations

  private Buffer entity(RoutingContext ctx, Operation operation, List<String> select) {
    String context = links.operationEntityContext(ctx, operation.ownerId());
    if (select.isEmpty()) {
      return operationJson.entity(context, model(operation));
    }
    return new JsonObject().put("@odata.context", context).mergeIn(item(operation, select)).toBuffer();
  }

  /**
   * The page as JSON. One that carries {@link #LARGE_PAGE_CHARACTERS} of text or more (up to 999 items
   * of 4,096-character values) is encoded on a worker thread: on the event loop it held up every other
   * request of that loop's connections while it was written (bench/README.md#the-hostile-phase).
   */
  private Future<List<Buffer>> collection(RoutingContext ctx, Owner owner, Page page, List<String> select) {
    String context = links.operationsContext(ctx, owner.id());
    String nextLink = page.nextPageToken().map(token -> links.nextPage(ctx, owner.id(), token)).orElse(null);
    Supplier<List<Buffer>> encode = () -> {
      List<?> items = select.isEmpty()
        ? page.items().stream().map(OperationsHandler::model).toList()
        : page.items().stream().map(operation -> item(operation, select).getMap()).toList();
      return operationJson.collection(context, page.count().orElse(null), items, nextLink);
    };
    long text = page.items().stream().mapToLong(OperationsHandler::textLength).sum();
    return text < LARGE_PAGE_CHARACTERS ? Future.succeededFuture(encode.get())
      : ctx.vertx().executeBlocking(encode::get, false);
  }

  /** A page's text, from which on it is encoded off the event loop. */
  static final int LARGE_PAGE_CHARACTERS = 256 * 1024;

  private static long textLength(Operation operation) {
    return (operation.statusDetail() == null ? 0 : operation.statusDetail().length())
      + (operation.resourceLocation() == null ? 0 : operation.resourceLocation().length());
  }

  private static JsonObject item(Operation operation, List<String> select) {
    JsonObject json = JsonObject.mapFrom(model(operation));
    json.remove("@odata.context");
    if (!select.isEmpty()) {
      json.fieldNames().removeIf(name -> !name.equals("id") && !name.startsWith("@odata.") && !select.contains(name));
    }
    return json;
  }

  private static LongRunningOperation model(Operation operation) {
    return new LongRunningOperation(null, Precondition.etag(operation.version()), operation.createdDateTime())
      .id(operation.id())
      .atOdataType(LongRunningOperation.AtOdataTypeEnum._MICROSOFT_GRAPH_LONG_RUNNING_OPERATION)
      .lastActionDateTime(operation.lastActionDateTime())
      .status(operation.status())
      .statusDetail(operation.statusDetail())
      .resourceLocation(operation.resourceLocation());
  }

  /**
   * An update's response, rendered before any byte is sent, so that a rendering failure still
   * becomes an error body; the body is null when the client preferred none.
   */
  private record Updated(long version, Buffer json) {
  }
}
