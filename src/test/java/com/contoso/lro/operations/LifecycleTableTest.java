package com.contoso.lro.operations;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.contract.model.LongRunningOperationStatus;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.vertx.core.http.HttpMethod.PATCH;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The update's SQL and the Java rule agree on every pair of states: both come from Lifecycle's
 * table, and each move, with and without another change, is answered as the table says.
 */
class LifecycleTableTest extends ServiceTest {

  private static final List<LongRunningOperationStatus> STATUSES = List.of(LongRunningOperationStatus.NOT_STARTED,
    LongRunningOperationStatus.RUNNING, LongRunningOperationStatus.SUCCEEDED, LongRunningOperationStatus.FAILED);

  @Test
  void every_move_between_two_states_is_answered_as_the_table_says() {
    String token = service.tokens.user().sign();
    List<String> disagreements = new ArrayList<>();
    for (LongRunningOperationStatus from : STATUSES) {
      for (LongRunningOperationStatus to : STATUSES) {
        for (boolean withDetail : new boolean[] {false, true}) {
          String id = service.create(token, new JsonObject().put("status", from.getValue()))
            .bodyAsJsonObject().getString("id");
          JsonObject body = new JsonObject().put("status", to.getValue());
          if (withDetail) {
            body.put("statusDetail", "moved");
          }
          int status = service.call(PATCH, "/beta/me/authentication/operations/" + id, token, body).statusCode();
          boolean allowed = Lifecycle.allows(from, to, withDetail || from != to);
          if (status != (allowed ? 200 : 409)) {
            disagreements.add(from.getValue() + " → " + to.getValue() + (withDetail ? " with a detail" : "") + ": " + status);
          }
        }
      }
    }

    assertThat(disagreements).isEmpty();
  }

  @Test
  void the_final_states_are_those_that_move_nowhere() {
    assertThat(STATUSES.stream().filter(Lifecycle::isFinal))
      .containsExactlyInAnyOrder(LongRunningOperationStatus.SUCCEEDED, LongRunningOperationStatus.FAILED);
  }
}
