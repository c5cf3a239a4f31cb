package com.contoso.lro;

import com.contoso.lro.TestTokens.Token;
import com.microsoft.graph.beta.models.LongRunningOperation;
import com.microsoft.graph.beta.models.LongRunningOperationCollectionResponse;
import com.microsoft.graph.beta.models.LongRunningOperationStatus;
import com.microsoft.graph.beta.serviceclient.GraphServiceClient;
import com.microsoft.graph.beta.users.item.authentication.operations.OperationsRequestBuilder;
import com.microsoft.graph.core.content.BatchRequestContent;
import com.microsoft.graph.core.content.BatchResponseContent;
import io.vertx.core.json.JsonObject;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Graph beta Java SDK's JSON batching ({@code BatchRequestContent}, {@code client.getBatchRequestBuilder()}),
 * used as against graph.microsoft.com, against this service's {@code POST /beta/$batch}: the SDK's
 * client set up as in {@link GraphSdkTest}, whose interceptor checks every answer against openapi.yaml.
 */
class GraphSdkBatchTest extends ServiceTest {

  @Test
  void creates_and_gets_in_one_batch_come_back_by_step_id_parsed_by_the_sdk() throws IOException {
    Token user = service.tokens.user();
    GraphServiceClient client = GraphSdkTest.client(user.sign());
    OperationsRequestBuilder mine = client.me().authentication().operations();
    OperationsRequestBuilder byOid = client.users().byUserId(user.oid()).authentication().operations();
    String known = "sdk-" + UUID.randomUUID();
    byOid.post(operation(known, LongRunningOperationStatus.Running, "made alone"));
    BatchRequestContent batch = new BatchRequestContent(client);

    String first = batch.addBatchRequestStep(mine.toPostRequestInformation(operation(null, LongRunningOperationStatus.Running, "one")));
    String second = batch.addBatchRequestStep(byOid.toPostRequestInformation(operation(null, LongRunningOperationStatus.NotStarted, "two")));
    String got = batch.addBatchRequestStep(mine.byLongRunningOperationId(known).toGetRequestInformation());
    String selected = batch.addBatchRequestStep(byOid.byLongRunningOperationId(known)
      .toGetRequestInformation(request -> request.queryParameters.select = new String[] {"status"}));
    BatchResponseContent answers = client.getBatchRequestBuilder().post(batch, null);

    assertThat(answers.getResponsesStatusCode()).containsExactlyInAnyOrderEntriesOf(Map.of(first, 201, second, 201, got, 200, selected, 200));
    LongRunningOperation one = answers.getResponseById(first, LongRunningOperation::createFromDiscriminatorValue);
    LongRunningOperation two = answers.getResponseById(second, LongRunningOperation::createFromDiscriminatorValue);
    assertThat(one.getStatusDetail()).isEqualTo("one");
    assertThat(one.getStatus()).isEqualTo(LongRunningOperationStatus.Running);
    assertThat(two.getStatus()).isEqualTo(LongRunningOperationStatus.NotStarted);
    assertThat(service.storedRow(user.oid(), one.getId())).isNotNull();
    assertThat(service.storedRow(user.oid(), two.getId())).isNotNull();
    LongRunningOperation fetched = answers.getResponseById(got, LongRunningOperation::createFromDiscriminatorValue);
    assertThat(fetched.getId()).isEqualTo(known);
    assertThat(fetched.getStatusDetail()).isEqualTo("made alone");
    LongRunningOperation narrowed = answers.getResponseById(selected, LongRunningOperation::createFromDiscriminatorValue);
    assertThat(narrowed.getStatus()).isEqualTo(LongRunningOperationStatus.Running);
    assertThat(narrowed.getStatusDetail()).as("$select=status").isNull();
    Response created = answers.getResponseById(first);
    assertThat(created.header("Location")).endsWith("/beta/users/" + user.oid() + "/authentication/operations/" + one.getId());
  }

  @Test
  void steps_that_depend_on_others_run_after_them_and_see_what_they_did() throws IOException {
    Token user = service.tokens.user();
    GraphServiceClient client = GraphSdkTest.client(user.sign());
    OperationsRequestBuilder mine = client.me().authentication().operations();
    String id = "sdk-" + UUID.randomUUID();
    BatchRequestContent batch = new BatchRequestContent(client);

    String create = batch.addBatchRequestStep(mine.toPostRequestInformation(operation(id, LongRunningOperationStatus.Running, "started")));
    String finish = batch.addBatchRequestStep(mine.byLongRunningOperationId(id)
      .toPatchRequestInformation(operation(null, LongRunningOperationStatus.Succeeded, "finished")));
    String list = batch.addBatchRequestStep(mine.toGetRequestInformation(request -> request.queryParameters.filter = "status eq 'succeeded'"));
    dependsOn(batch, finish, create);
    dependsOn(batch, list, finish);
    BatchResponseContent answers = client.getBatchRequestBuilder().post(batch, null);

    assertThat(answers.getResponsesStatusCode()).containsExactlyInAnyOrderEntriesOf(Map.of(create, 201, finish, 200, list, 200));
    LongRunningOperationCollectionResponse page = answers.getResponseById(list,
      LongRunningOperationCollectionResponse::createFromDiscriminatorValue);
    assertThat(page.getValue()).extracting(LongRunningOperation::getId).containsExactly(id);
    assertThat(page.getValue().get(0).getStatusDetail()).isEqualTo("finished");
  }

  @Test
  void a_failing_step_leaves_the_others_alone_and_its_dependent_gets_424() throws IOException {
    Token user = service.tokens.user();
    GraphServiceClient client = GraphSdkTest.client(user.sign());
    OperationsRequestBuilder mine = client.me().authentication().operations();
    String missing = "never-made-" + UUID.randomUUID();
    BatchRequestContent batch = new BatchRequestContent(client);

    String fails = batch.addBatchRequestStep(mine.byLongRunningOperationId(missing)
      .toPatchRequestInformation(operation(null, LongRunningOperationStatus.Succeeded, null)));
    String dependent = batch.addBatchRequestStep(mine.toPostRequestInformation(operation(null, LongRunningOperationStatus.Running, "after")));
    String independent = batch.addBatchRequestStep(mine.toPostRequestInformation(operation(null, LongRunningOperationStatus.Running, "alone")));
    dependsOn(batch, dependent, fails);
    BatchResponseContent answers = client.getBatchRequestBuilder().post(batch, null);

    assertThat(answers.getResponsesStatusCode()).containsExactlyInAnyOrderEntriesOf(Map.of(fails, 404, dependent, 424, independent, 201));
    JsonObject failedDependency = new JsonObject(answers.getResponseById(dependent).body().string());
    assertThat(failedDependency.getJsonObject("error").getString("code")).isEqualTo("failedDependency");
    JsonObject notFound = new JsonObject(answers.getResponseById(fails).body().string());
    assertThat(notFound.getJsonObject("error").getString("code")).isEqualTo("itemNotFound");
    LongRunningOperationCollectionResponse all = mine.get();
    assertThat(all.getValue()).extracting(LongRunningOperation::getStatusDetail).containsExactly("alone");
  }

  /** The SDK's steps are named by the UUIDs it made; their order is set on the step itself. */
  private static void dependsOn(BatchRequestContent batch, String step, String dependency) {
    batch.getBatchRequestSteps().get(step).setDependsOn(List.of(dependency));
  }

  private static LongRunningOperation operation(String id, LongRunningOperationStatus status, String statusDetail) {
    LongRunningOperation operation = new LongRunningOperation();
    if (id != null) {
      operation.setId(id);
    }
    operation.setStatus(status);
    if (statusDetail != null) {
      operation.setStatusDetail(statusDetail);
    }
    return operation;
  }
}
