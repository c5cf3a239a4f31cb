package com.contoso.lro.contract;

import com.contoso.lro.ServiceTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /openapi-3.0.yaml and /openapi-3.0.json: the contract in OpenAPI 3.0 for clients that read
 * 3.0 only, made by the build from openapi.yaml, served as openapi.yaml is, and linked from /docs.
 * It says everything of openapi.yaml that 3.0 can say, in 3.0's words, and nothing 3.0 lacks.
 */
class OpenApi30RenditionTest extends ServiceTest {

  /** The fixed fields of OpenAPI 3.0.3's Schema Object; anything else but an x- extension is not 3.0. */
  private static final Set<String> SCHEMA_FIELDS = Set.of("title", "multipleOf", "maximum", "exclusiveMaximum",
    "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems",
    "maxProperties", "minProperties", "required", "enum", "type", "allOf", "oneOf", "anyOf", "not", "items",
    "properties", "additionalProperties", "description", "format", "default", "nullable", "discriminator",
    "readOnly", "writeOnly", "xml", "externalDocs", "example", "deprecated", "$ref");
  private static final Set<String> OPENAPI_FIELDS = Set.of("openapi", "info", "servers", "paths", "components",
    "security", "tags", "externalDocs");
  private static final Set<String> INFO_FIELDS = Set.of("title", "description", "termsOfService", "contact", "license", "version");
  private static final Set<String> COMPONENTS_FIELDS = Set.of("schemas", "responses", "parameters", "examples",
    "requestBodies", "headers", "securitySchemes", "links", "callbacks");

  /** Where a walk stands: in a schema, in a map or list of schemas, in values (examples, enums, extensions), or elsewhere. */
  private enum At { SCHEMA, SCHEMAS, DATA, OTHER }

  @Test
  void the_rendition_is_openapi_3_0_naming_the_server_the_client_called_without_a_token() {
    HttpResponse<Buffer> yaml = await(service.request(GET, "/openapi-3.0.yaml").putHeader("Host", "lro.example.test:9443").send());
    HttpResponse<Buffer> json = await(service.request(GET, "/openapi-3.0.json").putHeader("Host", "lro.example.test:9443").send());

    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.getHeader("Content-Type")).isEqualTo("application/yaml");
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.getHeader("Content-Type")).isEqualTo("application/json");
    JsonObject rendition = json.bodyAsJsonObject();
    assertThat(rendition).isEqualTo(new JsonObject(Json.encode(parseYaml(yaml.bodyAsString()))));
    assertThat(rendition.getString("openapi")).matches("3\\.0\\.\\d+");
    assertThat(rendition.getJsonArray("servers").getJsonObject(0).getString("url")).isEqualTo("http://lro.example.test:9443/beta");
  }

  @Test
  void it_is_cached_as_the_contract_is() {
    HttpResponse<Buffer> contract = await(service.request(GET, "/openapi.yaml").send());
    for (String path : List.of("/openapi-3.0.yaml", "/openapi-3.0.json")) {
      HttpResponse<Buffer> rendition = await(service.request(GET, path).send());
      assertThat(rendition.getHeader("Cache-Control")).as(path).isEqualTo(contract.getHeader("Cache-Control")).isNotNull();
      assertThat(rendition.getHeader("ETag")).as(path).isEqualTo(contract.getHeader("ETag"));
    }
  }

  @Test
  void it_has_no_type_arrays_no_const_and_nothing_only_openapi_3_1_has() {
    JsonObject rendition = served();
    List<String> problems = new ArrayList<>();

    unknownFields(rendition, OPENAPI_FIELDS, "#", problems);
    unknownFields(rendition.getJsonObject("info"), INFO_FIELDS, "#/info", problems);
    unknownFields(rendition.getJsonObject("info").getJsonObject("license"), Set.of("name", "url"), "#/info/license", problems);
    unknownFields(rendition.getJsonObject("components"), COMPONENTS_FIELDS, "#/components", problems);
    only30(rendition, "#", At.OTHER, problems);

    assertThat(problems).isEmpty();
  }

  @Test
  void nothing_of_openapi_yaml_is_lost_that_3_0_can_say() throws IOException {
    JsonObject contract = ServedContract.parse(Files.readString(Path.of(ContractLoader.CONTRACT))).tree();
    JsonObject rendition = served();
    // The file names the development instance; both served copies name the instance that served them.
    rendition.getJsonArray("servers").getJsonObject(0).put("url", contract.getJsonArray("servers").getJsonObject(0).getString("url"));
    List<String> lost = new ArrayList<>();

    said(contract, rendition, "#", At.OTHER, lost);

    assertThat(lost).isEmpty();
    // What 3.1 says in its own words, 3.0 says in its.
    JsonObject info = rendition.getJsonObject("info");
    assertThat(info.getString("description")).startsWith(contract.getJsonObject("info").getString("summary") + "\n\n");
    assertThat(info.getJsonObject("license").getString("url"))
      .isEqualTo("https://spdx.org/licenses/" + contract.getJsonObject("info").getJsonObject("license").getString("identifier") + ".html");
  }

  @Test
  void a_reader_of_openapi_3_0_finds_every_operation_of_the_file(Vertx vertx) {
    // vertx-openapi loads no XML response ($metadata's): left out as ContractLoader leaves it out.
    OpenAPIContract rendition = await(OpenAPIContract.from(vertx, ContractLoader.withoutUnsupportedResponseMedia(served())));

    assertThat(rendition.getVersion()).isEqualTo(OpenAPIVersion.V3_0);
    Set<String> fileIds = await(ContractLoader.load(vertx)).operations().stream()
      .map(Operation::getOperationId).collect(Collectors.toSet());
    assertThat(rendition.operations().stream().map(Operation::getOperationId).collect(Collectors.toSet()))
      .isNotEmpty().isEqualTo(fileIds);
  }

  @Test
  void docs_links_the_contract_and_its_rendition() {
    String page = await(service.request(GET, "/docs").send()).bodyAsString();

    assertThat(page).contains("href=\"/openapi.yaml\"", "href=\"/openapi.json\"",
      "href=\"/openapi-3.0.yaml\"", "href=\"/openapi-3.0.json\"");
  }

  private static JsonObject served() {
    HttpResponse<Buffer> response = await(service.request(GET, "/openapi-3.0.json").send());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  /**
   * Adds to {@code lost} every place where {@code rendition} does not say what {@code source}
   * (openapi.yaml) says, either in the same words or in 3.0's words for what 3.1 says otherwise.
   */
  private static void said(Object source, Object rendition, String at, At where, List<String> lost) {
    if (source instanceof JsonObject object) {
      if (!(rendition instanceof JsonObject out)) {
        lost.add(at + ": an object became " + rendition);
        return;
      }
      if (where == At.SCHEMA && object.containsKey("$ref") && object.size() > 1) {
        // 3.0 ignores the siblings of a $ref; they stay beside an allOf of it.
        if (!new JsonArray().add(new JsonObject().put("$ref", object.getValue("$ref"))).equals(out.getValue("allOf"))) {
          lost.add(at + ": the $ref with siblings is not an allOf of it");
        }
        object = object.copy();
        object.remove("$ref");
      } else if (where == At.OTHER && object.containsKey("$ref")) {
        // A 3.0 Reference Object has no summary or description of its own: 3.0 cannot say them.
        object = object.copy();
        object.remove("summary");
        object.remove("description");
      }
      for (Map.Entry<String, Object> field : object) {
        String key = field.getKey();
        Object value = field.getValue();
        String here = at + "/" + key.replace("~", "~0").replace("/", "~1");
        if (where == At.SCHEMA && inThe30Words(key, value, out, here, lost)) {
          continue;
        }
        if (where == At.SCHEMA && (key.equals("unevaluatedProperties") || key.equals("propertyNames"))) {
          // 3.0 cannot say them: its schema has no propertyNames, and its additionalProperties would
          // refuse what a schema's allOf brings in. The descriptions still say what they refuse.
          continue;
        }
        if (at.equals("#") && key.equals("openapi")) {
          continue; // 3.1.x became 3.0.x: checked on its own
        }
        if (at.equals("#/info") && key.equals("summary")) {
          continue; // checked by the caller: the description's first paragraph
        }
        if (at.equals("#/info/license") && key.equals("identifier")) {
          continue; // checked by the caller: SPDX's page for it
        }
        if (!out.containsKey(key)) {
          lost.add(here + ": missing");
        } else if (at.equals("#/info") && key.equals("description")) {
          if (!out.getString(key).contains(((String) value).strip())) {
            lost.add(here + ": does not say what the file says");
          }
        } else {
          said(value, out.getValue(key), here, inside(where, key), lost);
        }
      }
    } else if (source instanceof JsonArray array) {
      if (!(rendition instanceof JsonArray out) || out.size() != array.size()) {
        lost.add(at + ": " + array + " became " + rendition);
        return;
      }
      for (int i = 0; i < array.size(); i++) {
        said(array.getValue(i), out.getValue(i), at + "/" + i, where == At.SCHEMAS ? At.SCHEMA : At.OTHER, lost);
      }
    } else if (!Objects.equals(source, rendition)) {
      lost.add(at + ": " + source + " became " + rendition);
    }
  }

  /** A schema field that 3.1 says one way and 3.0 another: checked here, true when it was one. */
  private static boolean inThe30Words(String key, Object value, JsonObject out, String at, List<String> lost) {
    switch (key) {
      case "type" -> {
        if (!(value instanceof JsonArray types)) {
          return false;
        }
        List<Object> others = types.stream().filter(type -> !"null".equals(type)).toList();
        boolean nullable = types.contains("null");
        if (others.size() != 1 || !others.get(0).equals(out.getValue("type"))
            || nullable != Boolean.TRUE.equals(out.getValue("nullable"))) {
          lost.add(at + ": " + types + " became type " + out.getValue("type") + ", nullable " + out.getValue("nullable"));
        }
        return true;
      }
      case "const" -> {
        if (!new JsonArray().add(value).equals(out.getValue("enum"))) {
          lost.add(at + ": const " + value + " became enum " + out.getValue("enum"));
        }
        return true;
      }
      case "examples" -> {
        if (!(value instanceof JsonArray examples)) {
          return false;
        }
        if (!examples.isEmpty() && !Objects.equals(examples.getValue(0), out.getValue("example"))) {
          lost.add(at + ": the first of " + examples + " is not the example");
        }
        return true;
      }
      case "exclusiveMinimum", "exclusiveMaximum" -> {
        if (!(value instanceof Number bound)) {
          return false;
        }
        String inclusive = key.equals("exclusiveMinimum") ? "minimum" : "maximum";
        if (!Boolean.TRUE.equals(out.getValue(key)) || !(out.getValue(inclusive) instanceof Number rendered)
            || rendered.doubleValue() != bound.doubleValue()) {
          lost.add(at + ": " + bound + " became " + inclusive + " " + out.getValue(inclusive) + ", " + key + " " + out.getValue(key));
        }
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /** Adds to {@code problems} what 3.0 cannot read: type arrays, const, schema examples, numeric exclusive bounds, 3.1's fields. */
  private static void only30(Object node, String at, At where, List<String> problems) {
    if (node instanceof JsonObject object) {
      if (where == At.SCHEMA) {
        if (object.getValue("type") instanceof JsonArray || "null".equals(object.getValue("type"))) {
          problems.add(at + ": type " + object.getValue("type"));
        }
        for (String bound : List.of("exclusiveMinimum", "exclusiveMaximum")) {
          if (object.containsKey(bound) && !(object.getValue(bound) instanceof Boolean)) {
            problems.add(at + ": " + bound + " " + object.getValue(bound));
          }
        }
        unknownFields(object, SCHEMA_FIELDS, at, problems);
      }
      for (Map.Entry<String, Object> field : object) {
        only30(field.getValue(), at + "/" + field.getKey(), inside(where, field.getKey()), problems);
      }
    } else if (node instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        only30(array.getValue(i), at + "/" + i, where == At.SCHEMAS ? At.SCHEMA : At.OTHER, problems);
      }
    }
  }

  /** What the value of {@code key} is, in a node that is {@code where}. */
  private static At inside(At where, String key) {
    if (where == At.DATA || key.startsWith("x-")) {
      return At.DATA;
    }
    return switch (where) {
      case SCHEMAS -> At.SCHEMA;
      case SCHEMA -> switch (key) {
        case "items", "not", "additionalProperties" -> At.SCHEMA;
        case "properties", "allOf", "anyOf", "oneOf" -> At.SCHEMAS;
        case "enum", "example", "examples", "default" -> At.DATA;
        default -> At.OTHER;
      };
      default -> switch (key) {
        case "schema" -> At.SCHEMA;
        case "schemas" -> At.SCHEMAS;
        case "example", "examples" -> At.DATA;
        default -> At.OTHER;
      };
    };
  }

  private static void unknownFields(JsonObject object, Set<String> fields, String at, List<String> problems) {
    for (String key : object.fieldNames()) {
      if (!fields.contains(key) && !key.startsWith("x-")) {
        problems.add(at + ": '" + key + "' is not an OpenAPI 3.0 field here");
      }
    }
  }

  private static Object parseYaml(String yaml) {
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
  }
}
