package com.contoso.lro;

import com.contoso.lro.TestTokens.Token;
import com.microsoft.graph.beta.models.LongRunningOperation;
import com.microsoft.graph.beta.models.LongRunningOperationCollectionResponse;
import com.microsoft.graph.beta.models.LongRunningOperationStatus;
import com.microsoft.graph.beta.models.odataerrors.InnerError;
import com.microsoft.graph.beta.models.odataerrors.ODataError;
import com.microsoft.graph.beta.serviceclient.GraphServiceClient;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.beta.users.item.UserItemRequestBuilder;
import com.microsoft.graph.beta.users.item.authentication.operations.OperationsRequestBuilder;
import com.microsoft.graph.core.tasks.PageIterator;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import io.vertx.core.buffer.Buffer;
import okhttp3.Interceptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * The official Microsoft Graph beta Java SDK ({@code com.microsoft.graph:microsoft-graph-beta}), used
 * exactly as against graph.microsoft.com, works unchanged against this service: through
 * {@code client.me()} and {@code client.users().byUserId(oid)} alike. Only the base URL and the token
 * differ: a bearer token from {@link TestTokens}, given to Kiota's own bearer-token provider.
 */
class GraphSdkTest extends ServiceTest {

  private static final String RESOURCE = "https://graph.microsoft.com/beta/users/u1/authentication/methods/m1";

  /** The two roots under which the SDK reaches a user's authentication operations. */
  enum Root {
    ME("client.me()", (client, oid) -> client.me()),
    USERS_BY_OID("client.users().byUserId(oid)", (client, oid) -> client.users().byUserId(oid));

    private final String label;
    private final BiFunction<GraphServiceClient, String, UserItemRequestBuilder> user;

    Root(String label, BiFunction<GraphServiceClient, String, UserItemRequestBuilder> user) {
      this.label = label;
      this.user = user;
    }

    OperationsRequestBuilder operations(GraphServiceClient client, String oid) {
      return user.apply(client, oid).authentication().operations();
    }

    @Override
    public String toString() {
      return label;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Root.class)
  void post_creates_a_running_operation_and_returns_it_parsed_with_id_createdDateTime_and_status_enum(Root root) {
    Token user = service.tokens.user();
    OffsetDateTime before = OffsetDateTime.now();

    LongRunningOperation created = operations(root, user)
      .post(operation(LongRunningOperationStatus.Running, "Resetting the password", RESOURCE));
    OffsetDateTime after = OffsetDateTime.now();

    assertThat(UUID.fromString(created.getId()).toString()).isEqualTo(created.getId());
    assertThat(created.getStatus()).isEqualTo(LongRunningOperationStatus.Running);
    assertThat(created.getStatusDetail()).isEqualTo("Resetting the password");
    assertThat(created.getResourceLocation()).isEqualTo(RESOURCE);
    assertThat(created.getOdataType()).isEqualTo("#microsoft.graph.longRunningOperation");
    // The service's clock, to the millisecond, while the call was under way; however slow the machine.
    assertThat(created.getCreatedDateTime().toInstant())
      .isBetween(before.toInstant().truncatedTo(ChronoUnit.MILLIS), after.toInstant());
    assertThat(created.getLastActionDateTime()).isEqualTo(created.getCreatedDateTime());
    assertThat(service.storedRow(user.oid(), created.getId())).as("row owned by the token's oid").isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Root.class)
  void get_lists_with_filter_orderby_select_top_and_count_and_withUrl_follows_every_nextLink(Root root) {
    Token user = service.tokens.user();
    OperationsRequestBuilder operations = operations(root, user);
    List<LongRunningOperation> running = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      running.add(operations.post(operation(LongRunningOperationStatus.Running, "step " + i, null)));
      operations.post(operation(LongRunningOperationStatus.Succeeded, "done " + i, null));
    }

    LongRunningOperationCollectionResponse page = operations.get(request -> {
      request.queryParameters.filter = "status eq 'running'";
      request.queryParameters.orderby = new String[] {"createdDateTime desc"};
      request.queryParameters.select = new String[] {"id", "status"};
      request.queryParameters.top = 2;
      request.queryParameters.count = true;
    });
    List<String> ids = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    while (true) {
      assertThat(page.getOdataCount()).as("@odata.count on every page").isEqualTo(5L);
      for (LongRunningOperation item : page.getValue()) {
        assertThat(item.getStatus()).isEqualTo(LongRunningOperationStatus.Running);
        assertThat(item.getCreatedDateTime()).as("$select=id,status leaves createdDateTime out").isNull();
        assertThat(item.getStatusDetail()).as("$select=id,status leaves statusDetail out").isNull();
        ids.add(item.getId());
      }
      pageSizes.add(page.getValue().size());
      String nextLink = page.getOdataNextLink();
      if (nextLink == null) {
        break;
      }
      assertThat(nextLink).startsWith("http://localhost:" + service.port + "/beta/").contains("skiptoken");
      page = operations.withUrl(nextLink).get();
    }

    assertThat(pageSizes).containsExactly(2, 2, 1);
    assertThat(ids).containsExactlyElementsOf(newestFirst(running));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Root.class)
  void the_page_iterator_of_microsoft_graph_core_walks_every_page_in_order(Root root) throws Exception {
    Token user = service.tokens.user();
    GraphServiceClient client = client(user.sign());
    OperationsRequestBuilder operations = root.operations(client, user.oid());
    List<LongRunningOperation> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(operations.post(operation(LongRunningOperationStatus.NotStarted, "queued " + i, null)));
    }
    LongRunningOperationCollectionResponse first = operations.get(request -> request.queryParameters.top = 2);
    List<String> ids = new ArrayList<>();

    new PageIterator.Builder<LongRunningOperation, LongRunningOperationCollectionResponse>()
      .client(client)
      .collectionPage(first)
      .collectionPageFactory(LongRunningOperationCollectionResponse::createFromDiscriminatorValue)
      .processPageItemCallback(item -> ids.add(item.getId()))
      .build()
      .iterate();

    assertThat(ids).containsExactlyElementsOf(newestFirst(created));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Root.class)
  void count_get_returns_the_integer_and_honours_filter(Root root) {
    Token user = service.tokens.user();
    OperationsRequestBuilder operations = operations(root, user);
    for (int i = 0; i < 3; i++) {
      operations.post(operation(LongRunningOperationStatus.Running, null, null));
    }
    operations.post(operation(LongRunningOperationStatus.Failed, null, null));

    Integer all = operations.count().get();
    Integer running = operations.count().get(request -> request.queryParameters.filter = "status eq 'running'");

    assertThat(all).isEqualTo(4);
    assertThat(running).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Root.class)
  void get_by_id_returns_the_entity_and_honours_select(Root root) {
    Token user = service.tokens.user();
    OperationsRequestBuilder operations = operations(root, user);
    LongRunningOperation created = operations.post(operation(LongRunningOperationStatus.Running, "half way", RESOURCE));

    LongRunningOperation fetched = operations.byLongRunningOperationId(created.getId()).get();
    LongRunningOperation selected = operations.byLongRunningOperationId(created.getId())
      .get(request -> request.queryParameters.select = new String[] {"status", "statusDetail"});

    assertThat(fetched.getId()).isEqualTo(created.getId());
    assertThat(fetched.getCreatedDateTime()).isEqualTo(created.getCreatedDateTime());
    assertThat(fetched.getLastActionDateTime()).isEqualTo(created.getLastActionDateTime());
    assertThat(fetched.getStatus()).isEqualTo(LongRunningOperationStatus.Running);
    assertThat(fetched.getStatusDetail()).isEqualTo("half way");
    assertThat(fetched.getResourceLocation()).isEqualTo(RESOURCE);
    assertThat(selected.getId()).isEqualTo(created.getId());
    assertThat(selected.getStatus()).isEqualTo(LongRunningOperationStatus.Running);
    assertThat(selected.getStatusDetail()).isEqualTo("half way");
    assertThat(selected.getCreatedDateTime()).isNull();
    assertThat(selected.getResourceLocation()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Root.class)
  void patch_sets_status_succeeded_and_statusDetail_and_returns_the_updated_entity(Root root) {
    Token user = service.tokens.user();
    OperationsRequestBuilder operations = operations(root, user);
    LongRunningOperation created = operations.post(operation(LongRunningOperationStatus.Running, "working", RESOURCE));

    LongRunningOperation updated = operations.byLongRunningOperationId(created.getId())
      .patch(operation(LongRunningOperationStatus.Succeeded, "Password reset", null));

    assertThat(updated.getId()).isEqualTo(created.getId());
    assertThat(updated.getStatus()).isEqualTo(LongRunningOperationStatus.Succeeded);
    assertThat(updated.getStatusDetail()).isEqualTo("Password reset");
    assertThat(updated.getResourceLocation()).as("absent from the body, so unchanged").isEqualTo(RESOURCE);
    assertThat(updated.getCreatedDateTime()).isEqualTo(created.getCreatedDateTime());
    assertThat(updated.getLastActionDateTime()).isAfterOrEqualTo(created.getLastActionDateTime());
    LongRunningOperation reread = operations.byLongRunningOperationId(created.getId()).get();
    assertThat(reread.getStatus()).isEqualTo(LongRunningOperationStatus.Succeeded);
    assertThat(reread.getStatusDetail()).isEqualTo("Password reset");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Root.class)
  void delete_then_get_throws_ODataError_itemNotFound_with_status_404(Root root) {
    Token user = service.tokens.user();
    OperationsRequestBuilder operations = operations(root, user);
    String id = operations.post(operation(LongRunningOperationStatus.Failed, "gave up", null)).getId();

    operations.byLongRunningOperationId(id).delete();
    ODataError error = catchThrowableOfType(ODataError.class, () -> operations.byLongRunningOperationId(id).get());

    assertThat(error).as("ODataError thrown by get() after delete()").isNotNull();
    assertGraphError(error, 404, "itemNotFound");
    assertThat(service.storedRow(user.oid(), id)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Root.class)
  void post_with_only_User_Read_throws_ODataError_accessDenied_with_status_403(Root root) {
    Token user = service.tokens.user().claim("scp", "User.Read");
    OperationsRequestBuilder operations = operations(root, user);

    ODataError error = catchThrowableOfType(ODataError.class,
      () -> operations.post(operation(LongRunningOperationStatus.Running, "not allowed", null)));

    assertThat(error).as("ODataError thrown by post()").isNotNull();
    assertGraphError(error, 403, "accessDenied");
  }

  /** The SDK parsed the whole Graph error body: code, message and innerError with its request ids and date. */
  private static void assertGraphError(ODataError error, int status, String code) {
    assertThat(error.getResponseStatusCode()).isEqualTo(status);
    assertThat(error.getError().getCode()).isEqualTo(code);
    assertThat(error.getError().getMessage()).isNotBlank();
    assertThat(error.getMessage()).isEqualTo(error.getError().getMessage());
    InnerError inner = error.getError().getInnerError();
    assertThat(inner).as("innerError").isNotNull();
    assertThat(inner.getRequestId()).isEqualTo(error.getResponseHeaders().get("request-id").iterator().next());
    assertThat(inner.getClientRequestId()).as("the client-request-id the SDK sent, echoed").isNotBlank();
    assertThat(inner.getDate()).isCloseTo(OffsetDateTime.now(), within(Duration.ofMinutes(1)));
  }

  // ---- the SDK, set up as for graph.microsoft.com but for the base URL and the token

  private static OperationsRequestBuilder operations(Root root, Token user) {
    return root.operations(client(user.sign()), user.oid());
  }

  /**
   * A Graph client with the SDK's default middleware and Kiota's bearer-token provider, handing
   * {@code token} to this service's host only.
   */
  static GraphServiceClient client(String token) {
    AllowedHostsValidator hosts = new AllowedHostsValidator("localhost");
    AccessTokenProvider tokens = new AccessTokenProvider() {
      @Override
      public String getAuthorizationToken(URI uri, Map<String, Object> additionalAuthenticationContext) {
        return hosts.isUrlHostValid(uri) ? token : "";
      }

      @Override
      public AllowedHostsValidator getAllowedHostsValidator() {
        return hosts;
      }
    };
    GraphServiceClient client = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(tokens),
      GraphClientFactory.create().addInterceptor(GraphSdkTest::conforming).build());
    client.getRequestAdapter().setBaseUrl("http://localhost:" + service.port + "/beta");
    return client;
  }

  /** Every answer the SDK receives is checked against openapi.yaml too. */
  private static okhttp3.Response conforming(Interceptor.Chain chain) throws IOException {
    okhttp3.Response response = chain.proceed(chain.request());
    Map<String, String> headers = new HashMap<>();
    response.headers().forEach(header -> headers.put(header.getFirst(), header.getSecond()));
    byte[] body = response.peekBody(Long.MAX_VALUE).bytes();
    TestService.await(service.conformance.check(chain.request().method(), chain.request().url().encodedPath(),
      response.code(), headers, body.length == 0 ? null : Buffer.buffer(body)));
    return response;
  }

  private static LongRunningOperation operation(LongRunningOperationStatus status, String statusDetail,
                                                String resourceLocation) {
    LongRunningOperation operation = new LongRunningOperation();
    operation.setStatus(status);
    if (statusDetail != null) {
      operation.setStatusDetail(statusDetail);
    }
    if (resourceLocation != null) {
      operation.setResourceLocation(resourceLocation);
    }
    return operation;
  }

  /** The service's default and {@code createdDateTime desc} order: newest first, then id descending. */
  private static List<String> newestFirst(List<LongRunningOperation> operations) {
    return operations.stream()
      .sorted(Comparator.comparing(LongRunningOperation::getCreatedDateTime)
        .thenComparing(LongRunningOperation::getId).reversed())
      .map(LongRunningOperation::getId)
      .toList();
  }
}
