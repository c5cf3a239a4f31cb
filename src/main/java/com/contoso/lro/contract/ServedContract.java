package com.contoso.lro.contract;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * openapi.yaml, or its OpenAPI 3.0 rendition, as YAML and as JSON, exactly as the file says but for
 * the first server's URL, which is left as a hole to fill per request: the file names a development
 * instance, while a partner's generated client and Swagger UI's "Try it out" need the URL of the
 * instance that served it.
 * Both are parsed once, at start-up; a request only joins three pieces.
 */
public final class ServedContract {

  /** A URL that can stand as a YAML plain scalar; anything else is written double-quoted. */
  private static final Pattern PLAIN_URL = Pattern.compile("https?://[A-Za-z0-9._~\\-\\[\\]:@%]+(/[A-Za-z0-9._~\\-/%]*)?");

  private final String yamlBefore;
  private final String yamlAfter;
  private final String jsonBefore;
  private final String jsonAfter;
  private final JsonObject tree;

  private ServedContract(JsonObject tree, String yamlBefore, String yamlAfter, String jsonBefore, String jsonAfter) {
    this.tree = tree;
    this.yamlBefore = yamlBefore;
    this.yamlAfter = yamlAfter;
    this.jsonBefore = jsonBefore;
    this.jsonAfter = jsonAfter;
  }

  /** @param yaml the text of openapi.yaml; its {@code servers[0].url} must be a one-line scalar */
  public static ServedContract parse(String yaml) {
    Node document = new Yaml().compose(new StringReader(yaml));
    ScalarNode url = firstServerUrl(document);
    // snakeyaml counts code points; String.substring counts UTF-16 units.
    int start = yaml.offsetByCodePoints(0, url.getStartMark().getIndex());
    int end = yaml.offsetByCodePoints(0, url.getEndMark().getIndex());

    JsonObject tree = tree(document);
    JsonObject json = tree.copy();
    String hole = "server-url-" + UUID.randomUUID();
    json.getJsonArray("servers").getJsonObject(0).put("url", hole);
    String encoded = json.encodePrettily();
    int at = encoded.indexOf(Json.encode(hole));
    return new ServedContract(tree, yaml.substring(0, start), yaml.substring(end),
      encoded.substring(0, at), encoded.substring(at + Json.encode(hole).length()));
  }

  /** The file's tree as JSON, its server URL as written, with every example and date as the text the file gives. */
  public JsonObject tree() {
    return tree.copy();
  }

  /** The composed document's values: the file is parsed once, for the server URL's place and for this. */
  private static JsonObject tree(Node document) {
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = (Map<String, Object>) jsonify(new VerbatimTimestamps().construct(document));
    return new JsonObject(tree);
  }

  /** openapi.yaml, its text unchanged but for {@code serverUrl}. */
  public Buffer yaml(String serverUrl) {
    return join(yamlBefore, PLAIN_URL.matcher(serverUrl).matches() ? serverUrl : Json.encode(serverUrl), yamlAfter);
  }

  /** openapi.yaml as JSON, with {@code serverUrl}. */
  public Buffer json(String serverUrl) {
    return join(jsonBefore, Json.encode(serverUrl), jsonAfter);
  }

  private static Buffer join(String before, String url, String after) {
    return Buffer.buffer(before.length() + url.length() + after.length() + 64)
      .appendString(before).appendString(url).appendString(after);
  }

  private static ScalarNode firstServerUrl(Node root) {
    Node servers = valueOf(root, "servers");
    Node url = servers instanceof SequenceNode list && !list.getValue().isEmpty() ? valueOf(list.getValue().get(0), "url") : null;
    if (!(url instanceof ScalarNode scalar)
        || !(scalar.getScalarStyle() == ScalarStyle.PLAIN || scalar.getScalarStyle() == ScalarStyle.SINGLE_QUOTED
             || scalar.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED)) {
      throw new IllegalStateException("openapi.yaml must name its server as servers[0].url, a one-line string");
    }
    return scalar;
  }

  private static Node valueOf(Node mapping, String key) {
    if (mapping instanceof MappingNode map) {
      for (NodeTuple entry : map.getValue()) {
        if (entry.getKeyNode() instanceof ScalarNode name && name.getValue().equals(key)) {
          return entry.getValueNode();
        }
      }
    }
    return null;
  }

  /** JSON object keys are strings; YAML's may be numbers (a response code written without quotes). */
  private static Object jsonify(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> object = new LinkedHashMap<>();
      map.forEach((key, item) -> object.put(String.valueOf(key), jsonify(item)));
      return object;
    }
    if (value instanceof List<?> list) {
      List<Object> array = new ArrayList<>(list.size());
      list.forEach(item -> array.add(jsonify(item)));
      return array;
    }
    return value;
  }

  /**
   * Keeps an unquoted date, e.g. an example's {@code 2026-11-28T10:15:30.120Z}, as the text it is:
   * snakeyaml would make it a java.util.Date, which JSON would write differently.
   */
  private static final class VerbatimTimestamps extends SafeConstructor {
    VerbatimTimestamps() {
      super(new LoaderOptions());
      yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
    }

    Object construct(Node document) {
      return constructDocument(document);
    }
  }
}
