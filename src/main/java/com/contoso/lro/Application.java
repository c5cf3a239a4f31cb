package com.contoso.lro;

import com.contoso.lro.auth.TrustedKeys;
import com.contoso.lro.config.AppConfig;
import com.contoso.lro.config.JsonMapping;
import com.contoso.lro.db.Migrations;
import com.contoso.lro.db.ServiceSecrets;
import com.contoso.lro.operations.query.PageTokens;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;

/** Start-up in order: schema, shared secrets, contract, keys, then the API verticles. */
public final class Application {

  /** The contract, on the classpath inside the jar: the same file the build generated code from. */
  public static final String CONTRACT = "openapi.yaml";

  private Application() {
  }

  public static Future<OpenAPIContract> loadContract(Vertx vertx) {
    return OpenAPIContract.from(vertx, CONTRACT);
  }

  /** Completes when every API verticle listens; fails with the first problem found. */
  public static Future<String> deploy(Vertx vertx, AppConfig config) {
    JsonMapping.configure();
    return Migrations.apply(vertx, config.database())
      .compose(migrated -> ServiceSecrets.pageTokenKey(vertx, config.database().connect()))
      .compose(pageTokenKey -> loadContract(vertx)
        .compose(contract -> TrustedKeys.load(vertx, config.auth())
          .compose(keys -> vertx.deployVerticle(
            () -> new ApiVerticle(config, contract, keys, new PageTokens(pageTokenKey)),
            new DeploymentOptions().setInstances(config.httpInstances())))));
  }
}
