package com.contoso.lro;

import com.contoso.lro.TestTokens.Token;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpResponse;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.entity.BufferedHttpEntity;
import org.apache.http.impl.client.DefaultHttpClient;
import org.apache.http.protocol.HttpContext;
import org.apache.http.util.EntityUtils;
import org.apache.olingo.client.api.EdmEnabledODataClient;
import org.apache.olingo.client.api.communication.response.ODataRetrieveResponse;
import org.apache.olingo.client.api.domain.ClientEntity;
import org.apache.olingo.client.api.domain.ClientEntitySet;
import org.apache.olingo.client.core.ODataClientFactory;
import org.apache.olingo.client.core.http.DefaultHttpClientFactory;
import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmBindingTarget;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmEnumType;
import org.apache.olingo.commons.api.edm.EdmNavigationProperty;
import org.apache.olingo.commons.api.edm.EdmStructuredType;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.apache.olingo.commons.api.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Apache Olingo's OData v4 client ({@code org.apache.olingo:odata-client-core}), an OData client that
 * knows nothing of this service, reads its {@code $metadata} as an OData service's, and with it lists
 * a user's operations with {@code $filter} and {@code $top}, following {@code @odata.nextLink} page
 * by page; and every {@code @odata.context} the service sends names a path of that metadata. The
 * client sends the bearer token on every request; every answer it gets is checked against openapi.yaml.
 */
class ODataClientTest extends ServiceTest {

  private static final FullQualifiedName OPERATION = new FullQualifiedName("microsoft.graph", "longRunningOperation");

  @Test
  void olingo_reads_the_metadata_as_graphs_entity_longRunningOperation_its_status_and_the_path_to_them() {
    Edm edm = client(service.tokens.user()).getCachedEdm();

    EdmEntityType operation = edm.getEntityType(OPERATION);
    assertThat(operation).as("microsoft.graph.longRunningOperation").isNotNull();
    assertThat(operation.getBaseType().getFullQualifiedName()).isEqualTo(new FullQualifiedName("microsoft.graph", "entity"));
    assertThat(operation.getBaseType().isAbstract()).isTrue();
    assertThat(operation.getKeyPredicateNames()).containsExactly("id");
    assertThat(operation.getPropertyNames()).containsExactlyInAnyOrder("id", "createdDateTime", "lastActionDateTime",
      "resourceLocation", "status", "statusDetail");
    assertThat(operation.getStructuralProperty("createdDateTime").getType().getFullQualifiedName().getFullQualifiedNameAsString())
      .isEqualTo("Edm.DateTimeOffset");
    assertThat(operation.getStructuralProperty("id").isNullable()).isFalse();

    EdmEnumType status = edm.getEnumType(new FullQualifiedName("microsoft.graph", "longRunningOperationStatus"));
    assertThat(status.getMemberNames()).containsExactly("notStarted", "running", "succeeded", "failed", "unknownFutureValue");
    assertThat(operation.getStructuralProperty("status").getType()).isEqualTo(status);

    EdmBindingTarget users = edm.getEntityContainer().getEntitySet("users");
    EdmBindingTarget me = edm.getEntityContainer().getSingleton("me");
    assertThat(users.getEntityType()).isEqualTo(me.getEntityType());
    EdmNavigationProperty authentication = users.getEntityType().getNavigationProperty("authentication");
    assertThat(authentication.containsTarget()).isTrue();
    assertThat(authentication.isCollection()).isFalse();
    EdmNavigationProperty operations = authentication.getType().getNavigationProperty("operations");
    assertThat(operations.containsTarget()).isTrue();
    assertThat(operations.isCollection()).isTrue();
    assertThat(operations.getType()).isEqualTo(operation);
  }

  @Test
  void olingo_lists_with_filter_and_top_and_follows_each_next_link_to_the_last_page() {
    Token user = service.tokens.user();
    String token = user.sign();
    Set<String> running = new TreeSet<>();
    for (int i = 0; i < 5; i++) {
      running.add(service.create(token, new JsonObject().put("status", "running").put("statusDetail", "step " + i))
        .bodyAsJsonObject().getString("id"));
      service.create(token, new JsonObject().put("status", "failed"));
    }
    EdmEnabledODataClient client = client(user);

    URI next = client.newURIBuilder(root()).appendSingletonSegment("me").appendNavigationSegment("authentication")
      .appendNavigationSegment("operations").filter("status eq 'running'").top(2).build();
    List<Integer> pageSizes = new ArrayList<>();
    Set<String> listed = new TreeSet<>();
    while (next != null) {
      ODataRetrieveResponse<ClientEntitySet> response = client.getRetrieveRequestFactory().getEntitySetRequest(next).execute();
      ClientEntitySet page = response.getBody();
      pageSizes.add(page.getEntities().size());
      for (ClientEntity entity : page.getEntities()) {
        assertThat(entity.getTypeName()).isEqualTo(OPERATION);
        assertThat(entity.getProperty("status").getEnumValue().getValue()).isEqualTo("running");
        assertThat(listed.add(entity.getProperty("id").getPrimitiveValue().toString())).as("each item once").isTrue();
      }
      next = page.getNext();
    }

    assertThat(pageSizes).containsExactly(2, 2, 1);
    assertThat(listed).isEqualTo(running);
  }

  @Test
  void every_odata_context_the_service_sends_names_a_path_of_the_metadata() {
    Token user = service.tokens.user();
    String token = user.sign();
    String id = service.create(token, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");
    Edm edm = client(user).getCachedEdm();

    Map<String, String> contexts = new HashMap<>();
    for (String root : List.of("/beta/me", "/beta/user", "/beta/users/" + user.oid())) {
      String operations = root + "/authentication/operations";
      contexts.put("list " + operations, context(service.call(io.vertx.core.http.HttpMethod.GET, operations + "?$top=1", token, null)));
      contexts.put("get " + operations, context(service.call(io.vertx.core.http.HttpMethod.GET, operations + "/" + id
        + "?$select=status", token, null)));
      contexts.put("update " + operations, context(service.call(io.vertx.core.http.HttpMethod.PATCH, operations + "/" + id, token,
        new JsonObject().put("statusDetail", root))));
    }
    contexts.put("create", context(service.create(token, new JsonObject())));

    contexts.forEach((call, context) -> {
      assertThat(context).as(call).startsWith(root() + "/$metadata#");
      String fragment = context.substring((root() + "/$metadata#").length());
      boolean entity = fragment.endsWith("/$entity");
      EdmNavigationProperty last = resolve(edm, entity ? fragment.substring(0, fragment.length() - "/$entity".length()) : fragment);
      assertThat(last.getType().getFullQualifiedName()).as(call).isEqualTo(OPERATION);
      assertThat(last.isCollection()).as(call + ": a collection, of which $entity names one").isTrue();
    });
  }

  // ---- resolving a context URL's path over the Edm that Olingo read

  /**
   * The navigation property that a context path such as {@code users('id')/authentication/operations}
   * ends with: its first segment an entity set (with a key) or a singleton of the container, each
   * later one a navigation property of the type before it.
   */
  private static EdmNavigationProperty resolve(Edm edm, String path) {
    String[] segments = path.split("/");
    String first = segments[0];
    EdmStructuredType type;
    int key = first.indexOf('(');
    if (key >= 0) {
      assertThat(first).as(path).endsWith(")");
      type = edm.getEntityContainer().getEntitySet(first.substring(0, key)).getEntityType();
    } else {
      type = edm.getEntityContainer().getSingleton(first).getEntityType();
    }
    EdmNavigationProperty navigation = null;
    for (int i = 1; i < segments.length; i++) {
      navigation = type.getNavigationProperty(segments[i]);
      assertThat(navigation).as(segments[i] + " in " + path).isNotNull();
      type = navigation.getType();
    }
    assertThat(navigation).as(path + " names a navigation").isNotNull();
    return navigation;
  }

  private static String context(io.vertx.ext.web.client.HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isBetween(200, 201);
    return response.bodyAsJsonObject().getString("@odata.context");
  }

  // ---- Olingo, as any OData service's client, but for the token and the contract's check

  private static String root() {
    return "http://localhost:" + service.port + "/beta";
  }

  /** Olingo's client that reads the service's $metadata first, sending {@code user}'s token on every request. */
  private static EdmEnabledODataClient client(Token user) {
    EdmEnabledODataClient client = ODataClientFactory.getEdmEnabledClient(root());
    String authorization = "Bearer " + user.sign();
    client.getConfiguration().setHttpClientFactory(new DefaultHttpClientFactory() {
      @Override
      public DefaultHttpClient create(HttpMethod method, URI uri) {
        DefaultHttpClient http = super.create(method, uri);
        http.addRequestInterceptor((request, context) -> request.setHeader("Authorization", authorization));
        http.addResponseInterceptor(ODataClientTest::conforming);
        return http;
      }
    });
    return client;
  }

  /** Every answer Olingo receives is checked against openapi.yaml too. */
  private static void conforming(HttpResponse response, HttpContext context) throws IOException {
    Map<String, String> headers = new HashMap<>();
    for (Header header : response.getAllHeaders()) {
      headers.put(header.getName(), header.getValue());
    }
    byte[] body = null;
    HttpEntity entity = response.getEntity();
    if (entity != null) {
      BufferedHttpEntity buffered = new BufferedHttpEntity(entity);
      response.setEntity(buffered);
      body = EntityUtils.toByteArray(buffered);
    }
    var request = HttpClientContext.adapt(context).getRequest().getRequestLine();
    TestService.await(service.conformance.check(request.getMethod(), URI.create(request.getUri()).getRawPath(),
      response.getStatusLine().getStatusCode(), headers, body == null || body.length == 0 ? null : Buffer.buffer(body)));
  }
}
