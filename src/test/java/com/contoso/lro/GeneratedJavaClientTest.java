package com.contoso.lro;

import com.contoso.lro.TestTokens.Token;
import com.contoso.lro.client.ApiClient;
import com.contoso.lro.client.ApiException;
import com.contoso.lro.client.api.OperationsApi;
import com.contoso.lro.client.model.LongRunningOperation;
import com.contoso.lro.client.model.LongRunningOperationCollectionResponse;
import com.contoso.lro.client.model.LongRunningOperationStatus;
import com.contoso.lro.client.model.ODataError;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * The Java client a partner generates from openapi.yaml (openapi-generator {@code java}, library
 * {@code native}; the build generates it into target/generated-test-sources) works against the
 * service: only the base URL and the bearer token are set. Every answer it receives is checked
 * against openapi.yaml as well, by {@link ConformingHttpClient}.
 */
class GeneratedJavaClientTest extends ServiceTest {

  private static final URI RESOURCE = URI.create("https://graph.microsoft.com/beta/users/u1/authentication/methods/m1");

  @Test
  void createOperation_returns_the_new_operation_with_the_id_and_times_the_server_gave_it() throws ApiException {
    Token user = service.tokens.user();
    OffsetDateTime before = OffsetDateTime.now();

    LongRunningOperation created = api(user).createOperation(new LongRunningOperation()
      .status(LongRunningOperationStatus.RUNNING)
      .statusDetail("Resetting the password")
      .resourceLocation(RESOURCE), null);

    assertThat(UUID.fromString(created.getId()).toString()).isEqualTo(created.getId());
    assertThat(created.getStatus()).isEqualTo(LongRunningOperationStatus.RUNNING);
    assertThat(created.getStatusDetail()).isEqualTo("Resetting the password");
    assertThat(created.getResourceLocation()).isEqualTo(RESOURCE);
    assertThat(created.getAtOdataType()).isEqualTo(LongRunningOperation.AtOdataTypeEnum._MICROSOFT_GRAPH_LONG_RUNNING_OPERATION);
    assertThat(created.getAtOdataEtag()).isNotBlank();
    assertThat(created.getCreatedDateTime()).isCloseTo(before, within(Duration.ofSeconds(5)));
    assertThat(created.getLastActionDateTime()).isEqualTo(created.getCreatedDateTime());
    assertThat(service.storedRow(user.oid(), created.getId())).as("row owned by the token's oid").isNotNull();
  }

  @Test
  void createOperation_with_an_Idempotency_Key_answers_a_retry_with_the_same_operation() throws ApiException {
    Token user = service.tokens.user();
    OperationsApi api = api(user);
    String key = UUID.randomUUID().toString();
    LongRunningOperation body = new LongRunningOperation().status(LongRunningOperationStatus.NOT_STARTED);

    LongRunningOperation first = api.createOperation(body, key);
    LongRunningOperation retry = api.createOperation(body, key);

    assertThat(retry.getId()).isEqualTo(first.getId());
    assertThat(retry.getCreatedDateTime()).isEqualTo(first.getCreatedDateTime());
    assertThat(api.listOperations(null, null, null, null, true, null, null, null, null).getAtOdataCount()).isEqualTo(1);
  }

  @Test
  void getOperation_returns_what_create_stored_and_honours_select() throws ApiException {
    Token user = service.tokens.user();
    OperationsApi api = api(user);
    LongRunningOperation created = api.createOperation(new LongRunningOperation()
      .status(LongRunningOperationStatus.RUNNING).statusDetail("half way").resourceLocation(RESOURCE), null);

    LongRunningOperation fetched = api.getOperation(created.getId(), null, null, null, null);
    LongRunningOperation selected = api.getOperation(created.getId(), List.of("status", "statusDetail"), null, null, null);

    assertThat(fetched.getId()).isEqualTo(created.getId());
    assertThat(fetched.getCreatedDateTime()).isEqualTo(created.getCreatedDateTime());
    assertThat(fetched.getLastActionDateTime()).isEqualTo(created.getLastActionDateTime());
    assertThat(fetched.getStatus()).isEqualTo(LongRunningOperationStatus.RUNNING);
    assertThat(fetched.getStatusDetail()).isEqualTo("half way");
    assertThat(fetched.getResourceLocation()).isEqualTo(RESOURCE);
    assertThat(fetched.getAtOdataEtag()).isEqualTo(created.getAtOdataEtag());
    assertThat(selected.getId()).isEqualTo(created.getId());
    assertThat(selected.getStatus()).isEqualTo(LongRunningOperationStatus.RUNNING);
    assertThat(selected.getStatusDetail()).isEqualTo("half way");
    assertThat(selected.getCreatedDateTime()).as("$select=status,statusDetail leaves createdDateTime out").isNull();
    assertThat(selected.getResourceLocation()).as("$select=status,statusDetail leaves resourceLocation out").isNull();
  }

  @Test
  void updateOperation_takes_the_operation_as_getOperation_read_it_with_one_property_edited() throws ApiException {
    Token user = service.tokens.user();
    OperationsApi api = api(user);
    OffsetDateTime startedAt = OffsetDateTime.parse("2026-01-01T08:30:00.125+01:00");
    LongRunningOperation created = api.createOperation(new LongRunningOperation().lastActionDateTime(startedAt)
      .status(LongRunningOperationStatus.RUNNING).statusDetail("half way").resourceLocation(RESOURCE), null);

    // The one model: what a GET returned, read-only values and all, is the body of the PATCH.
    LongRunningOperation read = api.getOperation(created.getId(), null, null, null, null);
    read.setStatus(LongRunningOperationStatus.SUCCEEDED);
    LongRunningOperation updated = api.updateOperation(read.getId(), read, null, null);

    assertThat(updated.getStatus()).isEqualTo(LongRunningOperationStatus.SUCCEEDED);
    assertThat(updated.getStatusDetail()).isEqualTo("half way");
    assertThat(updated.getResourceLocation()).isEqualTo(RESOURCE);
    assertThat(updated.getId()).isEqualTo(created.getId());
    assertThat(updated.getCreatedDateTime()).isEqualTo(created.getCreatedDateTime());
    assertThat(read.getLastActionDateTime()).isAtSameInstantAs(startedAt);
    assertThat(updated.getLastActionDateTime()).as("the server's time of the change").isAfter(startedAt);
    assertThat(updated.getAtOdataEtag()).isNotEqualTo(read.getAtOdataEtag());
    assertThat(service.storedRow(user.oid(), created.getId()).getString("status")).isEqualTo("succeeded");
  }

  @Test
  void updateOperation_refuses_the_read_operation_with_a_read_only_value_changed_and_changes_nothing() throws Exception {
    Token user = service.tokens.user();
    ApiClient client = client(user);
    OperationsApi api = new OperationsApi(client);
    String id = api.createOperation(new LongRunningOperation().status(LongRunningOperationStatus.RUNNING), null).getId();
    LongRunningOperation read = api.getOperation(id, null, null, null, null);
    read.setStatus(LongRunningOperationStatus.FAILED);
    read.setLastActionDateTime(read.getLastActionDateTime().minusDays(1));

    ApiException thrown = catchThrowableOfType(ApiException.class, () -> api.updateOperation(id, read, null, null));

    assertThat(thrown).as("ApiException thrown by updateOperation").isNotNull();
    assertThat(thrown.getCode()).isEqualTo(400);
    ODataError error = client.getObjectMapper().readValue(thrown.getResponseBody(), ODataError.class);
    assertThat(error.getError().getTarget()).isEqualTo("lastActionDateTime");
    assertThat(error.getError().getMessage()).contains("read-only");
    assertThat(service.storedRow(user.oid(), id).getString("status")).isEqualTo("running");
  }

  @Test
  void listOperations_pages_by_top_with_count_and_skiptoken_and_holds_every_created_one_newest_first() throws ApiException {
    Token user = service.tokens.user();
    OperationsApi api = api(user);
    List<LongRunningOperation> running = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      running.add(api.createOperation(new LongRunningOperation()
        .status(LongRunningOperationStatus.RUNNING).statusDetail("step " + i), null));
      api.createOperation(new LongRunningOperation().status(LongRunningOperationStatus.SUCCEEDED), null);
    }

    List<String> ids = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    String skiptoken = null;
    do {
      LongRunningOperationCollectionResponse page = api.listOperations(2, null, null, "status eq 'running'", true,
        List.of("createdDateTime desc"), null, null, skiptoken);
      assertThat(page.getAtOdataCount()).as("@odata.count on every page").isEqualTo(5);
      for (LongRunningOperation item : page.getValue()) {
        assertThat(item.getStatus()).isEqualTo(LongRunningOperationStatus.RUNNING);
        ids.add(item.getId());
      }
      pageSizes.add(page.getValue().size());
      skiptoken = page.getAtOdataNextLink() == null ? null : skiptokenOf(page.getAtOdataNextLink());
    } while (skiptoken != null);

    assertThat(pageSizes).containsExactly(2, 2, 1);
    assertThat(ids).containsExactlyElementsOf(running.stream()
      .sorted(Comparator.comparing(LongRunningOperation::getCreatedDateTime).thenComparing(LongRunningOperation::getId).reversed())
      .map(LongRunningOperation::getId)
      .toList());
  }

  @Test
  void listOperations_shows_only_the_callers_own_operations() throws ApiException {
    Token owner = service.tokens.user();
    Token other = service.tokens.user();
    String mine = api(owner).createOperation(new LongRunningOperation(), null).getId();

    List<String> ownerSees = api(owner).listOperations(null, null, null, null, null, null, null, null, null)
      .getValue().stream().map(LongRunningOperation::getId).toList();
    LongRunningOperationCollectionResponse otherSees = api(other).listOperations(null, null, null, null, true, null, null, null, null);

    assertThat(ownerSees).containsExactly(mine);
    assertThat(otherSees.getValue()).isEmpty();
    assertThat(otherSees.getAtOdataCount()).isZero();
  }

  @Test
  void getOperation_of_an_unknown_id_throws_ApiException_404_whose_body_reads_as_the_clients_ODataError() throws Exception {
    Token user = service.tokens.user();
    ApiClient client = client(user);

    ApiException thrown = catchThrowableOfType(ApiException.class,
      () -> new OperationsApi(client).getOperation("no-such-operation", null, null, null, null));

    assertThat(thrown).as("ApiException thrown by getOperation").isNotNull();
    assertThat(thrown.getCode()).isEqualTo(404);
    ODataError error = client.getObjectMapper().readValue(thrown.getResponseBody(), ODataError.class);
    assertThat(error.getError().getCode()).isEqualTo("itemNotFound");
    assertThat(error.getError().getMessage()).isNotBlank();
    assertThat(error.getError().getInnerError().getRequestId())
      .isEqualTo(thrown.getResponseHeaders().firstValue("request-id").orElseThrow());
  }

  // ---- the generated client, set up as a partner would but for the base URL and the token

  private static OperationsApi api(Token user) {
    return new OperationsApi(client(user));
  }

  /** Its own ApiClient, with the user's token on every request and every answer checked against openapi.yaml. */
  private static ApiClient client(Token user) {
    String token = user.sign();
    ApiClient client = new ApiClient() {
      @Override
      public HttpClient getHttpClient() {
        return new ConformingHttpClient(super.getHttpClient(), service.conformance);
      }
    };
    client.updateBaseUri("http://localhost:" + service.port + "/beta");
    client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
    return client;
  }

  /** The {@code $skiptoken} of an {@code @odata.nextLink}: the generated client takes the token, not the link. */
  private static String skiptokenOf(URI nextLink) {
    assertThat(nextLink.toString()).startsWith("http://localhost:" + service.port + "/beta/");
    return Arrays.stream(nextLink.getRawQuery().split("&"))
      .map(pair -> pair.split("=", 2))
      .filter(pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8).equals("$skiptoken"))
      .map(pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8))
      .findFirst()
      .orElseThrow(() -> new AssertionError("no $skiptoken in " + nextLink));
  }
}
