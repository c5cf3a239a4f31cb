package com.contoso.lro.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.openapi.validation.RequestParameter;

import java.util.List;

/**
 * What the generated router bindings call to hand validated values to handlers as typed arguments.
 */
public final class ContractBinding {

  private ContractBinding() {
  }

  /** A validated path, query or header value, or null when the request had none. */
  public static <T> T value(RequestParameter parameter, Class<T> type) {
    if (parameter == null || parameter.isNull()) {
      return null;
    }
    Object value = parameter.get();
    if (value instanceof Number number && type == Integer.class) {
      return type.cast(number.intValue());
    }
    if (value instanceof Number number && type == Long.class) {
      return type.cast(number.longValue());
    }
    return type.cast(value);
  }

  /** A validated array parameter (e.g. $select=id,status), in the request's order; empty when absent. */
  public static List<String> list(RequestParameter parameter) {
    if (parameter == null || parameter.isNull()) {
      return List.of();
    }
    return parameter.getJsonArray().stream().map(String::valueOf).toList();
  }

  /**
   * A validated JSON body, the tree {@link RequestValidation} parsed it into, bound to its generated model.
   *
   * @throws IllegalArgumentException when a value passed the schema but does not fit the model's Java type
   */
  public static <T> T body(RequestParameter body, Class<T> type) {
    if (body == null || body.isNull()) {
      return null;
    }
    try {
      return DatabindCodec.mapper().treeToValue((JsonNode) body.get(), type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }
}
