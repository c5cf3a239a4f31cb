package com.contoso.lro.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.contoso.lro.operations.query.OrderBy;
import com.contoso.lro.operations.query.PageTokens;
import com.contoso.lro.operations.query.QueryOptionException;
import com.contoso.lro.operations.query.SortTerm;
import io.vertx.core.json.JsonArray;
import org.yaml.snakeyaml.Yaml;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page-token decoder ($skiptoken, {@code PageTokens.read}): whatever the token, it answers the
 * sort values of the order it was made for, of their types, or refuses with the documented 400
 * (a QueryOptionException for $skiptoken); nothing else escapes, which would be a 500. And a token
 * that the service makes fits the contract's maxLength of $skiptoken, and reads back as made.
 *
 * <p>An input is UTF-8 lines: a mode, the $orderby items (comma-separated; empty for the default
 * order), then what the mode takes:
 * <ul>
 *   <li>{@code raw}: the token, as a client may send anything;</li>
 *   <li>{@code signed}: a payload, signed with the service's key as tokens are ({@code $SCOPE}
 *       stands for the request's scope): a token of an older or newer release, which the key
 *       signed with another layout, must be refused too, never a 500;</li>
 *   <li>{@code made}: the sort values as a JSON array, made into a token by the service, and
 *       optionally a line {@code <index>:<text>} that overwrites the token there (a mutated token):
 *       it reads back as made, or is refused.</li>
 * </ul>
 */
class PageTokensFuzzTest {

  private static final byte[] SECRET = "page-token-fuzzing-secret-32-bytes!".getBytes(StandardCharsets.UTF_8);
  private static final PageTokens TOKENS = new PageTokens(SECRET);
  private static final String OWNER = "6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0";
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  /** The longest $skiptoken the contract lets a client send back. */
  private static final int SKIPTOKEN_MAX_LENGTH = skiptokenMaxLength();

  @FuzzTest
  void read(byte[] input) {
    String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", 4);
    if (lines.length < 3) {
      return;
    }
    List<SortTerm> terms;
    try {
      terms = OrderBy.parse(lines[1].isEmpty() ? List.of() : Arrays.asList(lines[1].split(",")));
    } catch (QueryOptionException notAnOrder) {
      return;
    }
    String scope = OWNER + "|" + OrderBy.describe(terms);
    String rest = lines.length == 4 ? lines[2] + "\n" + lines[3] : lines[2];
    switch (lines[0]) {
      case "raw" -> assertReadOrRefused(rest, scope, terms);
      case "signed" -> assertReadOrRefused(sign(rest.replace("$SCOPE", fingerprint(scope))), scope, terms);
      case "made" -> made(lines[2], lines.length == 4 ? lines[3] : null, scope, terms);
      default -> {
      }
    }
  }

  private static void made(String valuesJson, String mutation, String scope, List<SortTerm> terms) {
    List<Object> values = valuesOf(valuesJson, terms);
    if (values == null) {
      return;
    }
    String token = TOKENS.create(scope, terms, values);
    assertThat(token.length()).as("length of a $skiptoken the service made, which a client sends back")
      .isLessThanOrEqualTo(SKIPTOKEN_MAX_LENGTH);
    assertReadAsMade(TOKENS.read(token, scope, terms), values, "a token read back as made");
    if (mutation == null || mutation.indexOf(':') < 1) {
      return;
    }
    String mutated;
    try {
      int at = Math.floorMod(Integer.parseInt(mutation.substring(0, mutation.indexOf(':'))), token.length());
      String text = mutation.substring(mutation.indexOf(':') + 1);
      mutated = token.substring(0, at) + text + token.substring(Math.min(token.length(), at + text.length()));
    } catch (NumberFormatException notAMutation) {
      return;
    }
    List<Object> read = assertReadOrRefused(mutated, scope, terms);
    if (read != null) {
      assertReadAsMade(read, values, "a mutated token " + mutated + " that was not refused");
    }
  }

  /**
   * The values read back are those made, but that a long text value may come back as its prefix and
   * digest ({@link PageTokens.Truncated}), which the service resolves from the last row.
   */
  private static void assertReadAsMade(List<Object> read, List<Object> made, String what) {
    assertThat(read).as(what).hasSameSizeAs(made);
    for (int i = 0; i < made.size(); i++) {
      if (read.get(i) instanceof PageTokens.Truncated truncated) {
        assertThat(truncated.isOf((String) made.get(i))).as("%s: value %d, %s, is of %s", what, i, truncated, made.get(i))
          .isTrue();
      } else {
        assertThat(read.get(i)).as("%s: value %d", what, i).isEqualTo(made.get(i));
      }
    }
  }

  /** The values read, of the terms' types; or null when refused as documented. */
  private static List<Object> assertReadOrRefused(String token, String scope, List<SortTerm> terms) {
    List<Object> values;
    try {
      values = TOKENS.read(token, scope, terms);
    } catch (QueryOptionException refused) {
      assertThat(refused.option()).isEqualTo("$skiptoken");
      assertThat(refused.getMessage()).startsWith("The $skiptoken ");
      return null;
    }
    assertThat(values).hasSize(terms.size());
    for (int i = 0; i < terms.size(); i++) {
      assertThat(values.get(i)).as("value %d of %s", i, values)
        .isInstanceOfAny(terms.get(i).longText() ? new Class<?>[] {String.class, PageTokens.Truncated.class}
          : new Class<?>[] {terms.get(i).type()});
    }
    return values;
  }

  /** The ids a row can have, as openapi.yaml's longRunningOperation.id pattern allows (dots aside). */
  private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9._~-]{1,128}");

  /** The values of a JSON array as the terms' types, as a row would give them; null when they don't fit. */
  private static List<Object> valuesOf(String json, List<SortTerm> terms) {
    JsonArray array;
    try {
      array = new JsonArray(json);
    } catch (RuntimeException notJson) {
      return null;
    }
    if (array.size() != terms.size()) {
      return null;
    }
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < terms.size(); i++) {
      Object value = array.getValue(i);
      Class<?> type = terms.get(i).type();
      try {
        values.add(type == OffsetDateTime.class ? OffsetDateTime.parse((String) value) : type.cast(value));
      } catch (RuntimeException doesNotFit) {
        return null;
      }
      if (values.get(i) == null) {
        return null;
      }
      // A row's id is the contract's: at most 128 characters (ids are not cut short in a token).
      if (terms.get(i).isId() && !ID.matcher((String) values.get(i)).matches()) {
        return null;
      }
    }
    return values;
  }

  /** Signed as PageTokens signs: the base64url payload, a dot, its HMAC-SHA256. */
  private static String sign(String payload) {
    String encoded = BASE64URL.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    return encoded + "." + BASE64URL.encodeToString(hmac(encoded));
  }

  private static String fingerprint(String scope) {
    return BASE64URL.encodeToString(hmac("scope:" + scope)).substring(0, 22);
  }

  private static byte[] hmac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static int skiptokenMaxLength() {
    try (InputStream contract = PageTokensFuzzTest.class.getResourceAsStream("/openapi.yaml")) {
      Map<String, Object> root = new Yaml().load(contract);
      Map<String, Object> parameters = (Map<String, Object>) ((Map<String, Object>) root.get("components")).get("parameters");
      Map<String, Object> skiptoken = (Map<String, Object>) parameters.get("skiptoken");
      return (Integer) ((Map<String, Object>) skiptoken.get("schema")).get("maxLength");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
