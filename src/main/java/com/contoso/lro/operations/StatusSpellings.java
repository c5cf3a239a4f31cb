package com.contoso.lro.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The contract's documented leniency on input: {@code notstarted}, the source page's spelling, is
 * read as {@code notStarted}. It is applied to a body before its schema check, so that the
 * contract's status enum keeps Graph's members only and generated clients see one enum.
 */
public final class StatusSpellings {

  private static final String SOURCE_PAGE_SPELLING = "notstarted";
  private static final String GRAPH_MEMBER = "notStarted";

  private StatusSpellings() {
  }

  /** The body with {@code "status": "notstarted"} read as {@code "notStarted"}; any other body as it is. */
  public static JsonNode canonical(JsonNode body) {
    if (body instanceof ObjectNode object && SOURCE_PAGE_SPELLING.equals(object.path("status").textValue())) {
      ObjectNode copy = object.deepCopy();
      copy.put("status", GRAPH_MEMBER);
      return copy;
    }
    return body;
  }
}
