package com.contoso.lro.contract;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.impl.OpenAPIContractImpl;

import java.io.FileNotFoundException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** Reads openapi.yaml out of the jar and makes the contract the router and the checks are built from. */
public final class ContractLoader {

  /** The contract, on the classpath inside the jar: the same file the build generated code from. */
  public static final String CONTRACT = "openapi.yaml";
  /**
   * The base URI that OpenAPIContract.from resolves a contract's references against; its resolved
   * schemas name their references under it, with a path: app:///#/components/...
   */
  public static final String CONTRACT_BASE_URI = "app://";

  /**
   * The OpenAPI version openapi.yaml is written in; its schemas are JSON Schema 2020-12's (lists of
   * types, const), as {@link RequestSchemas} reads them.
   */
  private static final OpenAPIVersion CONTRACT_VERSION = OpenAPIVersion.V3_1;

  private ContractLoader() {
  }

  public static Future<OpenAPIContract> load(Vertx vertx) {
    return load(vertx, read(vertx));
  }

  /**
   * The contract of the file that {@code served} is parsed from: read and parsed once for both.
   * This is {@link OpenAPIContract#from(Vertx, JsonObject)} without its check of the file against
   * the OpenAPI meta-schema, which the build already made (openapi-generator's validation,
   * {@code make lint}, and ContractTest, which runs that same check on it) and which slowed start-up
   * (bench/README.md#start-up). The schema repository is made while the file is read and parsed.
   */
  public static Future<OpenAPIContract> load(Vertx vertx, Future<ServedContract> served) {
    Future<SchemaRepository> repository = CONTRACT_VERSION.getRepository(vertx, CONTRACT_BASE_URI);
    return Future.all(served, repository).compose(both -> {
      JsonObject tree = served.result().tree();
      if (OpenAPIVersion.fromContract(tree) != CONTRACT_VERSION) {
        return Future.failedFuture(new IllegalStateException(CONTRACT + " must be OpenAPI 3.1, as the service reads it"));
      }
      return CONTRACT_VERSION.resolve(vertx, repository.result(), withoutUnsupportedResponseMedia(tree))
        .map(resolved -> new OpenAPIContractImpl(resolved, CONTRACT_VERSION, repository.result()));
    });
  }

  /**
   * The tree without the responses' media types that vertx-openapi 5.0.7 refuses to load (it knows
   * JSON, text and octet streams; $metadata answers application/xml): the library only reads
   * responses to check them in tests, which check such bodies themselves. The file is served as written.
   */
  public static JsonObject withoutUnsupportedResponseMedia(JsonObject tree) {
    List<JsonObject> responses = new ArrayList<>();
    JsonObject components = tree.getJsonObject("components", new JsonObject());
    components.getJsonObject("responses", new JsonObject()).forEach(entry -> responses.add((JsonObject) entry.getValue()));
    tree.getJsonObject("paths", new JsonObject()).forEach(path -> ((JsonObject) path.getValue()).forEach(operation -> {
      if (operation.getValue() instanceof JsonObject declared && declared.getValue("responses") instanceof JsonObject byStatus) {
        byStatus.forEach(response -> responses.add((JsonObject) response.getValue()));
      }
    }));
    for (JsonObject response : responses) {
      if (response.getValue("content") instanceof JsonObject content) {
        content.fieldNames().removeIf(mediaType -> !MediaType.isMediaTypeSupported(mediaType));
      }
    }
    return tree;
  }

  /** openapi.yaml, parsed off the event loop, as served and as the tree the contract is built from. */
  public static Future<ServedContract> read(Vertx vertx) {
    return readResource(vertx, CONTRACT).compose(text -> vertx.executeBlocking(() -> ServedContract.parse(text.toString())));
  }

  /**
   * A file inside the jar, through the class loader's index of it, on a worker thread: Vert.x's file
   * system would first copy whole folders of the jar into its cache (bench/README.md#start-up).
   */
  public static Future<Buffer> readResource(Vertx vertx, String name) {
    return vertx.executeBlocking(() -> {
      try (InputStream in = ContractLoader.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new FileNotFoundException(name + " is not on the class path");
        }
        return Buffer.buffer(in.readAllBytes());
      }
    });
  }
}
