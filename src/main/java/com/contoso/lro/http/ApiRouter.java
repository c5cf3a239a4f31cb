package com.contoso.lro.http;

import com.contoso.lro.auth.TokenVerifier;
import com.contoso.lro.contract.api.OperationsApi;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;

/**
 * The API's router, built from the contract. Each request goes: request ids, body (64 KiB at most),
 * bearer token, the operation's permissions and owner, its query options, its media type,
 * validation against openapi.yaml, and then the operation's handler; any failure leaves through
 * {@link GraphErrorHandler}.
 */
public final class ApiRouter {

  /** Graph's limit for a JSON body; larger ones are answered 413 before they are read whole. */
  public static final long MAX_BODY_BYTES = 64 * 1024;

  private ApiRouter() {
  }

  public static Router create(Vertx vertx, OpenAPIContract contract, TokenVerifier verifier, OperationsApi operations) {
    RouterBuilder builder = RouterBuilder.create(vertx, contract, VerbatimParameters.extractor())
      .rootHandler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
      .rootHandler(new BearerAuthentication(verifier))
      .rootHandler(new PermissionCheck(contract))
      .rootHandler(new QueryOptionCheck(contract))
      .rootHandler(new ContentTypeCheck(contract));
    // BearerAuthentication enforces the contract's security requirement, answering in Graph's terms;
    // vertx-web's JWTAuthHandler would answer some bad tokens 400 and knows nothing of oid.
    builder.getRoutes().forEach(route -> route.setDoSecurity(false));
    OperationsApi.mount(builder, operations);

    // The builder's routes are relative to the server URL's path (/beta): mount them there.
    Router root = Router.router(vertx);
    root.route().handler(new RequestIds()).handler(new RequestLog(contract));
    root.route(basePath(contract) + "/*").subRouter(builder.createRouter());
    GraphErrorHandler errors = new GraphErrorHandler();
    root.route().failureHandler(errors);
    for (int status : new int[] {400, 404, 405, 413, 500}) {
      root.errorHandler(status, errors.forStatus(status));
    }
    return root;
  }

  /** The version prefix of every path: the path of the contract's server URL. */
  public static String basePath(OpenAPIContract contract) {
    return contract.getServers().get(0).getBasePath();
  }
}
