package com.contoso.lro.operations;

import com.contoso.lro.auth.Owner;
import com.contoso.lro.contract.api.OperationsApi;
import com.contoso.lro.contract.model.LongRunningOperation;
import com.contoso.lro.contract.model.LongRunningOperationCreate;
import com.contoso.lro.contract.model.LongRunningOperationUpdate;
import com.contoso.lro.http.GraphLinks;
import com.contoso.lro.http.PermissionCheck;
import com.contoso.lro.operations.OperationService.ListRequest;
import com.contoso.lro.operations.OperationService.Page;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.List;

/**
 * The HTTP face of the operations: one method per operationId of the contract. The three roots
 * (/me, /user, /users/{user-id}) share one implementation each; {@link PermissionCheck} has already
 * decided whose operations a request acts on, so the user-id arguments need no second look here.
 */
public final class OperationsHandler implements OperationsApi {

  private static final String JSON = "application/json";

  private final OperationService service;
  private final GraphLinks links;

  public OperationsHandler(OperationService service, GraphLinks links) {
    this.service = service;
    this.links = links;
  }

  // ---- list: GET .../authentication/operations

  @Override
  public void listMyOperations(RoutingContext ctx, Integer top, Integer skip, String search, String filter,
                               Boolean count, List<String> orderby, List<String> select, List<String> expand,
                               String skiptoken) {
    list(ctx, new ListRequest(top, skip, search, filter, Boolean.TRUE.equals(count), orderby, skiptoken), select);
  }

  @Override
  public void listOperations(RoutingContext ctx, Integer top, Integer skip, String search, String filter,
                             Boolean count, List<String> orderby, List<String> select, List<String> expand,
                             String skiptoken) {
    list(ctx, new ListRequest(top, skip, search, filter, Boolean.TRUE.equals(count), orderby, skiptoken), select);
  }

  @Override
  public void listUserOperations(RoutingContext ctx, String userId, Integer top, Integer skip, String search,
                                 String filter, Boolean count, List<String> orderby, List<String> select,
                                 List<String> expand, String skiptoken) {
    list(ctx, new ListRequest(top, skip, search, filter, Boolean.TRUE.equals(count), orderby, skiptoken), select);
  }

  // ---- create: POST .../authentication/operations

  @Override
  public void createMyOperation(RoutingContext ctx, LongRunningOperationCreate body) {
    create(ctx, body);
  }

  @Override
  public void createOperation(RoutingContext ctx, LongRunningOperationCreate body) {
    create(ctx, body);
  }

  @Override
  public void createUserOperation(RoutingContext ctx, String userId, LongRunningOperationCreate body) {
    create(ctx, body);
  }

  // ---- count: GET .../authentication/operations/$count

  @Override
  public void countMyOperations(RoutingContext ctx, String search, String filter) {
    count(ctx, search, filter);
  }

  @Override
  public void countOperations(RoutingContext ctx, String search, String filter) {
    count(ctx, search, filter);
  }

  @Override
  public void countUserOperations(RoutingContext ctx, String userId, String search, String filter) {
    count(ctx, search, filter);
  }

  // ---- get: GET .../authentication/operations/{id}

  @Override
  public void getMyOperation(RoutingContext ctx, String id, List<String> select, List<String> expand) {
    get(ctx, id, select);
  }

  @Override
  public void getOperation(RoutingContext ctx, String id, List<String> select, List<String> expand) {
    get(ctx, id, select);
  }

  @Override
  public void getUserOperation(RoutingContext ctx, String userId, String id, List<String> select, List<String> expand) {
    get(ctx, id, select);
  }

  // ---- update: PATCH .../authentication/operations/{id}

  @Override
  public void updateMyOperation(RoutingContext ctx, String id, LongRunningOperationUpdate body, String prefer) {
    update(ctx, id, body, prefer);
  }

  @Override
  public void updateOperation(RoutingContext ctx, String id, LongRunningOperationUpdate body, String prefer) {
    update(ctx, id, body, prefer);
  }

  @Override
  public void updateUserOperation(RoutingContext ctx, String userId, String id, LongRunningOperationUpdate body,
                                  String prefer) {
    update(ctx, id, body, prefer);
  }

  // ---- delete: DELETE .../authentication/operations/{id}

  @Override
  public void deleteMyOperation(RoutingContext ctx, String id) {
    delete(ctx, id);
  }

  @Override
  public void deleteOperation(RoutingContext ctx, String id) {
    delete(ctx, id);
  }

  @Override
  public void deleteUserOperation(RoutingContext ctx, String userId, String id) {
    delete(ctx, id);
  }

  // ---- the implementations

  private void list(RoutingContext ctx, ListRequest request, List<String> select) {
    Owner owner = PermissionCheck.owner(ctx);
    service.list(owner, request)
      .map(page -> collection(ctx, owner, page, select).encode())
      .onSuccess(json -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(json))
      .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx, LongRunningOperationCreate body) {
    service.create(PermissionCheck.owner(ctx), body)
      .map(created -> new Created(links.operation(ctx, created.ownerId(), created.id()),
        entity(ctx, created, List.of()).encode()))
      .onSuccess(created -> ctx.response()
        .setStatusCode(201)
        .putHeader(HttpHeaders.LOCATION, created.location())
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(created.json()))
      .onFailure(ctx::fail);
  }

  private void count(RoutingContext ctx, String search, String filter) {
    service.count(PermissionCheck.owner(ctx), filter, search)
      .onSuccess(count -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end(String.valueOf(count)))
      .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx, String id, List<String> select) {
    service.get(PermissionCheck.owner(ctx), id)
      .map(operation -> entity(ctx, operation, select).encode())
      .onSuccess(json -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(json))
      .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx, String id, LongRunningOperationUpdate body, String prefer) {
    boolean minimal = Preferences.returnMinimal(prefer);
    service.update(PermissionCheck.owner(ctx), id, body)
      .map(updated -> minimal ? null : entity(ctx, updated, List.of()).encode())
      .onSuccess(json -> {
        if (minimal) {
          ctx.response().setStatusCode(204).putHeader("Preference-Applied", "return=minimal").end();
        } else {
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(json);
        }
      })
      .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx, String id) {
    service.delete(PermissionCheck.owner(ctx), id)
      .onSuccess(deleted -> ctx.response().setStatusCode(204).end())
      .onFailure(ctx::fail);
  }

  // ---- representations

  private JsonObject entity(RoutingContext ctx, Operation operation, List<String> select) {
    return new JsonObject()
      .put("@odata.context", links.operationEntityContext(ctx, operation.ownerId()))
      .mergeIn(item(operation, select));
  }

  private JsonObject collection(RoutingContext ctx, Owner owner, Page page, List<String> select) {
    JsonObject collection = new JsonObject().put("@odata.context", links.operationsContext(ctx, owner.id()));
    page.count().ifPresent(count -> collection.put("@odata.count", count));
    collection.put("value", new JsonArray(page.items().stream().map(operation -> item(operation, select)).toList()));
    page.nextPageToken().ifPresent(token -> collection.put("@odata.nextLink", links.nextPage(ctx, token)));
    return collection;
  }

  /** The entity through the generated model, cut to $select (id always stays), as Graph does. */
  private static JsonObject item(Operation operation, List<String> select) {
    JsonObject json = JsonObject.mapFrom(new LongRunningOperation(operation.id(), null, operation.createdDateTime())
      .atOdataType(LongRunningOperation.AtOdataTypeEnum._MICROSOFT_GRAPH_LONG_RUNNING_OPERATION)
      .lastActionDateTime(operation.lastActionDateTime())
      .status(operation.status())
      .statusDetail(operation.statusDetail())
      .resourceLocation(operation.resourceLocation() == null ? null : URI.create(operation.resourceLocation())));
    json.remove("@odata.context");
    if (!select.isEmpty()) {
      json.fieldNames().removeIf(name -> !name.equals("id") && !name.startsWith("@odata.") && !select.contains(name));
    }
    return json;
  }

  /** A response rendered before any byte is sent, so that a rendering failure still becomes an error body. */
  private record Created(String location, String json) {
  }
}
