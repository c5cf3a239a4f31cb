package com.contoso.lro.contract;

import com.contoso.lro.graph.GraphLinks;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.function.Function;
import java.util.List;

/**
 * The contract and its reference page, without a token: GET /openapi.yaml and /openapi.json, their
 * OpenAPI 3.0 rendition GET /openapi-3.0.yaml and /openapi-3.0.json (made by the build, for clients
 * that read 3.0 only), and GET /docs, Swagger UI from the org.webjars:swagger-ui jar pointed at
 * /openapi.yaml. Everything is read once, at start-up; requests are served from memory or, for
 * Swagger UI's own files, by StaticHandler from the classpath.
 */
public final class ContractDocs {

  private static final String YAML = "application/yaml";
  private static final String JSON = "application/json";

  /** Written into the jar by the build (scripts/openapi-3.0.sh), never committed. */
  private static final String RENDITION = "openapi-3.0.yaml";
  private static final String PAGE = "com/contoso/lro/contract/";
  /** Written by WebJar Sync into the jar: the version it holds, and so the folder of its files. */
  private static final String SWAGGER_UI_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
  private static final String SWAGGER_UI_FILES = "META-INF/resources/webjars/swagger-ui/";
  /**
   * Swagger UI styles elements inline and draws icons from data: URIs; every script and every call
   * stays on this origin, so a script injected through the contract or a response has nowhere to
   * send the visitor's token.
   */
  private static final String PAGE_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private final ServedContract contract;
  private final ServedContract rendition;
  private final Buffer index;
  private final Buffer initializer;
  private final String swaggerUiVersion;
  private final ServiceMetadata metadata;

  private ContractDocs(ServedContract contract, ServedContract rendition, Buffer index, Buffer initializer,
                       String swaggerUiVersion, ServiceMetadata metadata) {
    this.contract = contract;
    this.rendition = rendition;
    this.metadata = metadata;
    this.index = index;
    this.initializer = initializer;
    this.swaggerUiVersion = swaggerUiVersion;
  }

  /**
   * Reads the 3.0 rendition, the page and Swagger UI's version from the classpath, and makes the CSDL
   * of GET $metadata from the contract, off the event loop.
   */
  public static Future<ContractDocs> load(Vertx vertx, ServedContract contract) {
    Future<ServedContract> rendition = ContractLoader.readResource(vertx, RENDITION)
      .compose(text -> vertx.executeBlocking(() -> ServedContract.parse(text.toString())));
    Future<Buffer> index = ContractLoader.readResource(vertx, PAGE + "index.html");
    Future<Buffer> initializer = ContractLoader.readResource(vertx, PAGE + "swagger-initializer.js");
    Future<String> version = ContractLoader.readResource(vertx, SWAGGER_UI_POM).map(ContractDocs::version);
    Future<ServiceMetadata> metadata = vertx.executeBlocking(() -> ServiceMetadata.of(contract.tree()));
    return Future.all(List.of(rendition, index, initializer, version, metadata))
      .map(all -> new ContractDocs(contract, rendition.result(), index.result(), initializer.result(), version.result(),
        metadata.result()));
  }

  /** GET $metadata's document; the contract's router serves it, under /beta, as the contract declares it. */
  public ServiceMetadata metadata() {
    return metadata;
  }

  /**
   * Adds the routes to {@code router}, outside /beta and so outside its bearer authentication.
   * The served contract names the same service root as Location and @odata.context do.
   */
  public void mount(Router router, GraphLinks links) {
    router.get("/openapi.yaml").handler(serve(YAML, ctx -> contract.yaml(links.serviceRoot(ctx))));
    router.get("/openapi.json").handler(serve(JSON, ctx -> contract.json(links.serviceRoot(ctx))));
    router.get("/openapi-3.0.yaml").handler(serve(YAML, ctx -> rendition.yaml(links.serviceRoot(ctx))));
    router.get("/openapi-3.0.json").handler(serve(JSON, ctx -> rendition.json(links.serviceRoot(ctx))));

    Handler<RoutingContext> page = ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
      .putHeader("Content-Security-Policy", PAGE_POLICY)
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
      .end(index);
    router.get("/docs").handler(page);
    router.get("/docs/").handler(page);
    router.get("/docs/index.html").handler(page);
    // Replaces the webjar's own initializer, which would show the Petstore.
    router.get("/docs/swagger-initializer.js").handler(ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8")
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
      .end(initializer));
    router.route("/docs/*").handler(StaticHandler.create(SWAGGER_UI_FILES + swaggerUiVersion)
      // Else StaticHandler may read a file's properties on the event loop once it finds the disk fast.
      .setAlwaysAsyncFS(true));
  }

  private static Handler<RoutingContext> serve(String contentType, Function<RoutingContext, Buffer> body) {
    return ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, contentType)
      .end(body.apply(ctx));
  }

  private static String version(Buffer pomProperties) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(pomProperties.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = properties.getProperty("version");
    if (version == null || !version.matches("[0-9A-Za-z.\\-]+")) {
      throw new IllegalStateException(SWAGGER_UI_POM + " names no version");
    }
    return version;
  }
}
