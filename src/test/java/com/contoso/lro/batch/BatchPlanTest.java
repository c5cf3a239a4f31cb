package com.contoso.lro.batch;

import com.contoso.lro.contract.model.BatchRequestItem;
import com.contoso.lro.graph.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a request's url becomes its target under /beta: BatchPlan's rule, without a server. */
class BatchPlanTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "/me/authentication/operations                      | me/authentication/operations",
    "me/authentication/operations                       | me/authentication/operations",
    "/me/authentication/operations?$filter=status eq 'running' | me/authentication/operations?$filter=status%20eq%20'running'",
    "/me/authentication/operations?$filter=statusDetail eq 'é' | me/authentication/operations?$filter=statusDetail%20eq%20'%C3%A9'",
    "/me/authentication/operations?$filter=status%20eq%20'running' | me/authentication/operations?$filter=status%20eq%20'running'",
    "/users/a%2Fb/authentication/operations             | users/a%2Fb/authentication/operations",
  })
  void a_url_is_taken_with_or_without_its_leading_slash_and_encoded_where_a_url_may_not_hold_a_character(String url, String target) {
    assertThat(BatchPlan.target(item(url))).isEqualTo(target);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://localhost/beta/me", "//localhost/beta/me", "mailto:me", "/me/./authentication", "/me/..",
    "/me/%2E%2e/metrics", "/me#fragment", "/$batch", "$Batch?x=1", "/%24batch", "/me/%zz"})
  void a_url_that_is_absolute_leaves_beta_or_is_a_batch_is_refused(String url) {
    assertThatThrownBy(() -> BatchPlan.target(item(url))).isInstanceOfSatisfying(ApiException.class,
      refused -> assertThat(refused.status()).isEqualTo(400));
  }

  @Test
  void json_media_types_are_told_from_others() {
    assertThat(BatchPlan.isJson("application/json; charset=utf-8")).isTrue();
    assertThat(BatchPlan.isJson("Application/JSON")).isTrue();
    assertThat(BatchPlan.isJson("application/merge-patch+json")).isTrue();
    assertThat(BatchPlan.isJson("text/plain")).isFalse();
  }

  private static BatchRequestItem item(String url) {
    return new BatchRequestItem().id("1").method(BatchRequestItem.MethodEnum.GET).url(url);
  }
}
