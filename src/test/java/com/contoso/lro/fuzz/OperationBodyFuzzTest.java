package com.contoso.lro.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.contoso.lro.TestService.OPERATIONS;
import static com.contoso.lro.fuzz.FuzzedService.abbreviate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * JSON bodies of create (POST) and update (PATCH), as raw bytes, over HTTP to the real service. Each
 * answer comes in bounded time, is never a 5xx, and a 4xx is in Graph's error shape (FuzzedService).
 * A body the service accepts was well-formed (UTF-8, Unicode, JSON), and what the answer shows is
 * what the body said and what a later GET reads back: nothing is stored that the answer doesn't
 * show. A refused body changes nothing.
 */
class OperationBodyFuzzTest {

  private static final ObjectMapper STRICT_JSON = new ObjectMapper()
    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** The properties a body may set, whose values the answer must show as given. */
  private static final Set<String> ECHOED = Set.of("id", "status", "statusDetail", "resourceLocation");
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
  private static final byte[] BASE = """
    {"status":"running","statusDetail":"base","resourceLocation":"https://graph.microsoft.com/beta/base"}"""
    .getBytes(StandardCharsets.UTF_8);

  private static FuzzedService service;

  @BeforeAll
  static void start() {
    service = FuzzedService.start(Map.of());
  }

  @AfterAll
  static void stop() {
    service.stop();
  }

  @FuzzTest
  void create(byte[] body) {
    long before = service.stored();
    HttpResponse<Buffer> created = service.send(HttpMethod.POST, OPERATIONS, body);
    if (created.statusCode() != 201) {
      assertThat(service.stored()).as("operations stored after a %d", created.statusCode()).isEqualTo(before);
      return;
    }
    JsonObject shown = created.bodyAsJsonObject();
    assertAcceptable(body, shown, null);
    String location = created.getHeader("Location");
    assertThat(location).as("Location of a 201").isNotNull();
    HttpResponse<Buffer> read = service.send(HttpMethod.GET, URI.create(location).getRawPath(), null);
    assertThat(read.statusCode()).as("GET %s after a 201", location).isEqualTo(200);
    assertSameOperation(read.bodyAsJsonObject(), shown);
  }

  @FuzzTest
  void update(byte[] body) {
    HttpResponse<Buffer> created = service.send(HttpMethod.POST, OPERATIONS, BASE);
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject base = created.bodyAsJsonObject();
    String path = URI.create(created.getHeader("Location")).getRawPath();

    HttpResponse<Buffer> updated = service.send(HttpMethod.PATCH, path, body);

    HttpResponse<Buffer> read = service.send(HttpMethod.GET, path, null);
    assertThat(read.statusCode()).isEqualTo(200);
    if (updated.statusCode() != 200) {
      assertSameOperation(read.bodyAsJsonObject(), base);
      return;
    }
    JsonObject shown = updated.bodyAsJsonObject();
    assertAcceptable(body, shown, base);
    assertSameOperation(read.bodyAsJsonObject(), shown);
  }

  /**
   * What a 2xx requires of the body it accepted, and of the answer's properties.
   *
   * @param before the operation an update changed; null for a create
   */
  private static void assertAcceptable(byte[] body, JsonObject shown, JsonObject before) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new AssertionError("Accepted a body that is not UTF-8 (RFC 8259 8.1): " + hex(body), e);
    }
    JsonNode sent;
    try {
      sent = STRICT_JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("Accepted a body that is not one JSON value: " + abbreviate(text), e);
    }
    assertThat(sent.isObject()).as("accepted body is an object: %s", abbreviate(text)).isTrue();
    assertWellFormedUnicode(sent, abbreviate(text));
    for (Iterator<Map.Entry<String, JsonNode>> fields = sent.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!ECHOED.contains(field.getKey())) {
        continue;
      }
      JsonNode value = field.getValue();
      Object answered = shown.getValue(field.getKey());
      if (value.isNull()) {
        assertThat(answered).as("%s set to null, in %s", field.getKey(), shown.encode()).isNull();
      } else if (field.getKey().equals("status") && value.asText().equals("notstarted")) {
        assertThat(answered).as("status in %s", shown.encode()).isEqualTo("notStarted");
      } else {
        assertThat(answered).as("%s as the body set it, in %s", field.getKey(), shown.encode()).isEqualTo(value.asText());
      }
    }
    if (sent.hasNonNull("lastActionDateTime") && before == null) {
      assertThat(OffsetDateTime.parse(shown.getString("lastActionDateTime")).toInstant())
        .as("lastActionDateTime in %s", shown.encode())
        .isEqualTo(OffsetDateTime.parse(sent.get("lastActionDateTime").asText()).toInstant());
    }
    // An update may repeat what the server owns, never change it.
    for (String readOnly : before == null ? List.<String>of() : List.of("createdDateTime", "lastActionDateTime")) {
      if (sent.hasNonNull(readOnly)) {
        assertThat(OffsetDateTime.parse(sent.get(readOnly).asText()).toInstant())
          .as("%s repeated by an accepted update of %s", readOnly, before.encode())
          .isEqualTo(OffsetDateTime.parse(before.getString(readOnly)).toInstant());
      }
    }
    String resourceLocation = shown.getString("resourceLocation");
    if (resourceLocation != null) {
      Matcher scheme = SCHEME.matcher(resourceLocation);
      assertThat(scheme.find() ? scheme.group(1).toLowerCase() : "")
        .as("the scheme of resourceLocation %s (https, or http for development)", resourceLocation)
        .isIn("https", "http");
    }
  }

  /** The same operation: every property alike but @odata.context, which names the call. */
  private static void assertSameOperation(JsonObject read, JsonObject shown) {
    JsonObject a = read.copy();
    JsonObject b = shown.copy();
    a.remove("@odata.context");
    b.remove("@odata.context");
    if (!a.equals(b)) {
      fail("Stored is not what the answer showed:\nanswered " + b.encode() + "\nread     " + a.encode());
    }
  }

  /** No unpaired surrogate in any name or string: such text has no UTF-8 form to store. */
  private static void assertWellFormedUnicode(JsonNode node, String body) {
    if (node.isTextual()) {
      assertWellFormed(node.textValue(), body);
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      assertWellFormed(field.getKey(), body);
      assertWellFormedUnicode(field.getValue(), body);
    }
    if (node.isArray()) {
      node.forEach(element -> assertWellFormedUnicode(element, body));
    }
  }

  private static void assertWellFormed(String text, String body) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        fail("Accepted a string with an unpaired surrogate U+%04X: %s", (int) c, body);
      }
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(bytes.length, 200); i++) {
      byte b = bytes[i];
      text.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02X", b & 0xff));
    }
    return text.toString();
  }
}
