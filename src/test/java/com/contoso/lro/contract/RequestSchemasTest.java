package com.contoso.lro.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every request body, and every parameter's value, is checked against its schema from the contract,
 * compiled once.
 */
@ExtendWith(VertxExtension.class)
class RequestSchemasTest {

  private static OpenAPIContract contract;
  private static RequestSchemas schemas;
  private static Operation create;
  private static Operation update;
  private static Operation read;

  @BeforeAll
  static void compileTheContractsSchemas(Vertx vertx) {
    contract = await(ContractLoader.load(vertx));
    schemas = new RequestSchemas(contract);
    create = contract.operation("createMyOperation");
    update = contract.operation("updateMyOperation");
    read = contract.operation("getUserOperation");
  }

  @Test
  void a_body_that_passes_is_handed_on_as_the_json_tree_it_was_read_into() {
    RequestSchemas.Checked checked = check(create, "{\"status\": \"running\", \"statusDetail\": null,"
      + " \"lastActionDateTime\": \"2026-11-28T11:15:30+01:00\", \"resourceLocation\": \"https://example.com/a\"}");

    assertThat(checked.passed()).isNotNull();
    assertThat(checked.passed().get("status").asText()).isEqualTo("running");
    assertThat(checked.errors()).isEmpty();
  }

  @Test
  void a_create_and_an_update_take_the_one_model_as_it_is_read() {
    // An operation as a GET answers it, read-only values and control information and all.
    String asRead = "{\"@odata.context\": \"http://localhost/beta/$metadata#users('u')/authentication/operations/$entity\","
      + " \"@odata.type\": \"#microsoft.graph.longRunningOperation\", \"@odata.etag\": \"\\\"2\\\"\", \"id\": \"op-1\","
      + " \"createdDateTime\": \"2026-11-28T10:15:30.120Z\", \"lastActionDateTime\": \"2026-11-28T10:15:31.000Z\","
      + " \"status\": \"running\", \"statusDetail\": null, \"resourceLocation\": \"https://example.com/a\"}";

    assertThat(check(create, asRead).passed()).isNotNull();
    assertThat(check(update, asRead).passed()).isNotNull();
    assertThat(check(create, "{\"id\": \"has a space\"}").passed()).isNull();
    assertThat(check(update, "{\"id\": \"has a space\"}").passed()).isNull();
  }

  @Test
  void formats_are_asserted_a_date_time_needs_its_offset() {
    RequestSchemas.Checked checked = check(create, "{\"lastActionDateTime\": \"2026-11-28T10:15:30\"}");

    assertThat(checked.passed()).isNull();
    // unevaluatedProperties also names the property that failed inside allOf; the format is the reason.
    assertThat(checked.errors()).filteredOn(error -> !"unevaluatedProperties".equals(error.getKeyword()))
      .singleElement().satisfies(error -> {
      assertThat(error.getKeyword()).isEqualTo("format");
      assertThat(error.getInstanceLocation().getName(0)).isEqualTo("lastActionDateTime");
    });
  }

  @Test
  void a_property_the_schema_does_not_declare_is_refused() {
    assertThat(check(create, "{\"status\": \"running\", \"colour\": \"blue\"}").passed()).isNull();
  }

  @Test
  void no_body_passes_nothing_and_names_no_property() {
    RequestSchemas.Checked checked = schemas.check(create, null);

    assertThat(checked.passed()).isNull();
    assertThat(checked.errors()).isEmpty();
  }

  @Test
  void a_number_too_large_for_a_double_that_the_body_bounds_let_through_is_an_error_not_an_exception() {
    RequestSchemas.Checked checked = check(create, "{\"status\": 1e399}");

    assertThat(checked.passed()).isNull();
    assertThat(checked.errors()).isNotEmpty();
  }

  @Test
  void the_models_body_is_closed_to_the_names_it_declares_through_allof() {
    Set<String> model = Set.of("id", "@odata.context", "@odata.type", "@odata.etag", "createdDateTime",
      "lastActionDateTime", "status", "statusDetail", "resourceLocation");

    assertThat(schemas.declaredNames(create)).isEqualTo(model);
    assertThat(schemas.declaredNames(update)).isEqualTo(model);
  }

  /** The open schema decides only when a body passes it with declared names alone; the errors are the closed one's. */
  @ParameterizedTest
  @ValueSource(strings = {
    "{\"status\": \"running\"}",
    "{\"id\": \"op-1\", \"@odata.type\": \"#microsoft.graph.longRunningOperation\", \"statusDetail\": null}",
    "{}",
    "{\"colour\": \"blue\"}",
    "{\"status\": \"running\", \"colour\": \"blue\"}",
    "{\"status\": \"bogus\", \"colour\": \"blue\"}",
    "{\"status\": \"bogus\"}",
    "{\"lastActionDateTime\": \"2026-11-28T10:15:30\"}",
    "{\"id\": \"has a space\", \"status\": \"running\"}",
    "{\"@odata.type\": \"#microsoft.graph.entity\"}",
    "{\"status\": {\"colour\": \"blue\"}}",
    "{\"resourceLocation\": \"ftp://example.com\"}",
    "[]", "\"running\"", "1", "null", "true"})
  void a_body_gets_the_verdict_and_the_errors_of_its_closed_schema(String body) {
    for (Operation operation : List.of(create, update)) {
      JsonNode tree = RequestJson.read(Buffer.buffer(body));

      RequestSchemas.Checked checked = schemas.check(operation, tree);
      List<String> closed = schemas.checkClosed(operation, tree).stream().map(Object::toString).toList();

      assertThat(checked.errors().stream().map(Object::toString).toList()).as(body).isEqualTo(closed);
      assertThat(checked.passed() != null).as(body).isEqualTo(closed.isEmpty());
    }
  }

  private static RequestSchemas.Checked check(Operation operation, String body) {
    return schemas.check(operation, RequestJson.read(Buffer.buffer(body)));
  }

  @Test
  void a_string_parameter_passes_within_its_schemas_lengths_and_not_outside_them() {
    Parameter id = parameter(read, "longRunningOperationId"); // minLength 1, maxLength 128
    Parameter user = parameter(read, "userId"); // maxLength 256

    assertThat(passes(id, "0f8fad5b-d9cb-469f-a165-70867728950e")).isTrue();
    assertThat(passes(id, "x".repeat(128))).isTrue();
    assertThat(passes(id, "x".repeat(129))).isFalse();
    assertThat(passes(id, "")).isFalse();
    assertThat(passes(user, "x".repeat(129))).isTrue();
  }

  @Test
  void a_string_parameters_length_counts_characters_not_utf16_units() {
    // 128 emoji: 256 UTF-16 units, within maxLength 128 as JSON Schema counts.
    assertThat(passes(parameter(read, "longRunningOperationId"), "\uD83D\uDE00".repeat(128))).isTrue();
  }

  @Test
  void a_header_parameter_is_checked_by_its_own_schema() {
    Parameter prefer = parameter(read, "Prefer"); // maxLength 256

    assertThat(passes(prefer, "wait=60")).isTrue();
    assertThat(passes(prefer, "wait=" + "9".repeat(252))).isFalse();
  }

  @Test
  void a_parameter_of_another_type_is_checked_as_the_json_its_style_reads() {
    Operation list = contract.operation("listMyOperations");

    assertThat(schemas.check(parameter(list, "$top"), IntNode.valueOf(999))).isEmpty();
    assertThat(schemas.check(parameter(list, "$top"), IntNode.valueOf(1000))).singleElement()
      .satisfies(error -> assertThat(error.getKeyword()).isEqualTo("maximum"));
    assertThat(schemas.check(parameter(list, "$top"), TextNode.valueOf("ten"))).singleElement()
      .satisfies(error -> assertThat(error.getKeyword()).isEqualTo("type"));
    assertThat(schemas.check(parameter(list, "$count"), BooleanNode.TRUE)).isEmpty();
    assertThat(schemas.check(parameter(list, "$select"), JsonNodeFactory.instance.arrayNode().add("id").add("status")))
      .isEmpty();
    assertThat(schemas.check(parameter(list, "$select"), JsonNodeFactory.instance.arrayNode().add("id").add("color")))
      .singleElement().satisfies(error -> assertThat(error.getKeyword()).isEqualTo("enum"));
  }

  private static boolean passes(Parameter parameter, String value) {
    return schemas.check(parameter, TextNode.valueOf(value)).isEmpty();
  }

  private static Parameter parameter(Operation operation, String name) {
    return operation.getParameters().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow();
  }
}
