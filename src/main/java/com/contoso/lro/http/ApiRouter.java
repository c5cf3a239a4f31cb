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
      .rootHandler(new RequestIds())
      .rootHandler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
      .rootHandler(new BearerAuthentication(contract, verifier));
    OperationsApi.mount(builder, operations);

    Router router = builder.createRouter();
    GraphErrorHandler errors = new GraphErrorHandler(contract);
    router.route().failureHandler(errors);
    for (int status : new int[] {404, 405, 413, 500}) {
      router.errorHandler(status, errors);
    }
    return router;
  }
}
