package com.contoso.lro.contract;

import com.contoso.lro.ServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static com.contoso.lro.GraphErrors.assertGraphError;
import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /beta/$metadata over HTTP: the CSDL made from openapi.yaml, as application/xml, without a
 * token as on Graph; any other Accept, method or query option is refused in Graph's error shape.
 * (ODataClientTest reads it with an OData client.)
 */
class MetadataTest extends ServiceTest {

  private static final String METADATA = "/beta/$metadata";

  @Test
  void metadata_is_served_without_a_token_as_xml_made_from_the_contract() throws IOException {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.GET, METADATA).send());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/xml");
    assertThat(response.getHeader("request-id")).isNotBlank();
    assertThat(response.bodyAsString()).isEqualTo(ServiceMetadata.of(
      ServedContract.parse(Files.readString(Path.of("openapi.yaml"))).tree()).document().toString());
  }

  @Test
  void a_token_on_the_metadata_request_is_not_looked_at() {
    String expired = service.tokens.user().expiresAt(java.time.Instant.now().minusSeconds(3600)).sign();

    assertThat(service.call(HttpMethod.GET, METADATA, expired, null).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/xml", "*/*", "application/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
  void an_accept_that_takes_xml_gets_the_document(String accept) {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.GET, METADATA).putHeader("Accept", accept).send());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/xml");
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json", "text/xml", "application/xml;q=0, application/json"})
  void an_accept_without_xml_is_a_406_notAcceptable(String accept) {
    HttpResponse<Buffer> response = await(request(HttpMethod.GET, METADATA, null).putHeader("Accept", accept).send());

    assertGraphError(response, 406, "notAcceptable");
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/xml;q=abc", ";;;", ",", "=", "application", "/xml", "application/xml;q=2", "*/*;q=-1"})
  void a_malformed_accept_is_answered_never_a_500(String accept) {
    HttpResponse<Buffer> response = await(request(HttpMethod.GET, METADATA, null).putHeader("Accept", accept).send());

    assertThat(response.statusCode()).as(accept).isIn(200, 406);
    if (response.statusCode() == 406) {
      assertGraphError(response, 406, "notAcceptable");
    }
  }

  @Test
  void another_method_is_a_405() {
    String token = service.tokens.user().sign();

    assertGraphError(await(request(HttpMethod.POST, METADATA, token).sendJsonObject(new JsonObject())), 405, "methodNotAllowed");
    assertGraphError(await(request(HttpMethod.DELETE, METADATA, token).send()), 405, "methodNotAllowed");
  }

  @Test
  void a_query_option_it_does_not_take_is_a_400_naming_it() {
    HttpResponse<Buffer> response = await(request(HttpMethod.GET, METADATA + "?$format=json", null).send());

    assertGraphError(response, 400, "badRequest");
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("target")).isEqualTo("$format");
  }

  @Test
  void the_operations_still_need_a_token() {
    HttpResponse<Buffer> response = await(request(HttpMethod.GET, "/beta/me/authentication/operations", null).send());

    assertGraphError(response, 401, "unauthorized");
  }

  /** A request with a client-request-id, which a Graph error echoes, and a token when not null. */
  private static HttpRequest<Buffer> request(HttpMethod method, String path, String token) {
    HttpRequest<Buffer> request = service.request(method, path).putHeader("client-request-id", UUID.randomUUID().toString());
    return token == null ? request : request.bearerTokenAuthentication(token);
  }
}
