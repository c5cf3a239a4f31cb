package com.contoso.lro.throttle;

import com.contoso.lro.ServiceEnv;
import com.contoso.lro.ServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static com.contoso.lro.TestService.OPERATIONS;
import static com.contoso.lro.TestService.await;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PAGE_BYTES_PER_CALLER (2,000 here, so bursts of 20,000): the list pages one caller is sent by an
 * instance are charged by their bytes. A caller at rest gets any one page whole, however large; then
 * it owes what went past its burst, and its lists are 429 tooManyRequests with Retry-After, before any
 * statement, until that has refilled. Its other calls, and other callers, are not charged.
 */
@ServiceEnv("PAGE_BYTES_PER_CALLER=2000")
class PageBytesPerCallerTest extends ServiceTest {

  /** 30 operations of about 1.1 KB: a page of them is about 35 KB, past the burst of 20,000 bytes. */
  private static String userWithALargePage() {
    String token = service.tokens.user().sign();
    for (int i = 0; i < 30; i++) {
      service.create(token, new JsonObject().put("status", "running").put("statusDetail", "d".repeat(1_000)));
    }
    return token;
  }

  @Test
  void a_page_past_the_burst_is_sent_whole_and_the_next_list_waits_until_its_bytes_have_refilled() {
    String alice = userWithALargePage();

    HttpResponse<Buffer> first = list(alice);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.bodyAsJsonObject().getJsonArray("value")).hasSize(30);
    int owedSeconds = (first.body().length() - 20_000 + 1_999) / 2_000;

    HttpResponse<Buffer> refused = list(alice);

    assertThat(refused.statusCode()).isEqualTo(429);
    JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("tooManyRequests");
    assertThat(error.getString("message")).contains("2000 bytes a second", "PAGE_BYTES_PER_CALLER", "$top");
    int retryAfter = Integer.parseInt(refused.getHeader("Retry-After"));
    assertThat(retryAfter).as("what the page cost past the burst, at 2,000 bytes a second").isBetween(owedSeconds - 1, owedSeconds);
    assertThat(error.getString("message")).contains("Retry after " + retryAfter + " seconds");

    service.clock.advance(Duration.ofSeconds(retryAfter - 1));
    assertThat(list(alice).statusCode()).as("a second before the bytes have refilled").isEqualTo(429);
    service.clock.advance(Duration.ofSeconds(1));
    assertThat(list(alice).statusCode()).isEqualTo(200);
  }

  @Test
  void a_caller_that_owes_bytes_still_reads_and_counts_and_other_callers_list() {
    String alice = userWithALargePage();
    String bob = userWithALargePage();
    assertThat(list(alice).statusCode()).isEqualTo(200);
    assertThat(list(alice).statusCode()).isEqualTo(429);

    assertThat(list(bob).statusCode()).as("bob's page, whatever alice owes").isEqualTo(200);
    String id = service.create(alice, new JsonObject().put("status", "running")).bodyAsJsonObject().getString("id");
    assertThat(await(service.request(GET, OPERATIONS + "/" + id).bearerTokenAuthentication(alice).send()).statusCode())
      .isEqualTo(200);
    HttpResponse<Buffer> count = await(service.request(GET, OPERATIONS + "/$count").bearerTokenAuthentication(alice).send());
    assertThat(count.statusCode()).isEqualTo(200);
    assertThat(count.bodyAsString()).isEqualTo("31");
    HttpResponse<Buffer> one = await(service.request(GET, OPERATIONS + "?$top=1").bearerTokenAuthentication(alice).send());
    assertThat(one.statusCode()).as("alice's lists wait, however small").isEqualTo(429);
  }

  private static HttpResponse<Buffer> list(String token) {
    return await(service.request(GET, OPERATIONS).bearerTokenAuthentication(token).send());
  }
}
