package com.contoso.lro.operations;

import com.contoso.lro.contract.api.OperationsApi;
import com.contoso.lro.contract.model.LongRunningOperation;
import com.contoso.lro.contract.model.LongRunningOperationCreate;
import com.contoso.lro.http.BearerAuthentication;
import com.contoso.lro.http.GraphLinks;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;

/** The HTTP face of the operations: one method per operationId of the contract. */
public final class OperationsHandler implements OperationsApi {

  private final OperationService service;
  private final GraphLinks links;

  public OperationsHandler(OperationService service, GraphLinks links) {
    this.service = service;
    this.links = links;
  }

  @Override
  public void createOperation(RoutingContext ctx, LongRunningOperationCreate body) {
    service.create(BearerAuthentication.caller(ctx), body)
      .map(created -> new Created(links.operation(ctx, created.ownerId(), created.id()),
        Json.encode(representation(ctx, created))))
      .onSuccess(created -> ctx.response()
        .setStatusCode(201)
        .putHeader(HttpHeaders.LOCATION, created.location())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(created.json()))
      .onFailure(ctx::fail);
  }

  private LongRunningOperation representation(RoutingContext ctx, Operation operation) {
    return new LongRunningOperation(operation.id(), links.operationEntityContext(ctx, operation.ownerId()),
      operation.createdDateTime())
      .atOdataType(LongRunningOperation.AtOdataTypeEnum._MICROSOFT_GRAPH_LONG_RUNNING_OPERATION)
      .lastActionDateTime(operation.lastActionDateTime())
      .status(operation.status())
      .statusDetail(operation.statusDetail())
      .resourceLocation(operation.resourceLocation() == null ? null : URI.create(operation.resourceLocation()));
  }

  /** A response rendered before any byte is sent, so that a rendering failure still becomes an error body. */
  private record Created(String location, String json) {
  }
}
