package com.contoso.lro;

import com.contoso.lro.contract.ContractLoader;
import com.contoso.lro.contract.api.OperationsApi;
import com.contoso.lro.contract.ServedContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/** openapi.yaml loads in the service's own contract loader, and the generated bindings cover it. */
@ExtendWith(VertxExtension.class)
class ContractTest {

  @Test
  void the_service_loads_its_contract_with_the_beta_prefix_and_bearer_security(Vertx vertx) {
    OpenAPIContract contract = await(ContractLoader.load(vertx));

    assertThat(contract.getServers()).extracting(server -> server.getBasePath()).containsExactly("/beta");
    Operation create = contract.operation("createOperation");
    assertThat(create.getHttpMethod().name()).isEqualTo("POST");
    assertThat(create.getOpenAPIPath()).isEqualTo("/user/authentication/operations");
    assertThat(create.getSecurityRequirements()).anySatisfy(requirement ->
      assertThat(requirement.getNames()).contains("bearerAuth"));
    assertThat(contract.securityScheme("bearerAuth").getScheme()).isEqualTo("bearer");
    assertThat(create.getRequestBody().getContent()).containsOnlyKeys("application/json");
    assertThat(create.getDefaultResponse()).isNull();
    for (int status : new int[] {201, 400, 401, 403, 413, 415, 503}) {
      assertThat(create.getResponse(status)).as("response %d", status).isNotNull();
    }
  }

  /** The service skips this check at start-up, as the file in its jar is this one. */
  @Test
  void openapi_yaml_passes_vertx_openapis_own_check_against_the_openapi_meta_schema(Vertx vertx) {
    ServedContract served = await(ContractLoader.read(vertx));

    OpenAPIContract checked = await(OpenAPIContract.from(vertx, served.tree()));

    assertThat(checked.operations()).extracting(Operation::getOperationId)
      .containsExactlyInAnyOrderElementsOf(await(ContractLoader.load(vertx, Future.succeededFuture(served))).operations().stream()
        .map(Operation::getOperationId).toList());
  }

  /**
   * Each operation names its call (x-lro-call), the binding declares one method per call, and every
   * call is served under each of the three roots; but $batch, which is /beta's own.
   */
  @Test
  void every_operation_of_the_contract_names_a_call_whose_method_the_generated_binding_declares(Vertx vertx) {
    OpenAPIContract contract = await(ContractLoader.load(vertx));
    List<String> bound = Arrays.stream(OperationsApi.class.getMethods())
      .filter(method -> method.getParameterCount() > 0 && method.getParameterTypes()[0] == RoutingContext.class)
      .map(Method::getName)
      .distinct()
      .toList();
    Map<String, String> calls = contract.operations().stream()
      .collect(Collectors.toMap(Operation::getOperationId, operation -> String.valueOf(operation.getExtensions().get("x-lro-call"))));

    assertThat(bound).containsExactlyInAnyOrder("list", "count", "create", "get", "update", "delete", "batch");
    assertThat(calls.values()).allSatisfy(call -> assertThat(bound).contains(call));
    // $batch has one root, /beta itself.
    assertThat(calls.values().stream().collect(Collectors.groupingBy(call -> call, Collectors.counting())))
      .allSatisfy((call, operations) -> assertThat(operations).as(call).isEqualTo(call.equals("batch") ? 1L : 3L));
  }
}
