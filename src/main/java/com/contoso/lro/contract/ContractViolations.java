package com.contoso.lro.contract;

import com.contoso.lro.graph.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.path.NodePath;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Turns a request the contract refused into a Graph error that names the property and the reason.
 *
 * <p>vertx-openapi reports the <em>last</em> schema error, which for an object with
 * {@code unevaluatedProperties: false} is a misleading "does not match unevaluated properties schema"
 * about a property that is declared but has a bad value. The real cause is an earlier error in the
 * output unit, so this walks them all.
 */
public final class ContractViolations {

  private ContractViolations() {
  }

  /** vertx-openapi's words for a parameter that failed its schema; the output unit does not name it. */
  private static final Pattern PARAMETER = Pattern.compile("^The value of (\\w+) parameter (\\S+) is invalid");

  /**
   * The Graph error for a request the contract refused, or null when the failure is not the
   * contract's: a validator's refusal, or a body the generated binding could not bind (a 400).
   */
  public static ApiException describe(Throwable failure, int statusCode) {
    // The router wraps the validator's failure in a 400 HttpException; one thrown while the request
    // was read for validation arrives bare.
    Throwable unwrapped = failure instanceof HttpException http && http.getCause() != null ? http.getCause() : failure;
    if (unwrapped instanceof ValidatorException invalid) {
      return describe(invalid);
    }
    if (failure instanceof IllegalArgumentException && statusCode == 400) {
      return BodyBindingErrors.describe(failure);
    }
    return null;
  }

  static ApiException describe(ValidatorException e) {
    Matcher parameter = PARAMETER.matcher(String.valueOf(e.getMessage()));
    if (e instanceof SchemaValidationException schemaError && parameter.find()) {
      return fromParameter(parameter.group(1), parameter.group(2), schemaError.getOutputUnit());
    }
    if (e instanceof SchemaValidationException schemaError) {
      return fromSchema(schemaError.getOutputUnit());
    }
    if (e.type() == ValidatorErrorType.ILLEGAL_VALUE && e.getMessage().startsWith("The request body")) {
      return ApiException.badRequest("The request body is not valid JSON.");
    }
    return ApiException.badRequest(e.getMessage());
  }

  static ApiException fromSchema(OutputUnit result) {
    List<OutputUnit> errors = result.getErrors() == null ? List.of() : result.getErrors();
    Set<String> declaredButInvalid = new HashSet<>();
    for (OutputUnit error : errors) {
      String keyword = keyword(error.getKeywordLocation());
      String property = propertyName(error.getInstanceLocation());
      if (keyword.equals("properties")) {
        declaredButInvalid.add(error.getInstanceLocation());
      } else if (keyword.equals("additionalProperties") || keyword.equals("unevaluatedProperties")) {
        if (!declaredButInvalid.contains(error.getInstanceLocation())) {
          return ApiException.badRequest("Property '" + property + "' does not exist on this resource.", property);
        }
      } else if (!COMPOSITE_KEYWORDS.contains(keyword)) {
        String reason = error.getError().replaceFirst("^Instance", "the value");
        return property == null
          ? ApiException.badRequest("The request body is invalid: " + reason + ".")
          : ApiException.badRequest("Property '" + property + "' is invalid: " + reason + ".", property);
      }
    }
    return ApiException.badRequest("The request body does not match the contract.");
  }

  /**
   * A body's refusal in networknt's words, for a body vertx-openapi passed: the first of its errors
   * (at least one), at its property. They disagree on formats, and vertx-openapi takes a date-time without an offset.
   */
  static ApiException fromErrors(List<Error> errors) {
    // A value that is no URI at all fails its pattern too: its format is the better reason.
    Error first = errors.stream().filter(error -> "format".equals(error.getKeyword())).findFirst().orElse(errors.get(0));
    String reason = switch (String.valueOf(first.getKeyword())) {
      case "format" -> formatReason(first);
      case "pattern" -> "the value does not match the pattern " + keywordValue(first, "pattern");
      default -> first.getMessage();
    };
    NodePath at = first.getInstanceLocation();
    if (at == null || at.getNameCount() == 0) {
      return ApiException.badRequest("The request body is invalid: " + reason + ".");
    }
    String property = IntStream.range(0, at.getNameCount()).mapToObj(at::getName).collect(Collectors.joining("/"));
    return ApiException.badRequest("Property '" + property + "' is invalid: " + reason + ".", property);
  }

  /**
   * Whether networknt's errors are the better words: vertx-openapi asserts no format, and says of a
   * pattern only that the string does not match it.
   */
  static boolean wordsBetterThanVertx(List<Error> errors) {
    return errors.stream().anyMatch(error -> "format".equals(error.getKeyword()) || "pattern".equals(error.getKeyword()));
  }

  /** The failed keyword's value in the schema, e.g. a pattern's regex. */
  private static String keywordValue(Error error, String keyword) {
    JsonNode schema = error.getSchemaNode();
    return schema.isTextual() ? schema.asText() : schema.path(keyword).asText();
  }

  private static String formatReason(Error error) {
    String format = keywordValue(error, "format");
    return "date-time".equals(format)
      ? "a date-time needs an offset, e.g. 2026-11-28T10:15:30Z or 2026-11-28T11:15:30+01:00"
      : "the value is not a valid " + format;
  }

  /** e.g. "The query parameter '$top' is invalid: 0 is less than 1." */
  private static ApiException fromParameter(String location, String name, OutputUnit result) {
    String reason = (result.getErrors() == null ? List.<OutputUnit>of() : result.getErrors()).stream()
      .filter(error -> !COMPOSITE_KEYWORDS.contains(keyword(error.getKeywordLocation())))
      .map(error -> error.getError().replaceFirst("^Instance", "the value"))
      .findFirst()
      .orElse("it does not match the contract");
    return ApiException.badRequest("The " + location + " parameter '" + name + "' is invalid: " + reason + ".", name);
  }

  /** Keywords whose errors only say that a subschema failed; the subschema's own error says why. */
  private static final Set<String> COMPOSITE_KEYWORDS =
    Set.of("$ref", "allOf", "anyOf", "oneOf", "not", "items", "prefixItems", "patternProperties", "if", "then", "else");

  /** The keyword that failed: "#/properties/status/$ref/enum" → "enum", "#/allOf/0" → "allOf". */
  private static String keyword(String keywordLocation) {
    String[] segments = keywordLocation.split("/");
    for (int i = segments.length - 1; i >= 0; i--) {
      if (!segments[i].chars().allMatch(Character::isDigit)) {
        return segments[i];
      }
    }
    return "";
  }

  /** "#/status" → "status"; "#" → null. Nested locations keep their path: "#/a/b" → "a/b". */
  private static String propertyName(String instanceLocation) {
    String pointer = instanceLocation == null ? "" : instanceLocation.replaceFirst("^#", "");
    if (pointer.length() <= 1) {
      return null;
    }
    return pointer.substring(1).replace("~1", "/").replace("~0", "~");
  }
}
