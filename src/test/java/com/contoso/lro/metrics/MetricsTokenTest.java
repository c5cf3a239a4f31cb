package com.contoso.lro.metrics;

import com.contoso.lro.ServiceEnv;
import com.contoso.lro.ServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

/** With METRICS_REQUIRE_TOKEN=true, /metrics takes the tokens the API takes, and answers others as the API does. */
@ServiceEnv("METRICS_REQUIRE_TOKEN=true")
class MetricsTokenTest extends ServiceTest {

  @Test
  void without_a_token_metrics_are_401_with_a_graph_error_and_a_bearer_challenge() {
    HttpResponse<Buffer> response = await(service.request(GET, MetricsRoutes.PATH).send());

    assertUnauthorized(response);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
  }

  @Test
  void an_expired_token_is_401_invalid_token() {
    HttpResponse<Buffer> response = await(service.request(GET, MetricsRoutes.PATH)
      .bearerTokenAuthentication(service.tokens.user().expiresAt(Instant.now().minusSeconds(600)).sign()).send());

    assertUnauthorized(response);
    assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
  }

  @Test
  void a_token_the_api_accepts_gets_the_metrics() {
    HttpResponse<Buffer> response = await(service.request(GET, MetricsRoutes.PATH)
      .bearerTokenAuthentication(service.tokens.user().sign()).send());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).contains("lro_created_operations_total");
  }

  @Test
  void an_app_only_token_as_a_scraper_gets_with_client_credentials_is_enough() {
    HttpResponse<Buffer> response = await(service.request(GET, MetricsRoutes.PATH)
      .bearerTokenAuthentication(service.tokens.user().appOnly().sign()).send());

    assertThat(response.statusCode()).isEqualTo(200);
  }

  private static void assertUnauthorized(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(401);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("unauthorized");
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getJsonObject("innerError").getString("request-id")).isEqualTo(response.getHeader("request-id"));
    assertThat(response.bodyAsString()).doesNotContain("lro_");
  }
}
