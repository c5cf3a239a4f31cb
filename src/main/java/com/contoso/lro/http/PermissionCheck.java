package com.contoso.lro.http;

import com.contoso.lro.contract.ContractOperations;
import com.contoso.lro.graph.ApiException;
import com.contoso.lro.auth.Caller;
import com.contoso.lro.graph.Owner;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Decides whose operations a request acts on, and whether the caller may: by the permissions the
 * contract lists under {@code x-permissions}, before the request is validated, so that a caller
 * without the right permission learns nothing more. Asking for another user's item without the
 * permission to read it is a 404, which does not reveal that the item exists; a caller who may read
 * it but not change it is told so (403).
 */
final class PermissionCheck {

  private static final String USER_ID = "{userId}";
  private static final String ITEM_ID = "{longRunningOperationId}";

  private final int baseSegments;
  private final Map<String, Access> accessByOperation;
  /** The permissions that let a caller read another user's operations: to anyone else they are hidden. */
  private final Required othersReaders;

  PermissionCheck(OpenAPIContract contract) {
    this.baseSegments = segments(ContractOperations.basePath(contract)).size();
    this.accessByOperation = contract.operations().stream().filter(operation -> !ContractOperations.isPublic(operation))
      .collect(Collectors.toMap(Operation::getOperationId, PermissionCheck::access));
    this.othersReaders = contract.operations().stream()
      .filter(operation -> operation.getHttpMethod() == HttpMethod.GET && !ContractOperations.isPublic(operation))
      .map(operation -> accessByOperation.get(operation.getOperationId()).others())
      .reduce(new Required(List.of(), List.of()), Required::union);
  }

  /**
   * Whether the caller may make this request of the operation; if so, its owner is on the context,
   * else the context has failed with the reason.
   */
  boolean passes(RoutingContext ctx, Operation operation) {
    Access access = accessByOperation.get(operation.getOperationId());
    if (access == null) {
      // An operation the contract serves without a token acts on no one's operations.
      return true;
    }
    Caller caller = Caller.of(ctx);
    Optional<String> userId = access.userSegment() < 0 ? Optional.empty()
      : Optional.of(decode(segments(ctx.normalizedPath()).get(baseSegments + access.userSegment())));
    boolean self = userId.isEmpty() || (!caller.appOnly() && caller.isNamedBy(userId.get()));
    Required required = self ? access.self() : access.others();
    if (caller.appOnly() && required.application().isEmpty()) {
      ctx.fail(ApiException.badRequest("This request is only valid with a delegated token: an app-only token has no "
        + "signed-in user. Use /users/{id} instead."));
      return false;
    }
    List<String> granting = caller.appOnly() ? required.application() : required.delegated();
    if (!caller.hasAnyPermission(granting)) {
      boolean hidden = !self && access.item()
        && !caller.hasAnyPermission(caller.appOnly() ? othersReaders.application() : othersReaders.delegated());
      ctx.fail(hidden
        ? ApiException.itemNotFound()
        : ApiException.accessDenied("This request needs one of these permissions: " + String.join(", ", granting) + "."));
      return false;
    }
    if (!self && !Caller.isObjectId(userId.get())) {
      ctx.fail(ApiException.of(404, "User '" + userId.get() + "' was not found: address other users by object id."));
      return false;
    }
    new Owner(self ? caller.oid() : userId.get().toLowerCase(Locale.ROOT)).putOn(ctx);
    return true;
  }

  private static Access access(Operation operation) {
    if (!(operation.getExtensions().get("x-permissions") instanceof JsonObject permissions)) {
      throw new IllegalStateException("openapi.yaml: operation " + operation.getOperationId() + " lists no x-permissions");
    }
    List<String> path = segments(operation.getOpenAPIPath());
    return new Access(path.indexOf(USER_ID), path.contains(ITEM_ID),
      required(permissions.getJsonObject("self")), required(permissions.getJsonObject("others")));
  }

  private static Required required(JsonObject permissions) {
    return permissions == null ? new Required(List.of(), List.of())
      : new Required(strings(permissions.getJsonArray("delegated")), strings(permissions.getJsonArray("application")));
  }

  private static List<String> strings(JsonArray values) {
    return values == null ? List.of() : values.stream().map(String::valueOf).toList();
  }

  private static List<String> segments(String path) {
    return Arrays.stream(path.split("/")).filter(segment -> !segment.isEmpty()).toList();
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /**
   * @param userSegment where {userId} stands among the path's segments, or -1 for the signed-in user's paths
   * @param item        whether the operation acts on one item
   */
  private record Access(int userSegment, boolean item, Required self, Required others) {
  }

  private record Required(List<String> delegated, List<String> application) {
    Required union(Required other) {
      return new Required(Stream.concat(delegated.stream(), other.delegated.stream()).distinct().toList(),
        Stream.concat(application.stream(), other.application.stream()).distinct().toList());
    }
  }
}
