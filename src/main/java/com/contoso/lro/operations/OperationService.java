package com.contoso.lro.operations;

import com.contoso.lro.db.DatabaseTimeout;
import com.contoso.lro.graph.Owner;
import com.contoso.lro.contract.model.LongRunningOperation;
import com.contoso.lro.contract.model.LongRunningOperationStatus;
import com.contoso.lro.graph.ApiException;
import com.contoso.lro.operations.query.OrderBy;
import com.contoso.lro.operations.query.PageDepth;
import com.contoso.lro.operations.query.PageTokens;
import com.contoso.lro.operations.query.QueryOptionException;
import com.contoso.lro.operations.query.SortTerm;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import org.openapitools.jackson.nullable.JsonNullable;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The rules of the resource: what the server decides, what a client may not set, and how lists
 * page. Who may act on whose operations is decided before a request gets here. Each public call
 * is bound by DB_TIMEOUT_SECONDS as a whole, however many statements it takes; a wait for a change
 * (Prefer: wait) is the handler's, between two calls, and so is never bound.
 */
public final class OperationService {

  /** Graph's default page size. */
  static final int DEFAULT_TOP = 100;
  /** As the service writes timestamps: UTC, with milliseconds. */
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX");
  /** RFC 3339 has four-digit years; a later instant could not be written back. */
  private static final int LAST_YEAR = 9999;

  private final OperationStore store;
  private final Supplier<PageTokens> pageTokens;
  private final Clock clock;
  private final int retryAfterMaxSeconds;
  private final IdempotentCreates idempotentCreates;
  private final OperationMetrics metrics;
  private final DatabaseTimeout databaseTimeout;

  /**
   * @param pageTokens        the signer of $skiptoken, whose key is read from the database once it answers
   * @param idempotentCreates creates with an Idempotency-Key
   * @param databaseTimeout   how long each call may wait on the database
   */
  public OperationService(OperationStore store, Supplier<PageTokens> pageTokens, Clock clock, int retryAfterMaxSeconds,
                          IdempotentCreates idempotentCreates, OperationMetrics metrics, DatabaseTimeout databaseTimeout) {
    this.store = store;
    this.databaseTimeout = databaseTimeout;
    this.metrics = metrics;
    this.pageTokens = pageTokens;
    this.clock = clock;
    this.retryAfterMaxSeconds = retryAfterMaxSeconds;
    this.idempotentCreates = idempotentCreates;
  }

  /**
   * When a client polling an operation that is not final should look again: one second, plus one
   * for every ten seconds of the operation's age, at most RETRY_AFTER_MAX_SECONDS. Young operations
   * often finish fast; old ones are rarely worth polling every second. None for a final operation.
   */
  public OptionalInt retryAfterSeconds(Operation operation) {
    if (operation.isFinal()) {
      return OptionalInt.empty();
    }
    long ageSeconds = Math.max(0, Duration.between(operation.createdDateTime(), OffsetDateTime.now(clock)).toSeconds());
    return OptionalInt.of((int) Math.min(retryAfterMaxSeconds, 1 + ageSeconds / 10));
  }

  /** What a list asks for: the query options of the contract, validated. */
  public record ListRequest(Integer top, Integer skip, String search, String filter, boolean count,
                            List<String> orderby, String skiptoken) {
  }

  /** One page, the token of the next when there is one, and the count when it was asked for. */
  public record Page(List<Operation> items, Optional<String> nextPageToken, Optional<Long> count) {
  }

  /**
   * A create: what the client sent, as the contract validated it, its raw body (for the
   * Idempotency-Key's fingerprint), and how to render the 201 for an operation, so that the very
   * same answer can be kept for a retry.
   */
  public record CreateRequest(LongRunningOperation body, byte[] rawBody, Optional<String> idempotencyKey,
                              Function<Operation, Created> render) {
  }

  /** The answer to a create: the 201's Location, ETag version and body. */
  public record Created(String location, long version, Buffer body) {
  }

  /**
   * A new operation owned by {@code owner}; with an Idempotency-Key, {@link IdempotentCreates}'s.
   */
  public Future<Created> create(Owner owner, CreateRequest request) {
    return call(() -> created(owner, request));
  }

  private Future<Created> created(Owner owner, CreateRequest request) {
    LongRunningOperation body = request.body();
    if (body.getCreatedDateTime() != null) {
      return Future.failedFuture(ApiException.badRequest("Property 'createdDateTime' is read-only: the server sets it "
        + "when it creates the operation, so a create has no value to repeat.", "createdDateTime"));
    }
    if (body.getStatus() == LongRunningOperationStatus.UNKNOWN_FUTURE_VALUE) {
      return unknownFutureValue();
    }
    OffsetDateTime now = now();
    OffsetDateTime lastAction = body.getLastActionDateTime() == null ? now : utcMillis(body.getLastActionDateTime());
    if (lastAction.getYear() > LAST_YEAR) {
      return tooLate();
    }
    Operation operation = new Operation(
      owner.id(),
      body.getId() == null ? UUID.randomUUID().toString() : body.getId(),
      now,
      lastAction,
      status(body.getStatus()),
      body.getStatusDetail(),
      body.getResourceLocation(),
      1);
    if (request.idempotencyKey().isEmpty()) {
      return store.insert(operation).onSuccess(inserted -> metrics.created())
        .recover(OperationService::takenId).map(request.render());
    }
    return idempotentCreates.create(operation, request.idempotencyKey().get(), request.rawBody(), request.render());
  }

  /** An id the user already has (a unique violation) is the client's conflict; anything else passes. */
  static <T> Future<T> takenId(Throwable failure) {
    if (failure instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return Future.failedFuture(ApiException.conflict("The user already has an operation with this id.", "id"));
    }
    return Future.failedFuture(failure);
  }

  public Future<Operation> get(Owner owner, String id) {
    return call(() -> store.find(owner.id(), id).compose(OperationService::found));
  }

  /**
   * Graph's merge semantics: only the properties present change. The status follows the lifecycle:
   * notStarted → running → succeeded | failed (or straight to a final one); running → running
   * reports progress; succeeded and failed are final: nothing changes them any more. A real change
   * sets lastActionDateTime to the server's time and moves the version; an update that changes
   * nothing moves neither. lastActionDateTime is therefore the server's to set. The body may repeat
   * what the server owns (a GET's result sent back) as long as it is the operation's own value:
   * its id, its createdDateTime and its current lastActionDateTime, as instants.
   */
  public Future<Operation> update(Owner owner, String id, LongRunningOperation body,
                                  Optional<Precondition> ifMatch) {
    return call(() -> updated(owner, id, body, ifMatch));
  }

  private Future<Operation> updated(Owner owner, String id, LongRunningOperation body,
                                    Optional<Precondition> ifMatch) {
    if (body.getId() != null && !body.getId().equals(id)) {
      return Future.failedFuture(ApiException.badRequest("Property 'id' is read-only: an update may repeat the "
        + "operation's id, '" + id + "', not change it.", "id"));
    }
    if (body.getStatus() == LongRunningOperationStatus.UNKNOWN_FUTURE_VALUE) {
      return unknownFutureValue();
    }
    OperationChanges changes = new OperationChanges(
      Optional.ofNullable(body.getStatus()).map(OperationService::status),
      body.getStatusDetail_JsonNullable(),
      body.getResourceLocation_JsonNullable(),
      now(),
      Optional.ofNullable(body.getCreatedDateTime()),
      Optional.ofNullable(body.getLastActionDateTime()));
    Long[] versions = ifMatch.map(Precondition::versionsOrNull).orElse(null);
    return store.update(owner.id(), id, changes, versions).compose(updated -> {
      if (updated.isEmpty()) {
        return store.find(owner.id(), id).compose(current -> Future.failedFuture(refusal(current, ifMatch, changes)));
      }
      if (updated.get().changed()) {
        metrics.updated();
      }
      return Future.succeededFuture(updated.get().operation());
    });
  }

  /** Why an update found nothing to change: no such operation, another version, or a refused move. */
  private static ApiException refusal(Optional<Operation> current, Optional<Precondition> ifMatch,
                                      OperationChanges changes) {
    if (current.isEmpty()) {
      return ApiException.itemNotFound();
    }
    if (ifMatch.isPresent() && !ifMatch.get().matches(current.get().version())) {
      return ApiException.resourceModified();
    }
    if (changes.createdDateTime().isPresent() && !changes.createdDateTime().get().isEqual(current.get().createdDateTime())) {
      return notRepeated("createdDateTime", current.get().createdDateTime());
    }
    if (changes.lastActionDateTime().isPresent()
      && !changes.lastActionDateTime().get().isEqual(current.get().lastActionDateTime())) {
      return notRepeated("lastActionDateTime", current.get().lastActionDateTime());
    }
    String from = current.get().status().getValue();
    String to = changes.status().map(LongRunningOperationStatus::getValue).orElse(from);
    if (from.equals(to)) {
      return ApiException.conflict("The operation is " + from + ": a final operation changes no more.", null);
    }
    return ApiException.conflict("The status cannot move from " + from + " to " + to + ": "
      + (current.get().isFinal() ? "succeeded and failed are final." : "an operation never moves back to notStarted."),
      "status");
  }

  public Future<Void> delete(Owner owner, String id, Optional<Precondition> ifMatch) {
    return call(() -> store.delete(owner.id(), id, ifMatch.map(Precondition::versionsOrNull).orElse(null))
      .compose(deleted -> {
        if (deleted) {
          metrics.deleted();
          return Future.succeededFuture();
        }
        return store.find(owner.id(), id).compose(current -> Future.failedFuture(current.isEmpty()
          ? ApiException.itemNotFound()
          : ApiException.resourceModified()));
      }));
  }

  public Future<Long> count(Owner owner, String filter, String search) {
    return call(() -> {
      refuseSearch(search);
      return store.count(OperationStore.matching(owner.id(), filter));
    });
  }

  /**
   * A page of the owner's operations. $skip applies to the first page only: later pages start
   * after the last row shown, from the $skiptoken of @odata.nextLink.
   */
  public Future<Page> list(Owner owner, ListRequest request) {
    return call(() -> {
      refuseSearch(request.search());
      List<SortTerm> order = OrderBy.parse(request.orderby());
      String scope = owner.id() + "\n" + (request.filter() == null ? "" : request.filter()) + "\n" + OrderBy.describe(order);
      List<Object> token = request.skiptoken() == null ? List.of() : pageTokens.get().read(request.skiptoken(), scope, order);
      int top = request.top() == null ? DEFAULT_TOP : request.top();
      int skip = request.skiptoken() == null && request.skip() != null ? request.skip() : 0;
      PageDepth.check(request.orderby(), skip, top);
      OperationStore.Matching matching = OperationStore.matching(owner.id(), request.filter());
      Future<List<Operation>> rows = resolved(owner, order, token)
        .compose(after -> store.list(matching, order, after, top + 1, skip));
      Future<Optional<Long>> count = request.count()
        ? store.count(matching).map(Optional::of)
        : Future.succeededFuture(Optional.empty());
      return Future.all(rows, count).map(both -> {
        List<Operation> page = rows.result().subList(0, Math.min(top, rows.result().size()));
        Optional<String> next = rows.result().size() > top
          ? Optional.of(pageTokens.get().create(scope, order,
            order.stream().map(term -> term.valueOf().apply(page.get(page.size() - 1))).toList()))
          : Optional.empty();
        return new Page(page, next, count.result());
      });
    });
  }

  /**
   * A token's values with each long text value read back from the last row shown, by the id the
   * token carries. When that row is gone or no longer holds the value, a {@link PageTokens.Truncated}
   * stays in its place, and the page resumes from that value's first characters: rows that share
   * them may be shown again, and none is skipped.
   */
  private Future<List<Object>> resolved(Owner owner, List<SortTerm> order, List<Object> token) {
    if (token.stream().noneMatch(PageTokens.Truncated.class::isInstance)) {
      return Future.succeededFuture(token);
    }
    String id = (String) token.get(order.indexOf(order.stream().filter(SortTerm::isId).findFirst().orElseThrow()));
    return store.find(owner.id(), id).map(lastRow -> {
      List<Object> values = new ArrayList<>(token);
      for (int i = 0; i < values.size(); i++) {
        if (values.get(i) instanceof PageTokens.Truncated truncated) {
          Object current = lastRow.map(order.get(i).valueOf()).orElse(null);
          if (!(current instanceof String text) || !truncated.isOf(text)) {
            break;
          }
          values.set(i, text);
        }
      }
      return values;
    });
  }

  private static void refuseSearch(String search) {
    if (search != null) {
      throw new QueryOptionException("$search", "The query option $search is not supported on this resource.");
    }
  }

  /**
   * Every public call runs here: bound by DB_TIMEOUT_SECONDS as a whole, from its first statement
   * to its last (a list's count included). Query options are parsed as they are used; a bad one
   * becomes a 400 that names it.
   */
  private <T> Future<T> call(Supplier<Future<T>> work) {
    Future<T> started;
    try {
      started = work.get();
    } catch (QueryOptionException e) {
      return Future.failedFuture(ApiException.badRequest(e.getMessage(), e.option()));
    }
    return databaseTimeout.bound(started);
  }

  private static Future<Operation> found(Optional<Operation> operation) {
    return operation.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(ApiException.itemNotFound()));
  }

  /** A read-only value that an update sent otherwise than the operation holds it. */
  private static ApiException notRepeated(String property, OffsetDateTime current) {
    return ApiException.badRequest("Property '" + property + "' is read-only: the server sets it. An update may "
      + "repeat the operation's value, " + TIMESTAMP.format(current.withOffsetSameInstant(ZoneOffset.UTC))
      + ", not change it.", property);
  }

  private static <T> Future<T> unknownFutureValue() {
    return Future.failedFuture(ApiException.badRequest("Property 'status' is invalid: unknownFutureValue is Graph's "
      + "sentinel for members added later, never a status a client sets.", "status"));
  }

  private static <T> Future<T> tooLate() {
    return Future.failedFuture(ApiException.badRequest(
      "Property 'lastActionDateTime' is invalid: it must fall before the year 10000 in UTC.", "lastActionDateTime"));
  }

  private OffsetDateTime now() {
    return utcMillis(OffsetDateTime.now(clock));
  }

  private static OffsetDateTime utcMillis(OffsetDateTime value) {
    return value.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
  }

  /** No status is a create's notStarted; unknownFutureValue was refused before. */
  private static LongRunningOperationStatus status(LongRunningOperationStatus status) {
    return status == null ? LongRunningOperationStatus.NOT_STARTED : status;
  }
}
