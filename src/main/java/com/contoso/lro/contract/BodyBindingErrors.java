package com.contoso.lro.contract;

import com.contoso.lro.graph.ApiException;
import com.fasterxml.jackson.databind.JsonMappingException;

import java.util.stream.Collectors;

/**
 * Describes a body that passed the contract but could not be bound to its model: a value the schema
 * allows that the model's Java type cannot hold. None is known; a date-time without an offset was one
 * until bodies were checked with formats asserted ({@link RequestSchemas}).
 */
final class BodyBindingErrors {

  private BodyBindingErrors() {
  }

  static ApiException describe(Throwable failure) {
    if (!(failure.getCause() instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
      return ApiException.badRequest("The request body cannot be read.");
    }
    String property = mapping.getPath().stream()
      .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()))
      .collect(Collectors.joining("/"));
    return ApiException.badRequest("Property '" + property + "' has a value of the wrong type.", property);
  }
}
