package com.contoso.lro.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;

import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The contract's request body schemas and parameter schemas, each compiled once by networknt's
 * json-schema-validator, with {@code format} asserted: the one schema engine on the request path
 * (bench/README.md#request-validation says why this one). A value's errors are networknt's;
 * {@link ContractViolations} words them.
 */
final class RequestSchemas {

  private static final String MEDIA_TYPE = "application/json";

  /** Where vertx-openapi put the contract: the base of the references in its resolved schemas. */
  private static final String CONTRACT_URI = ContractLoader.CONTRACT_BASE_URI + "/";
  private static final String COMPONENT_SCHEMAS = "#/components/schemas/";

  /** Keywords that evaluate an object's properties beside {@code properties} and {@code allOf}. */
  private static final Set<String> OTHER_EVALUATORS = Set.of("additionalProperties", "patternProperties",
    "unevaluatedProperties", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas",
    "$dynamicRef", "$ref");

  /** A schema that only names another: the reference, and vertx-openapi's note of where it is. */
  private static final Set<String> REFERENCE_ONLY = Set.of("$ref", "__absolute_uri__");

  private final Map<Operation, Body> bodies = new IdentityHashMap<>();
  private final Map<Parameter, Schema> parameters = new IdentityHashMap<>();

  RequestSchemas(OpenAPIContract contract) {
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
    // The parameters share a few schemas (an id, a header's length, ...): each is compiled once.
    Map<String, Schema> compiled = new HashMap<>();
    Function<JsonObject, Schema> compile = schema -> compiled.computeIfAbsent(schema.encode(), text -> {
      Schema made = registry.getSchema(text, InputFormat.JSON);
      made.initializeValidators();
      return made;
    });
    for (Operation operation : contract.operations()) {
      if (operation.getRequestBody() != null) {
        JsonObject body = bodySchema(contract, operation);
        JsonObject closed = resolve(components, body);
        // A reference with constraints of its own beside it would be lost in the open schema.
        boolean referenceAlone = closed == body || REFERENCE_ONLY.containsAll(body.fieldNames());
        Set<String> declared = referenceAlone && Boolean.FALSE.equals(closed.getValue("unevaluatedProperties"))
          ? declaredProperties(components, closed, true) : null;
        Schema open = null;
        if (declared != null) {
          JsonObject withoutIt = closed.copy();
          withoutIt.remove("unevaluatedProperties");
          open = compile.apply(withoutIt);
        }
        bodies.put(operation, new Body(compile.apply(body), open, declared));
      }
      for (Parameter parameter : operation.getParameters()) {
        parameters.put(parameter, compile.apply(parameter.getOpenAPIModel().getJsonObject("schema")));
      }
    }
  }

  /**
   * A parameter's value against the parameter's schema: its errors, none when it passes.
   *
   * @param parameter one of the contract's
   * @param value the value as JSON: a string as the client sent it, another type as its style reads it
   */
  List<Error> check(Parameter parameter, JsonNode value) {
    return parameters.get(parameter).validate(value);
  }

  /** One body's check: the body as a JSON tree when it passed, else the schema's errors (none when there is no body). */
  record Checked(JsonNode passed, List<Error> errors) {
  }

  /**
   * @param operation one that takes a body
   * @param tree the body as {@link RequestJson} read it, or null when there is none
   */
  Checked check(Operation operation, JsonNode tree) {
    List<Error> errors = tree == null ? List.of() : bodies.get(operation).validate(tree);
    return new Checked(tree != null && errors.isEmpty() ? tree : null, errors);
  }

  /** The names {@code operation}'s body may carry, when its schema closes it to them; else null. */
  Set<String> declaredNames(Operation operation) {
    return bodies.get(operation).declared();
  }

  /** {@code operation}'s body schema's own errors for {@code tree}, as networknt alone gives them. */
  List<Error> checkClosed(Operation operation, JsonNode tree) {
    return bodies.get(operation).closed().validate(tree);
  }

  /**
   * A body's schema, and, when it closes an object with {@code unevaluatedProperties: false} over
   * properties that {@code properties} and {@code allOf} alone declare, that schema without the
   * keyword and the names it declares. A body whose every name is declared and that passes the open
   * schema passes the closed one too, without networknt collecting the annotations that
   * {@code unevaluatedProperties} needs (the dearest part of a create's check); any other body gets
   * the closed schema's own verdict and errors.
   */
  private record Body(Schema closed, Schema open, Set<String> declared) {
    List<Error> validate(JsonNode tree) {
      if (open != null && tree.isObject() && declaresAll(tree) && open.validate(tree).isEmpty()) {
        return List.of();
      }
      return closed.validate(tree);
    }

    private boolean declaresAll(JsonNode tree) {
      for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
        if (!declared.contains(names.next())) {
          return false;
        }
      }
      return true;
    }
  }

  /** The schema a {@code $ref} into the contract's components names, or {@code schema} itself. */
  private static JsonObject resolve(JsonObject components, JsonObject schema) {
    String ref = schema.getString("$ref");
    int at = ref == null ? -1 : ref.indexOf(COMPONENT_SCHEMAS);
    if (at < 0) {
      return schema;
    }
    JsonObject named = components.getJsonObject("components").getJsonObject("schemas")
      .getJsonObject(ref.substring(at + COMPONENT_SCHEMAS.length()));
    return named == null ? schema : resolve(components, named);
  }

  /**
   * The property names that {@code schema}'s {@code properties} and those of its {@code allOf}
   * members declare; null when another keyword could evaluate a property too, as then no fixed set
   * of names says what {@code unevaluatedProperties} lets through.
   */
  private static Set<String> declaredProperties(JsonObject components, JsonObject schema, boolean top) {
    Set<String> names = new HashSet<>();
    for (String keyword : schema.fieldNames()) {
      // The closed schema's own unevaluatedProperties is the keyword this set stands in for.
      if (OTHER_EVALUATORS.contains(keyword) && !(top && keyword.equals("unevaluatedProperties"))) {
        return null;
      }
    }
    JsonObject properties = schema.getJsonObject("properties");
    if (properties != null) {
      names.addAll(properties.fieldNames());
    }
    JsonArray allOf = schema.getJsonArray("allOf");
    for (int i = 0; allOf != null && i < allOf.size(); i++) {
      Set<String> member = declaredProperties(components, resolve(components, allOf.getJsonObject(i)), false);
      if (member == null) {
        return null;
      }
      names.addAll(member);
    }
    return Set.copyOf(names);
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
