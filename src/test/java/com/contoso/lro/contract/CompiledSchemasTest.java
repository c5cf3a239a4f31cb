package com.contoso.lro.contract;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Each schema of the contract gets one validator, made once, that still validates by the contract. */
@ExtendWith(VertxExtension.class)
class CompiledSchemasTest {

  @Test
  void a_schema_asked_for_again_gets_the_validator_made_the_first_time(Vertx vertx) {
    OpenAPIContract contract = CompiledSchemas.of(await(ContractLoader.load(vertx)));
    SchemaRepository schemas = contract.getSchemaRepository();
    Parameter top = parameter(contract, "$top");
    Parameter skip = parameter(contract, "$skip");

    assertThat(schemas.validator(top.getSchema())).isSameAs(schemas.validator(top.getSchema()));
    assertThat(schemas.validator(top.getSchema())).isNotSameAs(schemas.validator(skip.getSchema()));
  }

  @Test
  void the_remembered_validator_still_applies_the_contracts_limits(Vertx vertx) {
    OpenAPIContract contract = CompiledSchemas.of(await(ContractLoader.load(vertx)));
    JsonSchema top = parameter(contract, "$top").getSchema();

    assertThat(contract.getSchemaRepository().validator(top).validate(999).getValid()).isTrue();
    assertThat(contract.getSchemaRepository().validator(top).validate(1000).getValid()).isFalse();
  }

  private static Parameter parameter(OpenAPIContract contract, String name) {
    return contract.operation("listOperations").getParameters().stream()
      .filter(parameter -> parameter.getName().equals(name)).findFirst().orElseThrow();
  }
}
