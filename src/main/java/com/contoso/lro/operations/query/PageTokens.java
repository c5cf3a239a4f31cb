package com.contoso.lro.operations.query;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * $skiptoken: where the next page starts, as the sort values of the last row shown (keyset paging,
 * so a deep page costs what the first does). Signed with a secret that every instance shares, and
 * bound to the owner, filter and order it was made for: a tampered or foreign token is refused.
 */
public final class PageTokens {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;

  public PageTokens(byte[] secret) {
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  /** A token for the page after the row whose sort values are {@code values}. */
  public String create(String scope, List<Object> values) {
    JsonArray encoded = new JsonArray();
    values.forEach(value -> encoded.add(value instanceof OffsetDateTime time ? time.toString() : value));
    String payload = ENCODER.encodeToString(new JsonObject().put("after", encoded).put("scope", fingerprint(scope))
      .encode().getBytes(StandardCharsets.UTF_8));
    return payload + "." + ENCODER.encodeToString(sign(payload));
  }

  /**
   * The sort values a token names, converted to the terms' types.
   *
   * @param scope the owner, filter and order of the current request, as {@link #create} was given them
   */
  public List<Object> read(String token, String scope, List<SortTerm> terms) {
    int dot = token.indexOf('.');
    if (dot < 0 || !MessageDigest.isEqual(sign(token.substring(0, dot)), decode(token.substring(dot + 1)))) {
      throw invalid();
    }
    try {
      JsonObject payload = new JsonObject(new String(decode(token.substring(0, dot)), StandardCharsets.UTF_8));
      JsonArray after = payload.getJsonArray("after");
      if (!fingerprint(scope).equals(payload.getString("scope")) || after.size() != terms.size()) {
        throw new QueryOptionException("$skiptoken",
          "The $skiptoken belongs to another query: follow @odata.nextLink as it is.");
      }
      List<Object> values = new ArrayList<>(terms.size());
      for (int i = 0; i < terms.size(); i++) {
        Class<?> type = terms.get(i).type();
        Object value = after.getValue(i);
        values.add(type == OffsetDateTime.class ? OffsetDateTime.parse((String) value) : type.cast(value));
      }
      return values;
    } catch (DecodeException | ClassCastException | java.time.format.DateTimeParseException e) {
      throw invalid();
    }
  }

  private static QueryOptionException invalid() {
    return new QueryOptionException("$skiptoken", "The $skiptoken is not valid: follow @odata.nextLink as it is.");
  }

  private static byte[] decode(String text) {
    try {
      return DECODER.decode(text);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
  }

  private byte[] sign(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  private String fingerprint(String scope) {
    return ENCODER.encodeToString(sign("scope:" + scope)).substring(0, 22);
  }
}
