package com.contoso.lro.contract;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The served copies of a contract: its text and its JSON are the file's, but for the server URL. */
class ServedContractTest {

  private static final String CONTRACT = """
    # a comment that a parser would drop
    openapi: 3.1.0
    info: {title: "Zoë's 𝄞 API", version: 1.0.0}
    servers:
      - url: http://localhost:8080/beta   # the development instance
        description: dev
    paths:
      /things:
        get:
          operationId: listThings
          responses:
            200:
              description: ok
              content:
                application/json:
                  example: {since: 2026-11-28T10:15:30.120Z, day: 2026-11-28}
    """;

  @Test
  void the_yaml_is_the_files_text_with_only_the_server_url_replaced() {
    String served = ServedContract.parse(CONTRACT).yaml("https://lro.contoso.com/beta").toString();

    assertThat(served).isEqualTo(CONTRACT.replace("http://localhost:8080/beta", "https://lro.contoso.com/beta"));
  }

  @Test
  void a_server_url_that_cannot_stand_plain_in_yaml_is_quoted_and_reads_back_as_itself() {
    String odd = "http://host #not-a-comment: x\n/beta";

    String served = ServedContract.parse(CONTRACT).yaml(odd).toString();

    Map<String, Object> parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(served);
    assertThat(firstServerUrl(new JsonObject(parsed))).isEqualTo(odd);
  }

  @Test
  void the_json_has_the_files_content_in_its_order_with_dates_kept_as_written() {
    JsonObject json = new JsonObject(ServedContract.parse(CONTRACT).json("http://h:1/beta").toString());

    assertThat(firstServerUrl(json)).isEqualTo("http://h:1/beta");
    assertThat(json.getJsonArray("servers").getJsonObject(0).getString("description")).isEqualTo("dev");
    assertThat(json.fieldNames()).containsExactly("openapi", "info", "servers", "paths");
    assertThat(json.getJsonObject("info").getString("title")).isEqualTo("Zoë's 𝄞 API");
    JsonObject example = json.getJsonObject("paths").getJsonObject("/things").getJsonObject("get").getJsonObject("responses")
      .getJsonObject("200").getJsonObject("content").getJsonObject("application/json").getJsonObject("example");
    assertThat(example.getMap()).containsExactly(Map.entry("since", "2026-11-28T10:15:30.120Z"), Map.entry("day", "2026-11-28"));
  }

  @Test
  void a_contract_without_a_server_url_is_refused_at_start_up() {
    assertThatThrownBy(() -> ServedContract.parse("openapi: 3.1.0\npaths: {}\n"))
      .isInstanceOf(IllegalStateException.class)
      .hasMessageContaining("servers[0].url");
  }

  private static String firstServerUrl(JsonObject contract) {
    return contract.getJsonArray("servers").getJsonObject(0).getString("url");
  }
}
