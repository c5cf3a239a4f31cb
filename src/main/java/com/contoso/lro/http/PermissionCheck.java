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
 * it but not change it is told so (403). A delegated token acting on another user also needs the
 * signed-in user to hold one of the directory roles listed (its {@code wids} claim), as Graph asks:
 * without one, 403.
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
      .reduce(Required.NONE, Required::union);
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
    Optional<ApiException> refusal = refusal(caller, self, access.item(), self ? access.self() : access.others(),
      othersReaders);
    if (refusal.isPresent()) {
      ctx.fail(refusal.get());
      return false;
    }
    if (!self && !Caller.isObjectId(userId.get())) {
      ctx.fail(ApiException.of(404, "User '" + userId.get() + "' was not found: address other users by object id."));
      return false;
    }
    new Owner(self ? caller.oid() : userId.get().toLowerCase(Locale.ROOT)).putOn(ctx);
    return true;
  }

  /**
   * The rule, apart from any request: why this caller may not make a call that needs
   * {@code required}, or empty when it may.
   *
   * @param self          whether the call acts on the caller's own operations
   * @param item          whether it acts on one item
   * @param othersReaders the permissions that let a caller read another user's operations
   */
  static Optional<ApiException> refusal(Caller caller, boolean self, boolean item, Required required,
                                        Required othersReaders) {
    if (caller.appOnly() && required.application().isEmpty()) {
      return Optional.of(ApiException.badRequest("This request is only valid with a delegated token: an app-only "
        + "token has no signed-in user. Use /users/{id} instead."));
    }
    List<String> granting = caller.appOnly() ? required.application() : required.delegated();
    if (!caller.hasAnyPermission(granting)) {
      boolean hidden = !self && item
        && !caller.hasAnyPermission(caller.appOnly() ? othersReaders.application() : othersReaders.delegated());
      return Optional.of(hidden
        ? ApiException.itemNotFound()
        : ApiException.accessDenied("This request needs one of these permissions: " + String.join(", ", granting) + "."));
    }
    // An application acts in its own right; a signed-in user acts on another only as an administrator.
    if (!self && !caller.appOnly() && !caller.hasAnyDirectoryRole(required.directoryRoles().stream()
      .map(DirectoryRole::templateId).toList())) {
      return Optional.of(ApiException.accessDenied("Acting on another user's operations with a delegated token needs "
        + "the signed-in user to hold one of these Microsoft Entra roles: " + required.directoryRoles().stream()
        .map(DirectoryRole::name).collect(Collectors.joining(", ")) + "."));
    }
    return Optional.empty();
  }

  private static Access access(Operation operation) {
    if (!(operation.getExtensions().get("x-permissions") instanceof JsonObject permissions)) {
      throw new IllegalStateException("openapi.yaml: operation " + operation.getOperationId() + " lists no x-permissions");
    }
    List<String> path = segments(operation.getOpenAPIPath());
    Required others = required(permissions.getJsonObject("others"));
    if (!others.delegated().isEmpty() && others.directoryRoles().isEmpty()) {
      throw new IllegalStateException("openapi.yaml: operation " + operation.getOperationId()
        + " lets delegated tokens act on other users but lists no x-permissions.others.directoryRoles");
    }
    return new Access(path.indexOf(USER_ID), path.contains(ITEM_ID), required(permissions.getJsonObject("self")), others);
  }

  private static Required required(JsonObject permissions) {
    return permissions == null ? Required.NONE
      : new Required(strings(permissions.getJsonArray("delegated")), strings(permissions.getJsonArray("application")),
        directoryRoles(permissions.getJsonArray("directoryRoles")));
  }

  private static List<DirectoryRole> directoryRoles(JsonArray roles) {
    return roles == null ? List.of() : roles.stream().map(JsonObject.class::cast)
      .map(role -> new DirectoryRole(role.getString("name"), role.getString("templateId"))).toList();
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

  /**
   * What a call needs, as x-permissions lists it for one kind of target.
   *
   * @param delegated      any one of these in a delegated token's scopes
   * @param application    any one of these in an app-only token's roles
   * @param directoryRoles for a delegated token on another user: any one of these held by the signed-in user
   */
  record Required(List<String> delegated, List<String> application, List<DirectoryRole> directoryRoles) {
    static final Required NONE = new Required(List.of(), List.of(), List.of());

    Required union(Required other) {
      return new Required(Stream.concat(delegated.stream(), other.delegated.stream()).distinct().toList(),
        Stream.concat(application.stream(), other.application.stream()).distinct().toList(),
        Stream.concat(directoryRoles.stream(), other.directoryRoles.stream()).distinct().toList());
    }
  }

  /** A Microsoft Entra built-in role, by the template id that the wids claim carries. */
  record DirectoryRole(String name, String templateId) {
  }
}
