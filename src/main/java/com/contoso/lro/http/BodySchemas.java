package com.contoso.lro.http;

import com.contoso.lro.Application;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The contract's request body schemas, each compiled once by networknt's json-schema-validator, with
 * {@code format} asserted. vertx-openapi's check interprets the schema anew for every body (about a
 * third of a create's CPU time), so this one answers whether a body passes; vertx-openapi's check
 * runs only on a body refused here, for the words of its error ({@link RequestValidation}).
 */
final class BodySchemas {

  private static final String MEDIA_TYPE = "application/json";

  /** Where vertx-openapi put the contract: the base of the references in its resolved schemas. */
  private static final String CONTRACT_URI = Application.CONTRACT_BASE_URI + "/";

  private final Map<Operation, Schema> schemas = new IdentityHashMap<>();
  // Decimals as BigDecimal: a huge number would be a double's Infinity, on which the validator's enum check throws.
  private final ObjectReader reader = DatabindCodec.mapper().reader()
    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  BodySchemas(OpenAPIContract contract) {
    // vertx-openapi's resolved schemas keep their references, as absolute URIs into the contract.
    JsonObject components = new JsonObject().put("components",
      new JsonObject().put("schemas", contract.getRawContract().getJsonObject("components").getJsonObject("schemas")));
    // Not keywords: the document's own key, and vertx-openapi's note in each resolved schema.
    Dialect dialect = Dialect.builder(Dialects.getOpenApi31())
      .keyword(new NonValidationKeyword("components"))
      .keyword(new NonValidationKeyword("__absolute_uri__"))
      .build();
    SchemaRegistry registry = SchemaRegistry.withDialect(dialect, builder -> builder
      .schemas(Map.of(CONTRACT_URI, components.encode()))
      .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    for (Operation operation : contract.operations()) {
      if (operation.getRequestBody() != null) {
        Schema schema = registry.getSchema(bodySchema(contract, operation).encode(), InputFormat.JSON);
        schema.initializeValidators();
        schemas.put(operation, schema);
      }
    }
  }

  /** One body's check: the body as a JSON tree when it passed, else the schema's errors (none when it is not JSON). */
  record Checked(JsonNode passed, List<Error> errors) {
  }

  /** @param operation one that takes a body */
  Checked check(Operation operation, Buffer body) {
    Schema schema = schemas.get(operation);
    JsonNode tree = body == null || body.length() == 0 ? null : parse(body);
    List<Error> errors = tree == null ? List.of() : schema.validate(tree);
    return new Checked(tree != null && errors.isEmpty() ? tree : null, errors);
  }

  private JsonNode parse(Buffer body) {
    try {
      return reader.readTree(body.getBytes());
    } catch (IOException notJson) {
      return null;
    }
  }

  /**
   * The operation's body schema, from the contract as vertx-openapi resolved it: written out in full,
   * its references replaced by what they name.
   */
  private static JsonObject bodySchema(OpenAPIContract contract, Operation operation) {
    if (!operation.getRequestBody().getContent().keySet().equals(Set.of(MEDIA_TYPE))) {
      throw new IllegalStateException(operation.getOperationId() + ": a request body must be " + MEDIA_TYPE + " only");
    }
    return contract.getRawContract().getJsonObject("paths").getJsonObject(operation.getOpenAPIPath())
      .getJsonObject(operation.getHttpMethod().name().toLowerCase(Locale.ROOT))
      .getJsonObject("requestBody").getJsonObject("content").getJsonObject(MEDIA_TYPE).getJsonObject("schema");
  }
}
