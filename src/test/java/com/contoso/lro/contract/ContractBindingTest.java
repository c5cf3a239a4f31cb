package com.contoso.lro.contract;

import com.contoso.lro.config.JsonMapping;
import com.contoso.lro.contract.model.LongRunningOperation;
import com.contoso.lro.contract.model.LongRunningOperationStatus;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the generated router bindings turn validated values into a handler's typed arguments. */
class ContractBindingTest {

  @BeforeAll
  static void configureJackson() {
    JsonMapping.configure();
  }

  @Test
  void an_absent_or_null_parameter_is_null() {
    assertThat(ContractBinding.value(null, String.class)).isNull();
    assertThat(ContractBinding.value(new RequestParameterImpl(null), Integer.class)).isNull();
  }

  @Test
  void a_validated_number_becomes_the_integer_type_the_handler_declares() {
    assertThat(ContractBinding.value(new RequestParameterImpl(25L), Integer.class)).isEqualTo(25);
    assertThat(ContractBinding.value(new RequestParameterImpl(25), Long.class)).isEqualTo(25L);
    assertThat(ContractBinding.value(new RequestParameterImpl("abc"), String.class)).isEqualTo("abc");
  }

  /** A body as RequestValidation hands it on: the JSON tree its schema check parsed. */
  private static JsonNode tree(JsonObject body) throws IOException {
    return DatabindCodec.mapper().readTree(body.encode());
  }

  @Test
  void a_json_body_is_bound_to_its_generated_model() throws IOException {
    LongRunningOperation body = ContractBinding.body(new RequestParameterImpl(tree(new JsonObject()
      .put("status", "notStarted")
      .put("lastActionDateTime", "2026-11-28T12:00:00+01:00"))), LongRunningOperation.class);

    assertThat(body.getStatus()).isEqualTo(LongRunningOperationStatus.NOT_STARTED);
    assertThat(body.getLastActionDateTime()).isEqualTo(OffsetDateTime.parse("2026-11-28T11:00:00Z"));
  }

  @Test
  void a_date_time_without_an_offset_cannot_be_bound_and_says_so_by_exception() {
    assertThatThrownBy(() -> ContractBinding.body(new RequestParameterImpl(tree(new JsonObject()
      .put("lastActionDateTime", "2026-11-28T12:00:00"))), LongRunningOperation.class))
      .isInstanceOf(IllegalArgumentException.class);
  }
}
