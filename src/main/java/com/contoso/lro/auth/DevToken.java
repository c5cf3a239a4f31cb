package com.contoso.lro.auth;

import com.contoso.lro.config.AppConfig;
import com.contoso.lro.config.AppConfig.AuthConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.Arrays;

/**
 * {@code make token}: prints a token that a development-mode server trusts, for a development user
 * with the {@code UserAuthenticationMethod.ReadWrite} scope, or the scopes of {@code --scp=...}
 * (space-separated) and the directory roles of {@code --wids=...} (role template ids, comma-separated).
 */
public final class DevToken {

  public static final String USER_OID = "6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0";
  public static final String USER_UPN = "adele@contoso.dev";
  public static final String TENANT_ID = "2f4a9838-26b7-47ee-be60-ccc1fdec5953";

  private DevToken() {
  }

  public static void main(String[] args) {
    JsonObject claims;
    try {
      claims = claims(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    AuthConfig config = AppConfig.fromEnv().auth();
    if (!config.developmentMode()) {
      System.err.println("make token works in development mode only: unset AUTH_JWKS, or ask your identity provider.");
      System.exit(2);
    }
    DevSigningKey key = DevSigningKey.loadOrCreate(config.devKeyFile());
    Vertx vertx = Vertx.vertx();
    try {
      JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key.signing()));
      config.issuer().ifPresent(issuer -> claims.put("iss", issuer));
      config.audience().ifPresent(audience -> claims.put("aud", audience));
      System.out.println(signer.generateToken(claims, new JWTOptions()
        .setAlgorithm("ES256")
        .setExpiresInMinutes(60)));
    } finally {
      vertx.close();
    }
  }

  /** The development user's claims, with the scopes and directory roles that {@code args} ask for. */
  static JsonObject claims(String... args) {
    JsonObject claims = new JsonObject()
      .put("oid", USER_OID)
      .put("tid", TENANT_ID)
      .put("upn", USER_UPN)
      .put("preferred_username", USER_UPN)
      .put("name", "Adele Vance (development)")
      .put("scp", "UserAuthenticationMethod.ReadWrite");
    for (String arg : args) {
      if (arg.startsWith("--scp=")) {
        claims.put("scp", arg.substring("--scp=".length()).trim());
      } else if (arg.startsWith("--wids=")) {
        claims.put("wids", new JsonArray(Arrays.stream(arg.substring("--wids=".length()).split(","))
          .map(String::trim).filter(id -> !id.isEmpty()).toList()));
      } else {
        throw new IllegalArgumentException("make token: unknown argument '" + arg + "'; it takes --scp=\"scope ...\" "
          + "and --wids=roleTemplateId,...");
      }
    }
    return claims;
  }
}
