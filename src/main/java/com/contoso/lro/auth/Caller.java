package com.contoso.lro.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
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
 * @param directoryRoles    the signed-in user's Entra directory roles: the {@code wids} claim's
 *                          role template ids
 * @param pseudonym         what logs name the caller by: a hash of the oid that tells one caller's
 *                          requests from another's without naming the user; made once per token
 */
public record Caller(String oid, Optional<String> userPrincipalName, Optional<String> preferredUsername,
                     Set<String> scopes, Set<String> roles, Set<String> directoryRoles, String pseudonym) {

  private static final String KEY = "caller";

  private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

  /** The verified caller of a request whose bearer token was accepted, else null. */
  public static Caller of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  public void putOn(RoutingContext ctx) {
    ctx.put(KEY, this);
  }

  static Caller fromClaims(JsonObject claims) {
    String oid = claims.getString("oid").toLowerCase(Locale.ROOT);
    return new Caller(
      oid,
      text(claims, "upn"),
      text(claims, "preferred_username"),
      text(claims, "scp").map(scp -> Arrays.stream(scp.split(" ")).filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet())).orElse(Set.of()),
      strings(claims, "roles"),
      strings(claims, "wids"),
      pseudonym(oid));
  }

  private static Set<String> strings(JsonObject claims, String name) {
    return claims.getValue(name) instanceof JsonArray values
      ? values.stream().filter(String.class::isInstance).map(String.class::cast).collect(Collectors.toUnmodifiableSet())
      : Set.of();
  }

  private static String pseudonym(String oid) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(oid.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
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

  /** Whether the signed-in user holds any of these directory roles, named by role template id in any case. */
  public boolean hasAnyDirectoryRole(java.util.Collection<String> templateIds) {
    return directoryRoles.stream().anyMatch(held -> templateIds.stream().anyMatch(held::equalsIgnoreCase));
  }

  /** Whether the token grants any of these permissions: its roles when app-only, else its scopes. */
  public boolean hasAnyPermission(java.util.Collection<String> permissions) {
    Set<String> granted = appOnly() ? roles : scopes;
    return permissions.stream().anyMatch(granted::contains);
  }
}
