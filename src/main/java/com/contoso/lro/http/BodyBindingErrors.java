package com.contoso.lro.http;

import com.fasterxml.jackson.databind.JsonMappingException;

import java.time.OffsetDateTime;
import java.util.stream.Collectors;

/**
 * Describes a body that passed the contract but could not be bound to its model. The known case:
 * vertx-openapi accepts a date-time without an offset, which an OffsetDateTime cannot hold.
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
    if (mapping instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException format
      && OffsetDateTime.class.equals(format.getTargetType())) {
      return ApiException.badRequest("Property '" + property
        + "' is invalid: a date-time needs an offset, e.g. 2026-11-28T10:15:30Z or 2026-11-28T11:15:30+01:00.", property);
    }
    return ApiException.badRequest("Property '" + property + "' has a value of the wrong type.", property);
  }
}
