package com.contoso.lro.http;

import com.contoso.lro.auth.TokenVerifier;
import com.contoso.lro.contract.api.OperationsApi;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;

/** The API's router, built from the contract: every request is validated against openapi.yaml. */
public final class ApiRouter {

  /** Graph's limit for a JSON body; larger ones are answered 413 before they are read whole. */
  public static final long MAX_BODY_BYTES = 64 * 1024;

  private ApiRouter() {
  }

  public static Router create(Vertx vertx, OpenAPIContract contract, TokenVerifier verifier, OperationsApi operations) {
    RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler())
      .rootHandler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
      .rootHandler(new BearerAuthentication(contract, verifier));
    // BearerAuthentication enforces the contract's security requirements, answering in Graph's terms;
    // vertx-web's JWTAuthHandler would answer some bad tokens 400 and knows nothing of oid.
    builder.getRoutes().forEach(route -> route.setDoSecurity(false));
    OperationsApi.mount(builder, operations);

    GraphErrorHandler errors = new GraphErrorHandler(contract);
    Router api = builder.createRouter();
    api.route().failureHandler(errors);

    // The builder's routes are relative to the server URL's path (/beta): mount them there.
    Router root = Router.router(vertx);
    root.route().handler(new RequestIds());
    root.route(contract.getServers().get(0).getBasePath() + "/*").subRouter(api);
    root.route().failureHandler(errors);
    for (int status : new int[] {404, 405, 413, 500}) {
      root.errorHandler(status, errors);
    }
    return root;
  }
}
