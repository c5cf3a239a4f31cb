package com.contoso.lro.auth;

import com.contoso.lro.config.AppConfig;
import com.contoso.lro.config.AppConfig.AuthConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * {@code make token}: prints a token that a development-mode server trusts, for a development user
 * with the {@code UserAuthenticationMethod.ReadWrite} scope.
 */
public final class DevToken {

  public static final String USER_OID = "6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0";
  public static final String USER_UPN = "adele@contoso.dev";
  public static final String TENANT_ID = "2f4a9838-26b7-47ee-be60-ccc1fdec5953";

  private DevToken() {
  }

  public static void main(String[] args) {
    AuthConfig config = AppConfig.fromEnv().auth();
    if (!config.developmentMode()) {
      System.err.println("make token works in development mode only: unset AUTH_JWKS, or ask your identity provider.");
      System.exit(2);
    }
    DevSigningKey key = DevSigningKey.loadOrCreate(config.devKeyFile());
    Vertx vertx = Vertx.vertx();
    try {
      JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key.signing()));
      System.out.println(signer.generateToken(claims(config), new JWTOptions()
        .setAlgorithm("ES256")
        .setExpiresInMinutes(60)));
    } finally {
      vertx.close();
    }
  }

  private static JsonObject claims(AuthConfig config) {
    JsonObject claims = new JsonObject()
      .put("oid", USER_OID)
      .put("tid", TENANT_ID)
      .put("upn", USER_UPN)
      .put("preferred_username", USER_UPN)
      .put("name", "Adele Vance (development)")
      .put("scp", "UserAuthenticationMethod.ReadWrite");
    config.issuer().ifPresent(issuer -> claims.put("iss", issuer));
    config.audience().ifPresent(audience -> claims.put("aud", audience));
    return claims;
  }
}
