package com.contoso.lro.contract;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Validates each request against its operation in the contract, on the event loop, and hands the
 * validated values on as vertx-web-openapi-router's own validation does. That validation runs
 * through an ordered {@code executeBlocking}: two thread hops per request, and one event loop's
 * requests validated one after another on a worker. Bodies and string parameters pass by schemas
 * compiled once ({@link RequestSchemas}); the other checks, and the words of every error, are
 * vertx-openapi's own, against the validators {@link CompiledSchemas} made once; none of them
 * blocks. A string parameter's value is checked as the client sent it: vertx-openapi would first
 * read it as JSON (an id "123" would become a number, a quote in a $filter would not parse).
 */
public final class RequestValidation {

  private final RequestValidatorImpl checks;
  private final SchemaRepository schemas;
  private final RequestSchemas compiled;
  private final UnaryOperator<JsonNode> leniency;

  /**
   * @param leniency what the contract's descriptions accept on input beside its schemas (a spelling
   *                 read as an enum's member), applied to each body before its schema check
   */
  public RequestValidation(Vertx vertx, OpenAPIContract contract, UnaryOperator<JsonNode> leniency) {
    this.checks = new RequestValidatorImpl(vertx, contract);
    this.schemas = contract.getSchemaRepository();
    this.compiled = new RequestSchemas(contract);
    this.leniency = leniency;
  }

  /** The handler that validates the requests of one operation. */
  public Handler<RoutingContext> of(Operation operation) {
    return ctx -> {
      ValidatedRequestImpl validated;
      try {
        validated = validate(ctx, operation);
      } catch (RuntimeException invalid) {
        ctx.fail(invalid);
        return;
      }
      ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
      ctx.next();
    };
  }

  private ValidatedRequestImpl validate(RoutingContext ctx, Operation operation) {
    Map<String, RequestParameter> cookies = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter parameter : operation.getParameters()) {
      RequestParameter checked = validate(parameter, VerbatimParameters.value(ctx, parameter));
      switch (parameter.getIn()) {
        case COOKIE -> cookies.put(parameter.getName(), checked);
        case HEADER -> headers.put(parameter.getName(), checked);
        case PATH -> path.put(parameter.getName(), checked);
        case QUERY -> query.put(parameter.getName(), checked);
      }
    }
    return new ValidatedRequestImpl(cookies, headers, path, query, body(ctx, operation));
  }

  /**
   * The body as a JSON tree, once {@link RequestJson} has read it within its bounds and
   * {@link RequestSchemas} has passed it. A body refused there goes through vertx-openapi's check
   * for the words of its error, unless networknt's are better (a format, a pattern). Where the two
   * disagree, which they do on formats (vertx-openapi takes a date-time without an offset), the
   * refusal stands.
   */
  private RequestParameter body(RoutingContext ctx, Operation operation) {
    if (operation.getRequestBody() == null) {
      return new RequestParameterImpl(null);
    }
    JsonNode tree = RequestJson.read(ctx.body().buffer());
    RequestSchemas.Checked checked = compiled.check(operation, tree == null ? null : leniency.apply(tree));
    if (checked.passed() != null) {
      return new RequestParameterImpl(checked.passed());
    }
    if (ContractViolations.wordsBetterThanVertx(checked.errors())) {
      throw ContractViolations.fromErrors(checked.errors());
    }
    RequestParameter allowed = checks.validateBody(operation.getRequestBody(), VerbatimParameters.body(ctx));
    if (checked.errors().isEmpty()) {
      return allowed; // no body, where the contract lets an operation go without one
    }
    throw ContractViolations.fromErrors(checked.errors());
  }

  /**
   * vertx-openapi's validateParameter, but a string is checked as it is rather than read as JSON
   * first, and by its compiled schema ({@link RequestSchemas}); vertx-openapi's check of a refused
   * one gives the error's words.
   */
  private RequestParameter validate(Parameter parameter, String value) {
    if (parameter.getSchemaType() != SchemaType.STRING) {
      return checks.validateParameter(parameter, new RequestParameterImpl(value));
    }
    if (value == null) {
      if (parameter.isRequired()) {
        throw ValidatorException.createMissingRequiredParameter(parameter);
      }
      return new RequestParameterImpl(null);
    }
    if (compiled.passes(parameter, value)) {
      return new RequestParameterImpl(value);
    }
    OutputUnit result = schemas.validator(parameter.getSchema()).validate(value);
    try {
      result.checkValidity();
    } catch (JsonSchemaValidationException invalid) {
      throw SchemaValidationException.createErrorFromOutputUnitType(parameter, result, invalid);
    }
    return new RequestParameterImpl(value);
  }
}
