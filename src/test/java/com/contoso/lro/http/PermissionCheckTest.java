package com.contoso.lro.http;

import com.contoso.lro.BareRouter;
import com.contoso.lro.contract.ContractLoader;
import com.contoso.lro.graph.ApiException;
import com.contoso.lro.graph.Owner;
import com.contoso.lro.auth.Caller;
import com.contoso.lro.http.PermissionMatrixTest.Call;
import com.contoso.lro.http.PermissionMatrixTest.Grant;
import com.contoso.lro.http.PermissionMatrixTest.Target;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.openapi.contract.OpenAPIContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Optional;
import java.util.Set;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PermissionCheck's decisions from the contract's x-permissions, on a bare router with the caller
 * set as a verified token would set it: no database and no service. The cases are
 * PermissionMatrixTest's, which shows the same answers from the service.
 */
class PermissionCheckTest {

  private static final String CALLER_OID = "6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0";
  private static final String OTHER_OID = "0f0e9a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
  private static final String ITEM = "op-1";

  private static BareRouter router;
  /** The caller of the next request. */
  private static volatile Caller caller;

  @BeforeAll
  static void serve() {
    router = new BareRouter((vertx, routes) -> {
      OpenAPIContract contract = await(ContractLoader.load(vertx));
      PermissionCheck check = new PermissionCheck(contract);
      routes.route()
        .handler(ctx -> {
          ctx.put("caller", caller);
          ctx.next();
        })
        .handler(ctx -> {
          // As OperationChecks does on each operation's route: the contract's operation decides.
          if (check.passes(ctx, contract.findOperation(ctx.normalizedPath(), ctx.request().method()))) {
            ctx.next();
          }
        })
        .handler(ctx -> ctx.response().end(Owner.of(ctx).id()))
        .failureHandler(ctx -> {
          ApiException refused = (ApiException) ctx.failure();
          ctx.response().setStatusCode(refused.status())
            .end(new JsonObject().put("code", refused.code()).put("message", refused.getMessage()).encode());
        });
    });
  }

  @AfterAll
  static void stop() {
    router.close();
  }

  @ParameterizedTest(name = "{0} {2} on {1} → {3}")
  @MethodSource("com.contoso.lro.http.PermissionMatrixTest#cases")
  void each_call_is_let_through_or_refused_as_graph_does(Grant grant, Target target, Call call, int expected) {
    caller = grant.appOnly()
      ? new Caller(CALLER_OID, Optional.empty(), Optional.empty(), Set.of(), Set.copyOf(grant.permissions()), "p")
      : new Caller(CALLER_OID, Optional.empty(), Optional.empty(), Set.copyOf(grant.permissions()), Set.of(), "p");
    String root = switch (target) {
      case ME -> "/beta/me";
      case USER -> "/beta/user";
      case SELF_BY_ID -> "/beta/users/" + CALLER_OID;
      case OTHER -> "/beta/users/" + OTHER_OID;
    };

    HttpResponse<Buffer> answer = send(call, root + "/authentication/operations" + call.suffix.replace("{id}", ITEM));

    if (expected < 400) {
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
      assertThat(answer.bodyAsString()).as("whose operations").isEqualTo(target == Target.OTHER ? OTHER_OID : CALLER_OID);
    } else {
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(expected);
      assertThat(answer.bodyAsJsonObject().getString("code"))
        .isEqualTo(switch (expected) {
          case 400 -> "badRequest";
          case 403 -> "accessDenied";
          default -> "itemNotFound";
        });
    }
  }

  @Test
  void a_refusal_names_the_permissions_that_would_do() {
    caller = new Caller(CALLER_OID, Optional.empty(), Optional.empty(), Set.of("UserAuthenticationMethod.Read"), Set.of(), "p");

    JsonObject refused = send(Call.CREATE, "/beta/me/authentication/operations").bodyAsJsonObject();

    assertThat(refused.getString("message")).isEqualTo("This request needs one of these permissions: "
      + "UserAuthenticationMethod.ReadWrite, UserAuthenticationMethod.ReadWrite.All.");
  }

  @Test
  void an_app_only_token_on_the_signed_in_users_paths_is_told_to_use_users_id() {
    caller = new Caller(CALLER_OID, Optional.empty(), Optional.empty(), Set.of(), Set.of("UserAuthenticationMethod.Read.All"), "p");

    JsonObject refused = send(Call.LIST, "/beta/me/authentication/operations").bodyAsJsonObject();

    assertThat(refused.getString("message")).isEqualTo("This request is only valid with a delegated token: an app-only "
      + "token has no signed-in user. Use /users/{id} instead.");
  }

  @Test
  void the_signed_in_user_may_be_named_by_user_principal_name_in_any_case() {
    caller = new Caller(CALLER_OID, Optional.of("Ada@Contoso.test"), Optional.empty(), Set.of("UserAuthenticationMethod.Read"),
      Set.of(), "p");

    HttpResponse<Buffer> answer = send(Call.LIST, "/beta/users/ada%40contoso.TEST/authentication/operations");

    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    assertThat(answer.bodyAsString()).isEqualTo(CALLER_OID);
  }

  @Test
  void another_user_is_addressed_by_object_id_only_and_read_in_lower_case() {
    caller = new Caller(CALLER_OID, Optional.empty(), Optional.empty(), Set.of("UserAuthenticationMethod.Read.All"), Set.of(), "p");

    JsonObject byName = send(Call.LIST, "/beta/users/someone@contoso.test/authentication/operations").bodyAsJsonObject();
    HttpResponse<Buffer> byUpperCaseId = send(Call.LIST, "/beta/users/" + OTHER_OID.toUpperCase() + "/authentication/operations");

    assertThat(byName.getString("code")).isEqualTo("notFound");
    assertThat(byName.getString("message"))
      .isEqualTo("User 'someone@contoso.test' was not found: address other users by object id.");
    assertThat(byUpperCaseId.bodyAsString()).isEqualTo(OTHER_OID);
  }

  private static HttpResponse<Buffer> send(Call call, String path) {
    return router.send(call.method, path);
  }
}
