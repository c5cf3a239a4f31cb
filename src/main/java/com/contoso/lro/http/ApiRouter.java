package com.contoso.lro.http;

import com.contoso.lro.auth.TokenVerifier;
import com.contoso.lro.contract.ContractOperations;
import com.contoso.lro.contract.RequestValidation;
import com.contoso.lro.contract.api.OperationsApi;
import io.vertx.core.Handler;
import com.contoso.lro.throttle.UserThrottle;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.function.UnaryOperator;

/**
 * The API's router, built from the contract. Each request goes: request ids, security headers, the
 * request log, a check that it can be read at all, body (64 KiB at most), bearer token, the caller's
 * rate limit; then, on its operation's route, the operation's permissions and owner, its query
 * options, its media type, the database gate, validation against openapi.yaml, and the operation's
 * handler. Any failure leaves through {@link GraphErrorHandler}.
 */
public final class ApiRouter {

  /** Graph's limit for a JSON body; larger ones are answered 413 before they are read whole. */
  public static final long MAX_BODY_BYTES = 64 * 1024;

  private ApiRouter() {
  }

  /**
   * @param databaseGate the last check before validation: fails the request while the database part of start-up has not completed
   * @param leniency     what the contract accepts on input beside its schemas, applied to each body before it is validated
   */
  public static Router create(Vertx vertx, OpenAPIContract contract, TokenVerifier verifier, UserThrottle throttle,
                              OperationsApi operations, Handler<RoutingContext> databaseGate,
                              UnaryOperator<JsonNode> leniency) {
    RouterBuilder builder = RouterBuilder.create(vertx, contract)
      .rootHandler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
      .rootHandler(new BearerAuthentication(verifier, contract))
      .rootHandler(new ThrottleCheck(throttle));
    // BearerAuthentication enforces the contract's security requirement, answering in Graph's terms;
    // vertx-web's JWTAuthHandler would answer some bad tokens 400 and knows nothing of oid.
    // Each operation's own checks are attached to its route, made once from the operation;
    // RequestValidation validates on the event loop, in place of the builder's worker-thread validation.
    OperationChecks checks = new OperationChecks(contract);
    RequestValidation validation = new RequestValidation(contract, leniency);
    builder.getRoutes().forEach(route -> route.setDoSecurity(false).setDoValidation(false)
      .addHandler(checks.of(route.getOperation()))
      .addHandler(databaseGate)
      .addHandler(validation.of(route.getOperation())));
    OperationsApi.mount(builder, operations);

    // The builder's routes are relative to the server URL's path (/beta): mount them there.
    Router root = Router.router(vertx);
    root.route().handler(new RequestIds()).handler(new SecurityHeaders()).handler(new RequestLog(contract))
      .handler(new UnreadableRequests());
    Router api = builder.createRouter();
    nameByTemplate(api, contract);
    api.route().handler(checks::refuseUnknown);
    root.route(ContractOperations.basePath(contract) + "/*").subRouter(api);
    GraphErrorHandler errors = new GraphErrorHandler(contract);
    root.route().failureHandler(errors);
    for (int status : new int[] {400, 404, 405, 413, 500}) {
      root.errorHandler(status, errors.forStatus(status));
    }
    return root;
  }

  /**
   * Names each operation's route by the contract's template, e.g.
   * /beta/me/authentication/operations/{longRunningOperationId}: the route label of the HTTP
   * metrics, as the request log has it, rather than the route's path relative to /beta.
   */
  private static void nameByTemplate(Router api, OpenAPIContract contract) {
    for (Route route : api.getRoutes()) {
      Operation operation = route.getMetadata(RouterBuilder.KEY_META_DATA_OPERATION);
      if (operation != null) {
        route.setName(ContractOperations.routeTemplate(contract, operation));
      }
    }
  }
}
