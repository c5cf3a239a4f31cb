package com.contoso.lro.http;

import com.contoso.lro.auth.TokenVerifier;
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

/**
 * The API's router, built from the contract. Each request goes: request ids, security headers, the
 * request log, a check that it can be read at all, body (64 KiB at most),
 * bearer token, the caller's rate limit, the operation's permissions and owner, its query options, its media type,
 * validation against openapi.yaml, and then the operation's handler; any failure leaves through
 * {@link GraphErrorHandler}.
 */
public final class ApiRouter {

  /** Graph's limit for a JSON body; larger ones are answered 413 before they are read whole. */
  public static final long MAX_BODY_BYTES = 64 * 1024;

  private ApiRouter() {
  }

  /** @param databaseGate the last check before validation: fails the request while the database part of start-up has not completed */
  public static Router create(Vertx vertx, OpenAPIContract contract, TokenVerifier verifier, UserThrottle throttle,
                              OperationsApi operations, Handler<RoutingContext> databaseGate) {
    OpenAPIContract compiled = CompiledSchemas.of(contract);
    RouterBuilder builder = RouterBuilder.create(vertx, compiled)
      .rootHandler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
      .rootHandler(new BearerAuthentication(verifier))
      .rootHandler(new ThrottleCheck(throttle))
      .rootHandler(new PermissionCheck(contract))
      .rootHandler(new QueryOptionCheck(contract))
      .rootHandler(new ContentTypeCheck(contract))
      .rootHandler(databaseGate);
    // BearerAuthentication enforces the contract's security requirement, answering in Graph's terms;
    // vertx-web's JWTAuthHandler would answer some bad tokens 400 and knows nothing of oid.
    // RequestValidation validates on the event loop, in place of the builder's worker-thread validation.
    RequestValidation validation = new RequestValidation(vertx, compiled);
    builder.getRoutes().forEach(route -> route.setDoSecurity(false).setDoValidation(false)
      .addHandler(validation.of(route.getOperation())));
    OperationsApi.mount(builder, operations);

    // The builder's routes are relative to the server URL's path (/beta): mount them there.
    Router root = Router.router(vertx);
    root.route().handler(new RequestIds()).handler(new SecurityHeaders()).handler(new RequestLog(contract))
      .handler(new UnreadableRequests());
    Router api = builder.createRouter();
    nameByTemplate(api, contract);
    root.route(basePath(contract) + "/*").subRouter(api);
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
        route.setName(routeTemplate(contract, operation));
      }
    }
  }

  /** An operation's path template under the version prefix, as metrics and the request log name it. */
  static String routeTemplate(OpenAPIContract contract, Operation operation) {
    return basePath(contract) + operation.getOpenAPIPath();
  }

  /** The version prefix of every path: the path of the contract's server URL. */
  public static String basePath(OpenAPIContract contract) {
    return contract.getServers().get(0).getBasePath();
  }
}
