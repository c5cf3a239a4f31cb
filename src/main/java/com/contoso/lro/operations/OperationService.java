package com.contoso.lro.operations;

import com.contoso.lro.auth.Caller;
import com.contoso.lro.contract.model.LongRunningOperationCreate;
import com.contoso.lro.contract.model.LongRunningOperationStatus;
import com.contoso.lro.contract.model.LongRunningOperationStatusInput;
import com.contoso.lro.http.ApiException;
import io.vertx.core.Future;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The rules of the resource: what the server decides and what a client may not set. Who may call
 * what is declared in the contract and checked before a request gets here.
 */
public final class OperationService {

  /** RFC 3339 has four-digit years; a later instant could not be written back. */
  private static final int LAST_YEAR = 9999;

  private final OperationStore store;
  private final Clock clock;

  public OperationService(OperationStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** POST /user/authentication/operations: a new operation owned by the signed-in user. */
  public Future<Operation> create(Caller caller, LongRunningOperationCreate body) {
    if (body.getId() != null) {
      return readOnly("id");
    }
    if (body.getCreatedDateTime() != null) {
      return readOnly("createdDateTime");
    }
    OffsetDateTime now = utcMillis(OffsetDateTime.now(clock));
    OffsetDateTime lastAction = body.getLastActionDateTime() == null ? now : utcMillis(body.getLastActionDateTime());
    if (lastAction.getYear() > LAST_YEAR) {
      return Future.failedFuture(ApiException.badRequest(
        "Property 'lastActionDateTime' is invalid: it must fall before the year 10000 in UTC.", "lastActionDateTime"));
    }
    return store.insert(new Operation(
      caller.oid(),
      UUID.randomUUID().toString(),
      now,
      lastAction,
      status(body.getStatus()),
      body.getStatusDetail(),
      body.getResourceLocation() == null ? null : body.getResourceLocation().toString()));
  }

  private static Future<Operation> readOnly(String property) {
    return Future.failedFuture(
      ApiException.badRequest("Property '" + property + "' is read-only: the server sets it.", property));
  }

  private static OffsetDateTime utcMillis(OffsetDateTime value) {
    return value.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
  }

  private static LongRunningOperationStatus status(LongRunningOperationStatusInput input) {
    return switch (input == null ? LongRunningOperationStatusInput.NOT_STARTED : input) {
      case NOT_STARTED, NOTSTARTED -> LongRunningOperationStatus.NOT_STARTED;
      case RUNNING -> LongRunningOperationStatus.RUNNING;
      case SUCCEEDED -> LongRunningOperationStatus.SUCCEEDED;
      case FAILED -> LongRunningOperationStatus.FAILED;
    };
  }
}
