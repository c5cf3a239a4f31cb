package com.contoso.lro.contract;

import com.contoso.lro.graph.ApiException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.jackson.DatabindCodec;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads a client's JSON body into a tree, refusing with a 400, before any schema sees it, what no
 * body of the contract needs and what would cost more than reading it: bytes that are not
 * well-formed UTF-8 (overlong forms, surrogates encoded in UTF-8, truncated sequences), a string or
 * a name holding an unpaired surrogate escape ({@code "\ud800"}), which PostgreSQL would store as
 * {@code ?}, and numbers longer than {@value #MAX_NUMBER_LENGTH} characters (Jackson's
 * {@link StreamReadConstraints}) or with a decimal exponent beyond ±{@value #MAX_EXPONENT}. The
 * contract's bodies hold no number at all; {@code 1e20000000} is ten characters, and networknt's
 * enum check spent minutes writing it out in full.
 */
final class RequestJson {

  /** More than any long (20) or double (24, e.g. -2.2250738585072014E-308) needs. */
  static final int MAX_NUMBER_LENGTH = 32;
  /** A double reaches 10^308, and 10^-324 below its normal range. */
  static final int MAX_EXPONENT = 400;

  // Vert.x's own factory and features (as the rest of the service reads JSON), with numbers bounded.
  private static final JsonFactory FACTORY = DatabindCodec.mapper().getFactory().rebuild()
    .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(MAX_NUMBER_LENGTH).build())
    .build();
  // Decimals as BigDecimal: a huge number would be a double's Infinity, on which the validator's enum check throws.
  private static final ObjectReader READER = new ObjectMapper(FACTORY).reader()
    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private RequestJson() {
  }

  /**
   * The body as a JSON tree, or null when there is none.
   *
   * @throws ApiException a 400 that says why the body is refused
   */
  static JsonNode read(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    CharBuffer text;
    try {
      // The JDK's decoder, set to report, refuses every ill-formed sequence rather than replacing it.
      text = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(body.getBytes()));
    } catch (CharacterCodingException notUtf8) {
      throw ApiException.badRequest("The request body is not well-formed UTF-8.");
    }
    JsonNode tree;
    try (JsonParser parser = FACTORY.createParser(text.array(), text.arrayOffset() + text.position(), text.remaining())) {
      tree = READER.readTree(parser);
    } catch (StreamConstraintsException | NumberFormatException tooLongOrExponentOverflow) {
      throw numberOutOfRange(null);
    } catch (JsonProcessingException notJson) {
      throw notJson.getCause() instanceof NumberFormatException ? numberOutOfRange(null)
        : ApiException.badRequest("The request body is not valid JSON.");
    } catch (java.io.IOException unreadable) {
      throw ApiException.badRequest("The request body is not valid JSON.");
    }
    if (tree == null || tree.isMissingNode()) {
      throw ApiException.badRequest("The request body is not valid JSON.");
    }
    check(tree, null);
    return tree;
  }

  /** Refuses a number out of bounds or an unpaired surrogate anywhere in the tree; {@code at} is the node's path. */
  private static void check(JsonNode node, String at) {
    if (node.isTextual()) {
      if (!wellFormed(node.textValue())) {
        throw unpairedSurrogate(at);
      }
    } else if (node.isBigDecimal()) {
      BigDecimal value = node.decimalValue();
      // The exponent of the value written as d.ddd × 10^e.
      long exponent = (long) value.precision() - value.scale() - 1;
      if (Math.abs(exponent) > MAX_EXPONENT) {
        throw numberOutOfRange(at);
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        String path = at == null ? field.getKey() : at + "/" + field.getKey();
        if (!wellFormed(field.getKey())) {
          throw unpairedSurrogate(null);
        }
        check(field.getValue(), path);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        check(node.get(i), at == null ? String.valueOf(i) : at + "/" + i);
      }
    }
  }

  /** Whether every surrogate in the text is half of a pair: what UTF-8, and PostgreSQL, can hold. */
  static boolean wellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static ApiException unpairedSurrogate(String at) {
    String reason = "holds an unpaired UTF-16 surrogate (\\ud800 to \\udfff not in a pair), which is not Unicode text.";
    return at == null
      ? ApiException.badRequest("The request body " + reason)
      : ApiException.badRequest("Property '" + at + "' " + reason, at);
  }

  private static ApiException numberOutOfRange(String at) {
    String reason = "a number out of range: at most " + MAX_NUMBER_LENGTH + " characters, with an exponent within ±"
      + MAX_EXPONENT + ".";
    return at == null
      ? ApiException.badRequest("The request body holds " + reason)
      : ApiException.badRequest("Property '" + at + "' holds " + reason, at);
  }
}
