package com.contoso.lro.http;

import com.contoso.lro.TestService;
import com.contoso.lro.config.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With TLS_CERT_FILE and TLS_KEY_FILE the port speaks HTTPS, and the links it gives name https. */
@ExtendWith(VertxExtension.class)
class TlsTest {

  private static SelfSignedCertificate certificate;
  private static TestService service;
  private static WebClient https;

  @BeforeAll
  static void startOverHttps(Vertx vertx, VertxTestContext test) {
    certificate = SelfSignedCertificate.create("localhost");
    https = WebClient.create(vertx, new WebClientOptions().setSsl(true)
      .setTrustOptions(new PemTrustOptions().addCertPath(certificate.certificatePath())));
    TestService.start(vertx, Map.of("TLS_CERT_FILE", certificate.certificatePath(),
        "TLS_KEY_FILE", certificate.privateKeyPath()))
      .onComplete(test.succeeding(started -> {
        service = started;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    https.close();
    certificate.delete();
    service.stop().onComplete(test.succeedingThenComplete());
  }

  @Test
  void a_create_over_https_links_to_the_operation_over_https() {
    HttpResponse<Buffer> created = await(https.request(HttpMethod.POST, service.port, "localhost", TestService.OPERATIONS)
      .bearerTokenAuthentication(service.tokens.user().sign())
      .sendJsonObject(new JsonObject().put("status", "running")));

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.getHeader("Location")).startsWith("https://localhost:" + service.port + "/beta/users/");
    assertThat(created.bodyAsJsonObject().getString("@odata.context")).startsWith("https://localhost:" + service.port + "/beta/");

    HttpResponse<Buffer> read = await(https.getAbs(created.getHeader("Location"))
      .bearerTokenAuthentication(service.tokens.user().claim("oid", created.bodyAsJsonObject()
        .getString("@odata.context").replaceAll(".*users\\('([^']+)'\\).*", "$1")).sign())
      .send());
    assertThat(read.statusCode()).isEqualTo(200);
  }

  @Test
  void a_batch_over_https_sends_its_requests_back_over_https_and_their_links_name_https() {
    JsonObject batch = new JsonObject().put("requests", new JsonArray().add(new JsonObject().put("id", "1").put("method", "POST")
      .put("url", "/me/authentication/operations").put("headers", new JsonObject().put("Content-Type", "application/json"))
      .put("body", new JsonObject().put("status", "running"))));

    HttpResponse<Buffer> answer = await(https.request(HttpMethod.POST, service.port, "localhost", "/beta/$batch")
      .bearerTokenAuthentication(service.tokens.user().sign())
      .sendJsonObject(batch));

    assertThat(answer.statusCode()).isEqualTo(200);
    JsonObject created = answer.bodyAsJsonObject().getJsonArray("responses").getJsonObject(0);
    assertThat(created.getInteger("status")).as(answer.bodyAsString()).isEqualTo(201);
    assertThat(created.getJsonObject("headers").getString("location")).startsWith("https://localhost:" + service.port + "/beta/users/");
  }

  @Test
  void the_served_contract_names_the_https_service_root() {
    HttpResponse<Buffer> contract = await(https.get(service.port, "localhost", "/openapi.json").send());

    assertThat(contract.bodyAsJsonObject().getJsonArray("servers").getJsonObject(0).getString("url"))
      .isEqualTo("https://localhost:" + service.port + "/beta");
  }

  @Test
  void plain_http_gets_no_answer_on_the_https_port() {
    assertThatThrownBy(() -> await(service.request(HttpMethod.GET, "/health/live").send()))
      .hasStackTraceContaining("Connection");
  }

  @Test
  void a_certificate_without_its_key_or_a_key_without_its_certificate_is_refused_at_start() {
    assertThatThrownBy(() -> AppConfig.from(Map.of("TLS_CERT_FILE", "/etc/lro/cert.pem")))
      .hasMessageContaining("TLS_CERT_FILE and TLS_KEY_FILE");
    assertThatThrownBy(() -> AppConfig.from(Map.of("TLS_KEY_FILE", "/etc/lro/key.pem")))
      .hasMessageContaining("TLS_CERT_FILE and TLS_KEY_FILE");
    assertThat(AppConfig.from(Map.of()).connections().tls()).isEmpty();
  }
}
