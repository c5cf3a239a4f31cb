package com.contoso.lro.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Who is calling, from a verified Entra-style access token.
 *
 * @param oid               the user's (or the app's service principal's) object id, lowercase
 * @param userPrincipalName {@code upn}
 * @param preferredUsername {@code preferred_username}
 * @param scopes            delegated permissions: the space-separated {@code scp} claim
 * @param roles             application permissions: the {@code roles} claim
 */
public record Caller(String oid, Optional<String> userPrincipalName, Optional<String> preferredUsername,
                     Set<String> scopes, Set<String> roles) {

  private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

  static Caller fromClaims(JsonObject claims) {
    return new Caller(
      claims.getString("oid").toLowerCase(Locale.ROOT),
      text(claims, "upn"),
      text(claims, "preferred_username"),
      text(claims, "scp").map(scp -> Arrays.stream(scp.split(" ")).filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet())).orElse(Set.of()),
      claims.getValue("roles") instanceof JsonArray roles
        ? roles.stream().filter(String.class::isInstance).map(String.class::cast).collect(Collectors.toUnmodifiableSet())
        : Set.of());
  }

  private static Optional<String> text(JsonObject claims, String name) {
    return claims.getValue(name) instanceof String value ? Optional.of(value) : Optional.empty();
  }

  /**
   * Whether {@code name} names this caller, in any case: an object id names it only as its oid, any
   * other name as its user principal or sign-in name. A sign-in name that happens to be shaped like
   * someone else's object id must not make that someone the caller.
   */
  public boolean isNamedBy(String name) {
    if (OBJECT_ID.matcher(name).matches()) {
      return name.equalsIgnoreCase(oid);
    }
    return userPrincipalName.filter(name::equalsIgnoreCase).isPresent()
      || preferredUsername.filter(name::equalsIgnoreCase).isPresent();
  }

  /** Whether {@code name} is shaped like an Entra object id (a GUID). */
  public static boolean isObjectId(String name) {
    return OBJECT_ID.matcher(name).matches();
  }

  /** An app-only token: application roles and no delegated scopes, so there is no signed-in user. */
  public boolean appOnly() {
    return scopes.isEmpty() && !roles.isEmpty();
  }

  /** Whether the token grants any of these permissions: its roles when app-only, else its scopes. */
  public boolean hasAnyPermission(java.util.Collection<String> permissions) {
    Set<String> granted = appOnly() ? roles : scopes;
    return permissions.stream().anyMatch(granted::contains);
  }
}
