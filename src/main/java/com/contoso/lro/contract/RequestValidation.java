package com.contoso.lro.contract;

import com.contoso.lro.graph.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Style;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;
import io.vertx.openapi.validation.transformer.FormTransformer;
import io.vertx.openapi.validation.transformer.LabelTransformer;
import io.vertx.openapi.validation.transformer.MatrixTransformer;
import io.vertx.openapi.validation.transformer.ParameterTransformer;
import io.vertx.openapi.validation.transformer.SimpleTransformer;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Validates each request against its operation in the contract, on the event loop, and hands the
 * validated values on as vertx-web-openapi-router's own validation does (that one runs on a worker
 * thread). Every parameter and body is checked by its schema compiled once by networknt
 * ({@link RequestSchemas}), and a refusal is worded from networknt's errors ({@link ContractViolations}).
 * A string parameter is checked as the client sent it; another is first read into JSON by
 * vertx-openapi's transformer for its style ($top=5 a number, $select=id,status an array), which
 * would also read a string as JSON (an id "123" would become a number, a quote in a $filter would not
 * parse).
 */
public final class RequestValidation {

  private static final Map<Style, ParameterTransformer> TRANSFORMERS = new EnumMap<>(Map.of(
    Style.SIMPLE, new SimpleTransformer(), Style.LABEL, new LabelTransformer(),
    Style.MATRIX, new MatrixTransformer(), Style.FORM, new FormTransformer()));

  private final RequestSchemas schemas;
  private final UnaryOperator<JsonNode> leniency;

  /**
   * @param leniency what the contract's descriptions accept on input beside its schemas (a spelling
   *                 read as an enum's member), applied to each body before its schema check
   */
  public RequestValidation(OpenAPIContract contract, UnaryOperator<JsonNode> leniency) {
    this.schemas = new RequestSchemas(contract);
    this.leniency = leniency;
  }

  /** The handler that validates the requests of one operation. */
  public Handler<RoutingContext> of(Operation operation) {
    return ctx -> {
      ValidatedRequest validated;
      try {
        validated = validate(operation, parameter -> VerbatimParameters.value(ctx, parameter), ctx.body().buffer());
      } catch (ValidatorException unreadable) {
        // A value that does not decode for its style, or a required one missing: the library's words.
        ctx.fail(ApiException.badRequest(unreadable.getMessage()));
        return;
      } catch (RuntimeException invalid) {
        ctx.fail(invalid);
        return;
      }
      ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
      ctx.next();
    };
  }

  /**
   * One request's parameters and body, validated.
   *
   * @param values each parameter's value as Vert.x decoded it, or null when the request has none
   * @param body the body as received, or null
   * @throws ApiException a 400 that names what is refused and why
   * @throws ValidatorException a value that does not decode for its style, or a required one missing
   */
  ValidatedRequest validate(Operation operation, Function<Parameter, String> values, Buffer body) {
    Map<String, RequestParameter> cookies = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter parameter : operation.getParameters()) {
      RequestParameter checked = validate(parameter, values.apply(parameter));
      switch (parameter.getIn()) {
        case COOKIE -> cookies.put(parameter.getName(), checked);
        case HEADER -> headers.put(parameter.getName(), checked);
        case PATH -> path.put(parameter.getName(), checked);
        case QUERY -> query.put(parameter.getName(), checked);
      }
    }
    return new ValidatedRequestImpl(cookies, headers, path, query, body(operation, body));
  }

  /** The body as a JSON tree, once {@link RequestJson} has read it within its bounds and its schema has passed it. */
  private RequestParameter body(Operation operation, Buffer body) {
    if (operation.getRequestBody() == null) {
      return new RequestParameterImpl(null);
    }
    JsonNode tree = RequestJson.read(body);
    if (tree == null) {
      if (operation.getRequestBody().isRequired()) {
        throw ApiException.badRequest("The related request does not contain the required body.");
      }
      return new RequestParameterImpl(null);
    }
    RequestSchemas.Checked checked = schemas.check(operation, leniency.apply(tree));
    if (checked.passed() == null) {
      throw ContractViolations.ofBody(checked.errors());
    }
    return new RequestParameterImpl(checked.passed());
  }

  private RequestParameter validate(Parameter parameter, String value) {
    if (value == null) {
      if (parameter.isRequired()) {
        throw ValidatorException.createMissingRequiredParameter(parameter);
      }
      return new RequestParameterImpl(null);
    }
    Object read = parameter.getSchemaType() == SchemaType.STRING ? value : transformer(parameter).transform(parameter, value);
    List<Error> errors = schemas.check(parameter, read instanceof String text ? TextNode.valueOf(text)
      : DatabindCodec.mapper().valueToTree(read));
    if (!errors.isEmpty()) {
      throw ContractViolations.ofParameter(parameter, errors);
    }
    return new RequestParameterImpl(read);
  }

  private static ParameterTransformer transformer(Parameter parameter) {
    ParameterTransformer transformer = TRANSFORMERS.get(parameter.getStyle());
    if (transformer == null) {
      throw ValidatorException.createUnsupportedValueFormat(parameter);
    }
    return transformer;
  }
}
