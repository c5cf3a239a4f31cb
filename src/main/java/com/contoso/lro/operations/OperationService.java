package com.contoso.lro.operations;

import com.contoso.lro.auth.Caller;
import com.contoso.lro.contract.model.LongRunningOperationCreate;
import com.contoso.lro.contract.model.LongRunningOperationStatus;
import com.contoso.lro.contract.model.LongRunningOperationStatusInput;
import com.contoso.lro.http.ApiException;
import io.vertx.core.Future;

import java.net.URI;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** The rules of the resource: who may do what, and what the server decides. */
public final class OperationService {

  private final OperationStore store;
  private final Clock clock;

  public OperationService(OperationStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** POST /user/authentication/operations: a new operation owned by the signed-in user. */
  public Future<Operation> create(Caller caller, LongRunningOperationCreate body) {
    requireSignedInUser(caller);
    if (!caller.hasAnyPermission(Permissions.READ_WRITE, Permissions.READ_WRITE_ALL)) {
      throw ApiException.accessDenied("Creating an operation needs " + Permissions.READ_WRITE
        + " or " + Permissions.READ_WRITE_ALL + ".");
    }
    refuseReadOnly(body.getId() != null, "id");
    refuseReadOnly(body.getCreatedDateTime() != null, "createdDateTime");
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    OffsetDateTime lastAction = body.getLastActionDateTime() == null
      ? now
      : body.getLastActionDateTime().withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    return store.insert(new Operation(
      caller.oid(),
      UUID.randomUUID().toString(),
      now,
      lastAction,
      status(body.getStatus()),
      body.getStatusDetail(),
      absolute(body.getResourceLocation())));
  }

  /** Graph answers /me with an app-only token as a client error: there is no signed-in user. */
  private static void requireSignedInUser(Caller caller) {
    if (caller.appOnly()) {
      throw ApiException.badRequest("/user is only valid with a delegated token: an app-only token has no "
        + "signed-in user. Use /users/{id} instead.");
    }
  }

  private static void refuseReadOnly(boolean present, String property) {
    if (present) {
      throw ApiException.badRequest("Property '" + property + "' is read-only: the server sets it.", property);
    }
  }

  private static LongRunningOperationStatus status(LongRunningOperationStatusInput input) {
    return switch (input == null ? LongRunningOperationStatusInput.NOT_STARTED : input) {
      case NOT_STARTED, NOTSTARTED -> LongRunningOperationStatus.NOT_STARTED;
      case RUNNING -> LongRunningOperationStatus.RUNNING;
      case SUCCEEDED -> LongRunningOperationStatus.SUCCEEDED;
      case FAILED -> LongRunningOperationStatus.FAILED;
    };
  }

  private static String absolute(URI resourceLocation) {
    if (resourceLocation == null) {
      return null;
    }
    if (!resourceLocation.isAbsolute()) {
      throw ApiException.badRequest("Property 'resourceLocation' must be an absolute URI, e.g. "
        + "https://graph.microsoft.com/beta/users/{id}/authentication/methods/{id}.", "resourceLocation");
    }
    return resourceLocation.toString();
  }
}
