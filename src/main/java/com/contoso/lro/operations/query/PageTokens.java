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
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * $skiptoken: where the next page starts, as the sort values of the last row shown (keyset paging,
 * so a deep page costs what the first does). Signed with a secret that every instance shares, and
 * bound to the owner, filter and order it was made for: a tampered or foreign token is refused.
 *
 * <p>A token stays short whatever the rows hold: a text value too long to carry whole (statusDetail
 * and resourceLocation may hold thousands of characters) is carried as its first characters and a
 * digest of the whole ({@link Truncated}); the next page reads the value back from the last row,
 * whose id every token carries, and resumes from the first characters when that row has changed or
 * gone. Tokens made before this carry every value whole, and are still read.
 */
public final class PageTokens {

  /**
   * The most a text value may take in a token's JSON (UTF-8 bytes, escapes counted) to be carried
   * whole; a longer one is carried as a prefix of at most this much, and a digest.
   */
  public static final int INLINE_BYTES = 24;
  private static final int DIGEST_BYTES = 9;

  /**
   * A text sort value too long to carry: its longest prefix that fits {@link #INLINE_BYTES}, and a
   * digest of the whole value, to tell whether the row read back still holds it.
   */
  public record Truncated(String prefix, String digest) {

    /** Whether {@code value} is the value this was made from. */
    public boolean isOf(String value) {
      return value != null && value.startsWith(prefix) && digest.equals(PageTokens.digest(value));
    }
  }

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;

  public PageTokens(byte[] secret) {
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  /** A token for the page after the row whose values of the {@code terms} are {@code values}. */
  public String create(String scope, List<SortTerm> terms, List<Object> values) {
    JsonArray encoded = new JsonArray();
    for (int i = 0; i < values.size(); i++) {
      Object value = values.get(i);
      if (value instanceof OffsetDateTime time) {
        encoded.add(time.toString());
      } else if (terms.get(i).longText() && value instanceof String text && jsonBytes(text, text.length()) > INLINE_BYTES) {
        encoded.add(new JsonObject().put("p", text.substring(0, fitting(text))).put("d", digest(text)));
      } else {
        encoded.add(value);
      }
    }
    String payload = ENCODER.encodeToString(new JsonObject().put("after", encoded).put("scope", fingerprint(scope))
      .encode().getBytes(StandardCharsets.UTF_8));
    return payload + "." + ENCODER.encodeToString(sign(payload));
  }

  /**
   * The sort values a token names, converted to the terms' types; a long text value as a
   * {@link Truncated}, which the caller resolves from the row of the token's id.
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
        if (value instanceof JsonObject truncated && terms.get(i).longText()) {
          values.add(new Truncated(Objects.requireNonNull(truncated.getString("p")),
            Objects.requireNonNull(truncated.getString("d"))));
        } else {
          values.add(type == OffsetDateTime.class ? OffsetDateTime.parse((String) value) : type.cast(value));
        }
      }
      return values;
    } catch (DecodeException | ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
      throw invalid();
    }
  }

  /**
   * What the first {@code length} characters of {@code text} take in JSON as Jackson writes it: UTF-8,
   * a control character escaped in at most six bytes, a quote or backslash in two.
   */
  static int jsonBytes(String text, int length) {
    int bytes = 0;
    for (int i = 0; i < length; ) {
      int codePoint = text.codePointAt(i);
      bytes += codePoint < 0x20 ? 6 : codePoint == '"' || codePoint == '\\' ? 2
        : codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      i += Character.charCount(codePoint);
    }
    return bytes;
  }

  /** The length of the longest prefix of whole code points that takes at most INLINE_BYTES. */
  private static int fitting(String text) {
    int end = 0;
    while (end < text.length()) {
      int next = end + Character.charCount(text.codePointAt(end));
      if (jsonBytes(text, next) > INLINE_BYTES) {
        break;
      }
      end = next;
    }
    return end;
  }

  static String digest(String value) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return ENCODER.encodeToString(Arrays.copyOf(hash, DIGEST_BYTES));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
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
