package com.contoso.lro.contract;

import com.contoso.lro.graph.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.path.NodePath;
import io.vertx.openapi.contract.Parameter;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

/**
 * Turns networknt's errors for a refused value into a Graph error that names the parameter or the
 * property and the reason, e.g. "Property 'status' is invalid: the value does not match any of [...]".
 * The words are the API's, kept as clients have had them.
 */
public final class ContractViolations {

  /** The keywords that refuse a property the schema does not declare. */
  private static final Set<String> UNDECLARED = Set.of("additionalProperties", "unevaluatedProperties");

  private ContractViolations() {
  }

  /**
   * The Graph error for a body the generated binding could not bind (a 400), or null when the failure
   * is not that.
   */
  public static ApiException describe(Throwable failure, int statusCode) {
    return failure instanceof IllegalArgumentException && statusCode == 400 ? BodyBindingErrors.describe(failure) : null;
  }

  /** e.g. "The query parameter '$top' is invalid: 0 is less than 1." */
  static ApiException ofParameter(Parameter parameter, List<Error> errors) {
    String location = parameter.getIn().name().toLowerCase(Locale.ROOT);
    return ApiException.badRequest("The " + location + " parameter '" + parameter.getName() + "' is invalid: "
      + reason(errors.get(0)) + ".", parameter.getName());
  }

  /**
   * A body's refusal, at the property it names. A declared property's bad value is the reason rather
   * than another, undeclared one; a value that is no URI at all fails its pattern too, and its format
   * is the better reason.
   */
  static ApiException ofBody(List<Error> errors) {
    Error first = errors.stream().filter(error -> "format".equals(error.getKeyword())).findFirst()
      .or(() -> errors.stream().filter(error -> !UNDECLARED.contains(String.valueOf(error.getKeyword()))).findFirst())
      .orElse(errors.get(0));
    if (UNDECLARED.contains(String.valueOf(first.getKeyword()))) {
      String property = join(first.getInstanceLocation(), first.getProperty());
      return ApiException.badRequest("Property '" + property + "' does not exist on this resource.", property);
    }
    String property = join(first.getInstanceLocation(), null);
    return property.isEmpty()
      ? ApiException.badRequest("The request body is invalid: " + reason(first) + ".")
      : ApiException.badRequest("Property '" + property + "' is invalid: " + reason(first) + ".", property);
  }

  /** Why a value failed one keyword of its schema. */
  private static String reason(Error error) {
    JsonNode value = error.getInstanceNode();
    String keyword = String.valueOf(error.getKeyword());
    return switch (keyword) {
      case "type" -> "the value type " + typeOf(value) + " is invalid. Expected " + types(keywordValue(error, keyword));
      case "enum" -> "the value does not match any of " + keywordValue(error, keyword);
      case "const" -> "the value does not match " + keywordValue(error, keyword);
      case "minLength" -> "String is too short (" + length(value) + " < " + keywordValue(error, keyword).asText() + ")";
      case "maxLength" -> "String is too long (" + length(value) + " > " + keywordValue(error, keyword).asText() + ")";
      case "minimum" -> value.asText() + " is less than " + keywordValue(error, keyword).asText();
      case "maximum" -> value.asText() + " is greater than " + keywordValue(error, keyword).asText();
      case "pattern" -> "the value does not match the pattern " + keywordValue(error, keyword).asText();
      case "format" -> formatReason(keywordValue(error, keyword).asText());
      default -> error.getMessage();
    };
  }

  /** The failed keyword's value in the schema, e.g. a pattern's regex or an enum's array. */
  private static JsonNode keywordValue(Error error, String keyword) {
    JsonNode schema = error.getSchemaNode();
    return schema.isObject() && schema.has(keyword) ? schema.get(keyword) : schema;
  }

  private static String formatReason(String format) {
    return "date-time".equals(format)
      ? "a date-time needs an offset, e.g. 2026-11-28T10:15:30Z or 2026-11-28T11:15:30+01:00"
      : "the value is not a valid " + format;
  }

  /** JSON's name for a value's type: every number is a number. */
  private static String typeOf(JsonNode value) {
    return switch (value.getNodeType()) {
      case ARRAY -> "array";
      case BOOLEAN -> "boolean";
      case NUMBER -> "number";
      case OBJECT, POJO -> "object";
      case STRING, BINARY -> "string";
      case NULL, MISSING -> "null";
    };
  }

  /** "string", or "string, null" for a list of types. */
  private static String types(JsonNode type) {
    return type.isArray()
      ? StreamSupport.stream(type.spliterator(), false).map(JsonNode::asText).collect(Collectors.joining(", "))
      : type.asText();
  }

  /** A string's length in characters, as JSON Schema counts them (code points). */
  private static int length(JsonNode value) {
    return value.asText().codePointCount(0, value.asText().length());
  }

  /** "statusDetail", or "a/b" when nested; a last name (an undeclared property's) added when given. */
  private static String join(NodePath at, String last) {
    String path = at == null ? "" : IntStream.range(0, at.getNameCount()).mapToObj(at::getName)
      .collect(Collectors.joining("/"));
    return last == null ? path : path.isEmpty() ? last : path + "/" + last;
  }
}
