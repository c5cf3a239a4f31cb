package com.contoso.lro;

import com.contoso.lro.config.AppConfig;
import com.contoso.lro.config.JsonMapping;
import com.contoso.lro.docs.ServedContract;
import com.contoso.lro.metrics.MeteredVertx;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.impl.OpenAPIContractImpl;

import java.io.FileNotFoundException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/** The service as Main and the tests run it: one {@link ServiceVerticle}, which starts the rest. */
public final class Application {

  /** The contract, on the classpath inside the jar: the same file the build generated code from. */
  public static final String CONTRACT = "openapi.yaml";
  /**
   * The base URI that OpenAPIContract.from resolves a contract's references against; its resolved
   * schemas name their references under it, with a path: app:///#/components/...
   */
  public static final String CONTRACT_BASE_URI = "app://";

  private Application() {
  }

  /**
   * The OpenAPI version openapi.yaml is written in; its schemas are JSON Schema 2020-12's (lists of
   * types, const), as {@link com.contoso.lro.http.RequestSchemas} reads them.
   */
  private static final OpenAPIVersion CONTRACT_VERSION = OpenAPIVersion.V3_1;

  public static Future<OpenAPIContract> loadContract(Vertx vertx) {
    return loadContract(vertx, readContract(vertx));
  }

  /**
   * The contract of the file that {@code served} is parsed from: read and parsed once for both.
   * This is {@link OpenAPIContract#from(Vertx, JsonObject)} without its check of the file against
   * the OpenAPI meta-schema, a third of the CPU time to /health/ready: the file is inside the jar,
   * and the build checked it (openapi-generator's validation, {@code make lint}, and ContractTest,
   * which runs that same check on it). The schema repository, with the meta-schemas vertx-openapi
   * reads out of its jar, is made while the file is read and parsed: 200 ms to ready, one after the
   * other.
   */
  public static Future<OpenAPIContract> loadContract(Vertx vertx, Future<ServedContract> served) {
    Future<SchemaRepository> repository = CONTRACT_VERSION.getRepository(vertx, CONTRACT_BASE_URI);
    return Future.all(served, repository).compose(both -> {
      JsonObject tree = served.result().tree();
      if (OpenAPIVersion.fromContract(tree) != CONTRACT_VERSION) {
        return Future.failedFuture(new IllegalStateException(CONTRACT + " must be OpenAPI 3.1, as the service reads it"));
      }
      return CONTRACT_VERSION.resolve(vertx, repository.result(), tree)
        .map(resolved -> new OpenAPIContractImpl(resolved, CONTRACT_VERSION, repository.result()));
    });
  }

  /** openapi.yaml, parsed off the event loop, as served and as the tree the contract is built from. */
  public static Future<ServedContract> readContract(Vertx vertx) {
    return readResource(vertx, CONTRACT).compose(text -> vertx.executeBlocking(() -> ServedContract.parse(text.toString())));
  }

  /**
   * A file inside the jar, through the class loader's index of it, on a worker thread. Vert.x's file
   * system would first copy every file under the same top folder out of the jar into its cache,
   * iterating over all of the jar's 11,000 entries for each folder level: a fifth of the CPU time to
   * /health/ready went there.
   */
  public static Future<Buffer> readResource(Vertx vertx, String name) {
    return vertx.executeBlocking(() -> {
      try (InputStream in = Application.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new FileNotFoundException(name + " is not on the class path");
        }
        return Buffer.buffer(in.readAllBytes());
      }
    });
  }

  /**
   * On a Vert.x made without metrics, such as most tests': /metrics then shows the service's own
   * meters only, from a registry of this deployment's.
   */
  public static Future<String> deploy(Vertx vertx, AppConfig config) {
    return deploy(vertx, config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * Completes when every API verticle listens; fails with the first problem found.
   *
   * @param registry what /metrics shows: the {@link MeteredVertx}'s registry of {@code vertx}, with its HTTP and pool metrics
   */
  public static Future<String> deploy(Vertx vertx, AppConfig config, PrometheusMeterRegistry registry) {
    return deploy(vertx, config, registry, System::nanoTime);
  }

  /** @param nanoClock the instance's monotonic clock in nanoseconds: {@code System::nanoTime}, or a test's */
  public static Future<String> deploy(Vertx vertx, AppConfig config, PrometheusMeterRegistry registry,
                                      LongSupplier nanoClock) {
    JsonMapping.configure();
    return vertx.deployVerticle(new ServiceVerticle(config, registry, nanoClock));
  }
}
