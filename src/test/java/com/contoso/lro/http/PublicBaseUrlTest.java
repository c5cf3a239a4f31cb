package com.contoso.lro.http;

import com.contoso.lro.ServiceEnv;
import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.Test;


import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a proxy, PUBLIC_BASE_URL, not the Host header, names the service in Location and
 * @odata.context, and as the server of the served contract.
 */
@ServiceEnv({"PUBLIC_BASE_URL=https://lro.contoso.com/"})
class PublicBaseUrlTest extends ServiceTest {

  @Test
  void links_use_the_public_base_url_whatever_host_the_client_sent() {
    var user = service.tokens.user();

    var response = await(service.request(io.vertx.core.http.HttpMethod.POST, TestService.OPERATIONS)
      .putHeader("Host", "attacker.example")
      .bearerTokenAuthentication(user.sign())
      .sendJsonObject(new JsonObject()));

    String id = response.bodyAsJsonObject().getString("id");
    assertThat(response.getHeader("Location"))
      .isEqualTo("https://lro.contoso.com/beta/users/" + user.oid() + "/authentication/operations/" + id);
    assertThat(response.bodyAsJsonObject().getString("@odata.context"))
      .startsWith("https://lro.contoso.com/beta/$metadata#users('" + user.oid() + "')");
  }

  @Test
  void the_served_contract_names_the_public_base_url_whatever_host_the_client_sent() {
    var yaml = await(service.request(io.vertx.core.http.HttpMethod.GET, "/openapi.yaml")
      .putHeader("Host", "attacker.example").send());
    var json = await(service.request(io.vertx.core.http.HttpMethod.GET, "/openapi.json")
      .putHeader("Host", "attacker.example").send());

    assertThat(yaml.bodyAsString()).contains("  - url: https://lro.contoso.com/beta\n").doesNotContain("attacker.example");
    assertThat(json.bodyAsJsonObject().getJsonArray("servers").getJsonObject(0).getString("url"))
      .isEqualTo("https://lro.contoso.com/beta");
  }

  @Test
  void an_http_1_0_request_without_host_is_served_too(Vertx vertx) {
    String token = service.tokens.user().sign();
    NetSocket socket = await(vertx.createNetClient().connect(service.port, "127.0.0.1"));
    StringBuilder received = new StringBuilder();
    socket.handler(buffer -> received.append(buffer.toString()));
    io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
    socket.closeHandler(v -> closed.complete());

    socket.write("POST " + TestService.OPERATIONS + " HTTP/1.0\r\n"
      + "Authorization: Bearer " + token + "\r\n"
      + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    await(closed.future());

    assertThat(received.toString()).startsWith("HTTP/1.0 201").contains("location: https://lro.contoso.com/beta/users/");
  }
}
