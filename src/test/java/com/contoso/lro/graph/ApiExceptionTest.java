package com.contoso.lro.graph;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graph's error codes and the words of the errors every handler shares. ErrorResponsesTest,
 * ThrottlingTest and the database tests show them in the service's answers.
 */
class ApiExceptionTest {

  @ParameterizedTest
  @CsvSource({
    "400, badRequest", "401, unauthorized", "403, forbidden", "404, notFound", "405, methodNotAllowed",
    "413, payloadTooLarge", "415, unsupportedMediaType", "503, serviceUnavailable",
    "500, internalServerError", "502, internalServerError", "418, badRequest"})
  void a_generic_error_is_coded_by_its_status_as_graph_spells_it(int status, String code) {
    ApiException error = ApiException.of(status, "words");

    assertThat(error.code()).isEqualTo(code);
    assertThat(error.status()).isEqualTo(status);
    assertThat(error.getMessage()).isEqualTo("words");
    assertThat(error.target()).isNull();
    assertThat(error.headers()).isEmpty();
  }

  @Test
  void an_item_that_does_not_exist_or_must_not_be_seen_is_one_answer() {
    ApiException error = ApiException.itemNotFound();

    assertThat(error.status()).isEqualTo(404);
    assertThat(error.code()).isEqualTo("itemNotFound");
    assertThat(error.getMessage()).isEqualTo("The operation does not exist.");
  }

  @Test
  void a_stale_if_match_is_a_412_resource_modified() {
    ApiException error = ApiException.resourceModified();

    assertThat(error.status()).isEqualTo(412);
    assertThat(error.code()).isEqualTo("resourceModified");
    assertThat(error.getMessage()).isEqualTo("The operation has changed since the ETag given in If-Match: read it again.");
  }

  @Test
  void an_unavailable_database_says_when_to_retry_in_words_and_in_retry_after() {
    ApiException error = ApiException.serviceUnavailable(5);

    assertThat(error.status()).isEqualTo(503);
    assertThat(error.code()).isEqualTo("serviceUnavailable");
    assertThat(error.getMessage())
      .isEqualTo("The service's database is unavailable or too slow now; retry after 5 seconds.");
    assertThat(error.headers()).isEqualTo(Map.of("Retry-After", "5"));
  }

  @Test
  void a_caller_over_its_rate_is_told_when_to_come_back() {
    ApiException error = ApiException.tooManyRequests(4, "slow down");

    assertThat(error.status()).isEqualTo(429);
    assertThat(error.code()).isEqualTo("tooManyRequests");
    assertThat(error.headers()).isEqualTo(Map.of("Retry-After", "4"));
  }

  @Test
  void a_401_names_the_scheme_to_authenticate_with() {
    ApiException error = ApiException.unauthorized("no token", "Bearer");

    assertThat(error.code()).isEqualTo("unauthorized");
    assertThat(error.headers()).isEqualTo(Map.of("WWW-Authenticate", "Bearer"));
  }

  @Test
  void an_answer_carries_no_stack_trace() {
    assertThat(ApiException.badRequest("bad", "status").getStackTrace()).isEmpty();
    assertThat(ApiException.badRequest("bad", "status").target()).isEqualTo("status");
  }
}
