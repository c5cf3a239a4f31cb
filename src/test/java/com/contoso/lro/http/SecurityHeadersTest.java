package com.contoso.lro.http;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every response says X-Content-Type-Options: nosniff; the API's answers, errors, health and metrics
 * also say Cache-Control: no-store, while the reference page and Swagger UI's files keep their caching.
 */
class SecurityHeadersTest extends ServiceTest {

  @Test
  void a_created_operation_and_its_list_are_neither_sniffed_nor_stored() {
    String token = service.tokens.user().sign();

    HttpResponse<Buffer> created = service.create(token, new JsonObject());
    HttpResponse<Buffer> list = service.call(HttpMethod.GET, TestService.OPERATIONS, token, null);
    HttpResponse<Buffer> count = service.call(HttpMethod.GET, TestService.OPERATIONS + "/$count", token, null);

    for (HttpResponse<Buffer> response : List.of(created, list, count)) {
      assertThat(response.statusCode()).isLessThan(300);
      assertNosniffAndNoStore(response);
    }
  }

  @Test
  void an_error_is_neither_sniffed_nor_stored() {
    HttpResponse<Buffer> unauthorized = await(service.request(HttpMethod.GET, TestService.OPERATIONS).send());
    HttpResponse<Buffer> notFound = await(service.request(HttpMethod.GET, "/nothing/here").send());
    HttpResponse<Buffer> badBody = await(service.request(HttpMethod.POST, TestService.OPERATIONS)
      .bearerTokenAuthentication(service.tokens.user().sign())
      .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{")));

    assertThat(unauthorized.statusCode()).isEqualTo(401);
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(badBody.statusCode()).isEqualTo(400);
    assertNosniffAndNoStore(unauthorized);
    assertNosniffAndNoStore(notFound);
    assertNosniffAndNoStore(badBody);
  }

  @ParameterizedTest(name = "GET {0}")
  @CsvSource({"/health/live", "/health/ready", "/metrics", "/openapi.yaml", "/openapi.json"})
  void health_metrics_and_the_contract_are_neither_sniffed_nor_stored(String path) {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.GET, path).send());

    assertThat(response.statusCode()).isEqualTo(200);
    assertNosniffAndNoStore(response);
  }

  @Test
  void the_reference_page_is_not_sniffed_and_keeps_its_own_caching() {
    HttpResponse<Buffer> page = await(service.request(HttpMethod.GET, "/docs").send());
    HttpResponse<Buffer> styles = await(service.request(HttpMethod.GET, "/docs/swagger-ui.css").send());

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(page.getHeader("Cache-Control")).isEqualTo("no-cache");
    assertThat(styles.statusCode()).isEqualTo(200);
    assertThat(styles.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(styles.getHeader("Cache-Control")).isNotEqualTo("no-store");
  }

  private static void assertNosniffAndNoStore(HttpResponse<Buffer> response) {
    assertThat(response.getHeader("X-Content-Type-Options")).as("X-Content-Type-Options").isEqualTo("nosniff");
    assertThat(response.getHeader("Cache-Control")).as("Cache-Control").isEqualTo("no-store");
  }
}
