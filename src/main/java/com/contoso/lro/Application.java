package com.contoso.lro;

import com.contoso.lro.config.AppConfig;
import com.contoso.lro.config.JsonMapping;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;

/** The service as Main and the tests run it: one {@link ServiceVerticle}, which starts the rest. */
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
    return vertx.deployVerticle(new ServiceVerticle(config));
  }
}
