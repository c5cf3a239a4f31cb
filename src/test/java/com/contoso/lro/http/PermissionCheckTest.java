package com.contoso.lro.http;

import com.contoso.lro.BareRouter;
import com.contoso.lro.TestTokens;
import com.contoso.lro.contract.ContractLoader;
import com.contoso.lro.graph.ApiException;
import com.contoso.lro.graph.Owner;
import com.contoso.lro.auth.Caller;
import com.contoso.lro.http.PermissionCheck.DirectoryRole;
import com.contoso.lro.http.PermissionCheck.Required;
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

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PermissionCheck's decisions from the contract's x-permissions, on a bare router with the caller
 * set as a verified token would set it: no database and no service. The cases are
 * PermissionMatrixTest's, with every directory role, which shows the same answers from the service;
 * and its rule on its own, with plain values.
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
  @MethodSource("com.contoso.lro.http.PermissionMatrixTest#everyRoleCases")
  void each_call_is_let_through_or_refused_as_graph_does(Grant grant, Target target, Call call, int expected) {
    caller = grant.appOnly()
      ? new Caller(CALLER_OID, Optional.empty(), Optional.empty(), Set.of(), Set.copyOf(grant.permissions()),
        Set.copyOf(grant.wids()), "p")
      : new Caller(CALLER_OID, Optional.empty(), Optional.empty(), Set.copyOf(grant.permissions()), Set.of(),
        Set.copyOf(grant.wids()), "p");
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
    caller = new Caller(CALLER_OID, Optional.empty(), Optional.empty(), Set.of("UserAuthenticationMethod.Read"), Set.of(), Set.of(), "p");

    JsonObject refused = send(Call.CREATE, "/beta/me/authentication/operations").bodyAsJsonObject();

    assertThat(refused.getString("message")).isEqualTo("This request needs one of these permissions: "
      + "UserAuthenticationMethod.ReadWrite, UserAuthenticationMethod.ReadWrite.All.");
  }

  @Test
  void an_app_only_token_on_the_signed_in_users_paths_is_told_to_use_users_id() {
    caller = new Caller(CALLER_OID, Optional.empty(), Optional.empty(), Set.of(), Set.of("UserAuthenticationMethod.Read.All"), Set.of(), "p");

    JsonObject refused = send(Call.LIST, "/beta/me/authentication/operations").bodyAsJsonObject();

    assertThat(refused.getString("message")).isEqualTo("This request is only valid with a delegated token: an app-only "
      + "token has no signed-in user. Use /users/{id} instead.");
  }

  @Test
  void the_signed_in_user_may_be_named_by_user_principal_name_in_any_case() {
    caller = new Caller(CALLER_OID, Optional.of("Ada@Contoso.test"), Optional.empty(), Set.of("UserAuthenticationMethod.Read"),
      Set.of(), Set.of(), "p");

    HttpResponse<Buffer> answer = send(Call.LIST, "/beta/users/ada%40contoso.TEST/authentication/operations");

    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    assertThat(answer.bodyAsString()).isEqualTo(CALLER_OID);
  }

  @Test
  void another_user_is_addressed_by_object_id_only_and_read_in_lower_case() {
    caller = new Caller(CALLER_OID, Optional.empty(), Optional.empty(), Set.of("UserAuthenticationMethod.Read.All"), Set.of(),
      Set.of(TestTokens.GLOBAL_READER), "p");

    JsonObject byName = send(Call.LIST, "/beta/users/someone@contoso.test/authentication/operations").bodyAsJsonObject();
    HttpResponse<Buffer> byUpperCaseId = send(Call.LIST, "/beta/users/" + OTHER_OID.toUpperCase() + "/authentication/operations");

    assertThat(byName.getString("code")).isEqualTo("notFound");
    assertThat(byName.getString("message"))
      .isEqualTo("User 'someone@contoso.test' was not found: address other users by object id.");
    assertThat(byUpperCaseId.bodyAsString()).isEqualTo(OTHER_OID);
  }

  // The rule on its own: what x-permissions asks of a read and of a write of another user's operations.
  private static final String READ_ALL = "UserAuthenticationMethod.Read.All";
  private static final String READ_WRITE_ALL = "UserAuthenticationMethod.ReadWrite.All";
  private static final DirectoryRole GLOBAL_READER = new DirectoryRole("Global Reader", TestTokens.GLOBAL_READER);
  private static final DirectoryRole AUTHENTICATION_ADMINISTRATOR =
    new DirectoryRole("Authentication Administrator", TestTokens.AUTHENTICATION_ADMINISTRATOR);
  private static final Required READ_OTHERS = new Required(List.of(READ_ALL, READ_WRITE_ALL), List.of(READ_ALL, READ_WRITE_ALL),
    List.of(GLOBAL_READER, AUTHENTICATION_ADMINISTRATOR));
  private static final Required WRITE_OTHERS = new Required(List.of(READ_WRITE_ALL), List.of(READ_WRITE_ALL),
    List.of(AUTHENTICATION_ADMINISTRATOR));
  private static final Required WRITE_SELF = new Required(List.of(READ_WRITE_ALL), List.of(), List.of());

  private static Caller delegated(Set<String> scopes, Set<String> wids) {
    return new Caller(CALLER_OID, Optional.empty(), Optional.empty(), scopes, Set.of(), wids, "p");
  }

  @Test
  void a_delegated_token_with_the_scope_but_no_role_is_refused_another_users_operations_naming_the_roles() {
    Optional<ApiException> refusal = PermissionCheck.refusal(delegated(Set.of(READ_WRITE_ALL), Set.of()), false, true,
      READ_OTHERS, READ_OTHERS);

    assertThat(refusal).get().extracting(ApiException::status, ApiException::code).containsExactly(403, "accessDenied");
    assertThat(refusal.get().getMessage()).isEqualTo("Acting on another user's operations with a delegated token needs "
      + "the signed-in user to hold one of these Microsoft Entra roles: Global Reader, Authentication Administrator.");
  }

  @Test
  void a_role_that_does_not_grant_the_call_is_no_role() {
    Caller userAdministrator = delegated(Set.of(READ_WRITE_ALL), Set.of(TestTokens.USER_ADMINISTRATOR));

    assertThat(PermissionCheck.refusal(userAdministrator, false, false, READ_OTHERS, READ_OTHERS))
      .get().extracting(ApiException::status).isEqualTo(403);
  }

  @Test
  void a_reader_role_reads_another_users_operations_and_may_not_change_them() {
    Caller globalReader = delegated(Set.of(READ_WRITE_ALL), Set.of(TestTokens.GLOBAL_READER));

    assertThat(PermissionCheck.refusal(globalReader, false, true, READ_OTHERS, READ_OTHERS)).isEmpty();
    assertThat(PermissionCheck.refusal(globalReader, false, true, WRITE_OTHERS, READ_OTHERS))
      .get().extracting(ApiException::status, ApiException::code).containsExactly(403, "accessDenied");
  }

  @Test
  void an_administrator_role_reads_and_changes_another_users_operations_whatever_the_case_of_its_id() {
    Caller administrator = delegated(Set.of(READ_WRITE_ALL),
      Set.of(TestTokens.AUTHENTICATION_ADMINISTRATOR.toUpperCase(Locale.ROOT)));

    assertThat(PermissionCheck.refusal(administrator, false, true, READ_OTHERS, READ_OTHERS)).isEmpty();
    assertThat(PermissionCheck.refusal(administrator, false, true, WRITE_OTHERS, READ_OTHERS)).isEmpty();
  }

  @Test
  void a_role_makes_up_for_no_missing_scope() {
    Caller administratorReading = delegated(Set.of(READ_ALL), Set.of(TestTokens.AUTHENTICATION_ADMINISTRATOR));
    Caller administratorWithoutScope = delegated(Set.of("User.Read"), Set.of(TestTokens.AUTHENTICATION_ADMINISTRATOR));

    assertThat(PermissionCheck.refusal(administratorReading, false, true, WRITE_OTHERS, READ_OTHERS))
      .get().extracting(ApiException::status).isEqualTo(403);
    assertThat(PermissionCheck.refusal(administratorWithoutScope, false, true, READ_OTHERS, READ_OTHERS))
      .get().extracting(ApiException::status, ApiException::code).containsExactly(404, "itemNotFound");
  }

  @Test
  void an_app_only_token_and_the_callers_own_operations_need_no_role() {
    Caller app = new Caller(CALLER_OID, Optional.empty(), Optional.empty(), Set.of(), Set.of(READ_WRITE_ALL), Set.of(), "p");

    assertThat(PermissionCheck.refusal(app, false, true, WRITE_OTHERS, READ_OTHERS)).isEmpty();
    assertThat(PermissionCheck.refusal(delegated(Set.of(READ_WRITE_ALL), Set.of()), true, true, WRITE_SELF, READ_OTHERS))
      .isEmpty();
  }

  private static HttpResponse<Buffer> send(Call call, String path) {
    return router.send(call.method, path);
  }
}
