package com.contoso.lro.contract;

import com.contoso.lro.ServiceTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /openapi.yaml, /openapi.json and /docs: the contract as the file has it, naming the server the
 * client called, and Swagger UI over it; none needs a token.
 */
class ContractDocsTest extends ServiceTest {

  private static final String FILE_SERVER_URL = "http://localhost:8080/beta";

  @Test
  void the_yaml_is_the_contract_file_naming_the_server_the_client_called_without_a_token() throws IOException {
    HttpResponse<Buffer> response = await(service.request(GET, "/openapi.yaml").send());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/yaml");
    String file = Files.readString(Path.of(ContractLoader.CONTRACT));
    assertThat(file).contains("url: " + FILE_SERVER_URL);
    assertThat(response.bodyAsString())
      .isEqualTo(file.replace("url: " + FILE_SERVER_URL, "url: http://localhost:" + service.port + "/beta"));
  }

  @Test
  void the_json_and_the_yaml_are_one_contract_with_every_operation_of_the_file(Vertx vertx) {
    HttpResponse<Buffer> yaml = await(service.request(GET, "/openapi.yaml").send());
    HttpResponse<Buffer> json = await(service.request(GET, "/openapi.json").send());

    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.getHeader("Content-Type")).isEqualTo("application/json");
    JsonObject fromJson = json.bodyAsJsonObject();
    assertThat(fromJson).isEqualTo(new JsonObject(Json.encode(parseYaml(yaml.bodyAsString()))));

    OpenAPIContract served = await(OpenAPIContract.from(vertx, ContractLoader.withoutUnsupportedResponseMedia(fromJson)));
    Set<String> servedIds = served.operations().stream().map(Operation::getOperationId).collect(Collectors.toSet());
    Set<String> fileIds = await(ContractLoader.load(vertx)).operations().stream()
      .map(Operation::getOperationId).collect(Collectors.toSet());
    assertThat(servedIds).hasSize(20).isEqualTo(fileIds);
  }

  @Test
  void without_public_base_url_both_name_the_host_the_client_called() {
    HttpResponse<Buffer> yaml = await(service.request(GET, "/openapi.yaml").putHeader("Host", "lro.example.test:9443").send());
    HttpResponse<Buffer> json = await(service.request(GET, "/openapi.json").putHeader("Host", "lro.example.test:9443").send());

    assertThat(serverUrl(new JsonObject(Json.encode(parseYaml(yaml.bodyAsString())))))
      .isEqualTo("http://lro.example.test:9443/beta");
    assertThat(serverUrl(json.bodyAsJsonObject())).isEqualTo("http://lro.example.test:9443/beta");
  }

  @Test
  void docs_is_swagger_ui_over_openapi_yaml_without_a_token() {
    HttpResponse<Buffer> page = await(service.request(GET, "/docs").send());

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(page.getHeader("Content-Security-Policy")).contains("default-src 'self'");
    assertThat(page.bodyAsString()).contains("<div id=\"swagger-ui\">", "/docs/swagger-initializer.js");
    assertThat(await(service.request(GET, "/docs/").send()).bodyAsString()).isEqualTo(page.bodyAsString());

    HttpResponse<Buffer> initializer = await(service.request(GET, "/docs/swagger-initializer.js").send());
    assertThat(initializer.statusCode()).isEqualTo(200);
    assertThat(initializer.bodyAsString()).contains("url: '/openapi.yaml'").doesNotContain("petstore");
  }

  @Test
  void every_file_the_page_names_is_served() {
    String html = await(service.request(GET, "/docs").send()).bodyAsString();
    List<String> assets = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html).results()
      .map(found -> found.group(1)).toList();
    assertThat(assets).contains("/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/openapi.yaml", "/openapi-3.0.yaml");

    for (String asset : assets) {
      HttpResponse<Buffer> response = await(service.request(GET, asset).send());
      assertThat(response.statusCode()).as(asset).isEqualTo(200);
      assertThat(response.body().length()).as(asset).isPositive();
      assertThat(response.getHeader("Content-Type")).as(asset).startsWith(expectedType(asset));
    }
    assertThat(await(service.request(GET, "/docs/swagger-ui-bundle.js").send()).bodyAsString()).contains("SwaggerUIBundle");
  }

  @Test
  void an_unknown_file_under_docs_is_a_graph_404() {
    HttpResponse<Buffer> response = await(service.request(GET, "/docs/no-such-file.js").send());

    assertThat(response.statusCode()).isEqualTo(404);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("notFound");
    assertThat(error.getJsonObject("innerError").getString("request-id")).isEqualTo(response.getHeader("request-id"));
  }

  private static String expectedType(String asset) {
    Matcher extension = Pattern.compile("\\.(\\w+)$").matcher(asset);
    assertThat(extension.find()).as(asset).isTrue();
    return switch (extension.group(1)) {
      case "js" -> "text/javascript";
      case "css" -> "text/css";
      case "png" -> "image/png";
      case "yaml" -> "application/yaml";
      case "json" -> "application/json";
      default -> throw new AssertionError("unexpected asset " + asset);
    };
  }

  private static Object parseYaml(String yaml) {
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
  }

  private static String serverUrl(JsonObject contract) {
    return contract.getJsonArray("servers").getJsonObject(0).getString("url");
  }
}
