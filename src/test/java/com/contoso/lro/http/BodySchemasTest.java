package com.contoso.lro.http;

import com.contoso.lro.Application;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Every request body is checked against its operation's schema from the contract, compiled once. */
@ExtendWith(VertxExtension.class)
class BodySchemasTest {

  private static BodySchemas bodies;
  private static Operation create;
  private static Operation update;

  @BeforeAll
  static void compileTheContractsBodies(Vertx vertx) {
    OpenAPIContract contract = await(Application.loadContract(vertx));
    bodies = new BodySchemas(contract);
    create = contract.operation("createMyOperation");
    update = contract.operation("updateMyOperation");
  }

  @Test
  void a_body_that_passes_is_handed_on_as_the_json_tree_it_was_read_into() {
    BodySchemas.Checked checked = check(create, "{\"status\": \"running\", \"statusDetail\": null,"
      + " \"lastActionDateTime\": \"2026-11-28T11:15:30+01:00\", \"resourceLocation\": \"https://example.com/a\"}");

    assertThat(checked.passed()).isNotNull();
    assertThat(checked.passed().get("status").asText()).isEqualTo("running");
    assertThat(checked.errors()).isEmpty();
  }

  @Test
  void each_operation_has_its_own_schema() {
    // A client's id in a create has a pattern; in an update it is read-only, which the service refuses.
    assertThat(check(create, "{\"id\": \"has a space\"}").passed()).isNull();
    assertThat(check(update, "{\"id\": \"has a space\"}").passed()).isNotNull();
  }

  @Test
  void formats_are_asserted_a_date_time_needs_its_offset() {
    BodySchemas.Checked checked = check(create, "{\"lastActionDateTime\": \"2026-11-28T10:15:30\"}");

    assertThat(checked.passed()).isNull();
    assertThat(checked.errors()).singleElement().satisfies(error -> {
      assertThat(error.getKeyword()).isEqualTo("format");
      assertThat(error.getInstanceLocation().getName(0)).isEqualTo("lastActionDateTime");
    });
  }

  @Test
  void a_property_the_schema_does_not_declare_is_refused() {
    assertThat(check(create, "{\"status\": \"running\", \"colour\": \"blue\"}").passed()).isNull();
  }

  @Test
  void a_body_that_is_not_one_json_value_passes_nothing_and_names_no_property() {
    for (String notJson : new String[] {"", "{\"status\": ", "{} {}", "{\"status\": \"running\"} trailing"}) {
      BodySchemas.Checked checked = check(create, notJson);
      assertThat(checked.passed()).as(notJson).isNull();
      assertThat(checked.errors()).as(notJson).isEmpty();
    }
  }

  @Test
  void a_number_too_large_for_a_double_is_an_error_not_an_exception() {
    BodySchemas.Checked checked = check(create, "{\"status\": 1e999}");

    assertThat(checked.passed()).isNull();
    assertThat(checked.errors()).isNotEmpty();
  }

  private static BodySchemas.Checked check(Operation operation, String body) {
    return bodies.check(operation, Buffer.buffer(body));
  }
}
