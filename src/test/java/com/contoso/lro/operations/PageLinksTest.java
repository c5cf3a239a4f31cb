package com.contoso.lro.operations;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * @odata.nextLink stays short and followable whatever the rows hold and whatever list the service
 * accepts: page tokens carry long sort values as a prefix and a digest, resolved from the last row.
 */
class PageLinksTest extends ServiceTest {

  private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-03-01T12:00:00Z");
  /** A code point outside the BMP: four bytes of UTF-8, twelve characters percent-encoded. */
  private static final String WIDE = "\uD83D\uDE00";
  /** Every $orderby property, each spelled out with its direction, mixed: the longest order a list takes. */
  private static final String LONGEST_ORDER =
    "statusDetail desc,resourceLocation asc,lastActionDateTime desc,createdDateTime desc,status desc,id asc";
  private static final String EVERY_PROPERTY = "id,createdDateTime,lastActionDateTime,status,statusDetail,resourceLocation";

  @Test
  void with_the_longest_values_filter_and_options_every_nextLink_is_under_2048_characters_and_every_row_comes_once() {
    Token user = service.tokens.user();
    List<String> ids = new ArrayList<>();
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      String id = ("op" + i + "-").repeat(40).substring(0, 128);
      ids.add(id);
      // Values as long as the contract allows, the same but for their last characters, so that the
      // order is decided past what a token can carry; two rows share a statusDetail.
      String detail = longText(4096, String.valueOf(i / 2));
      // The token carries at most INLINE_BYTES of either, whatever its length; 200 characters here, as the
      // tests' check of each answer against the contract (format: uri) fails on a 2,048-character URI.
      String location = "https://contoso.example/" + "r".repeat(200 - 24 - 3) + (100 + i % 3);
      rows.add(new Object[] {user.oid(), id, T0.plusSeconds(i), T0.plusSeconds(i % 4), "running", detail, location});
    }
    insert(rows);
    String filter = longestFilter();
    Map<String, String> options = new LinkedHashMap<>();
    options.put("$filter", filter);
    options.put("$orderby", LONGEST_ORDER);
    options.put("$select", EVERY_PROPERTY);
    options.put("$expand", "*");
    options.put("$count", "true");
    options.put("$top", "2");

    List<String> seen = new ArrayList<>();
    List<Integer> lengths = new ArrayList<>();
    String next = "/beta/users/" + user.oid() + "/authentication/operations" + query(options);
    while (next != null) {
      assertThat(seen).as("rows so far").hasSizeLessThan(20);
      JsonObject page = ok(get(user.sign(), next));
      page.getJsonArray("value").forEach(item -> seen.add(((JsonObject) item).getString("id")));
      String link = page.getString("@odata.nextLink");
      if (link != null) {
        lengths.add(link.length());
        assertThat(link).startsWith("http://localhost:" + service.port + "/beta/");
      }
      next = link == null ? null : link.substring(("http://localhost:" + service.port).length());
    }

    assertThat(lengths).hasSize(4).allSatisfy(length -> assertThat(length).isLessThan(2048));
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ids).doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "$orderby={0}")
  @ValueSource(strings = {"statusDetail", "statusDetail desc", "resourceLocation desc,statusDetail"})
  void when_the_last_row_shown_is_deleted_or_changed_paging_goes_on_and_skips_no_row(String orderby) {
    Token user = service.tokens.user();
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      rows.add(new Object[] {user.oid(), "op-" + i, T0, T0, "running", longText(600, String.valueOf(i)),
        "https://contoso.example/" + "x".repeat(100) + (i % 2)});
    }
    insert(rows);
    String token = user.sign();
    String first = "/beta/me/authentication/operations" + query(Map.of("$orderby", orderby, "$top", "3"));

    JsonObject page1 = ok(get(token, first));
    String deleted = lastId(page1);
    await(service.database.pool().preparedQuery("DELETE FROM operations WHERE owner_id = $1 AND id = $2")
      .execute(Tuple.of(user.oid(), deleted)));
    JsonObject page2 = ok(get(token, relative(page1.getString("@odata.nextLink"))));
    String changed = lastId(page2);
    await(service.database.pool().preparedQuery("UPDATE operations SET status_detail = $3 WHERE owner_id = $1 AND id = $2")
      .execute(Tuple.of(user.oid(), changed, longText(600, "changed"))));

    List<String> seen = new ArrayList<>(ids(page1));
    seen.addAll(ids(page2));
    String next = page2.getString("@odata.nextLink");
    while (next != null) {
      assertThat(seen).as("rows so far").hasSizeLessThan(40);
      JsonObject page = ok(get(token, relative(next)));
      seen.addAll(ids(page));
      next = page.getString("@odata.nextLink");
    }

    List<String> all = rows.stream().map(row -> (String) row[1]).toList();
    assertThat(seen).as("every row that was there throughout").containsAll(all.stream().filter(id -> !id.equals(deleted)).toList());
  }

  @Test
  void a_list_whose_repeated_parameters_would_make_nextLink_too_long_is_a_400_that_says_so() {
    Token user = service.tokens.user();
    String filter = "statusDetail ne '" + WIDE.repeat(70) + "'";

    HttpResponse<Buffer> response = get(user.sign(), "/beta/me/authentication/operations" + query(Map.of("$filter", filter)));

    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("badRequest");
    assertThat(error.getString("message")).contains("@odata.nextLink").contains("800");
  }

  /** A $filter of non-ASCII characters that keeps every row, as long as a list accepts. */
  private static String longestFilter() {
    StringBuilder literal = new StringBuilder();
    String filter = "statusDetail ne ''";
    while (true) {
      String longer = "statusDetail ne '" + literal + WIDE + "'";
      if (("$filter=" + encode(longer) + "&").length() > 800) {
        return filter;
      }
      literal.append(WIDE);
      filter = longer;
    }
  }

  /** {@code length} UTF-16 units, wide and narrow characters alike, the same but for {@code tail}. */
  private static String longText(int length, String tail) {
    StringBuilder text = new StringBuilder();
    while (text.length() < length - tail.length() - 2) {
      text.append(text.length() % 3 == 0 ? WIDE : "é");
    }
    while (text.length() < length - tail.length()) {
      text.append('x');
    }
    return text.append(tail).toString();
  }

  private static void insert(List<Object[]> rows) {
    await(service.database.pool().preparedQuery("INSERT INTO operations (owner_id, id, created_date_time, "
        + "last_action_date_time, status, status_detail, resource_location) VALUES ($1, $2, $3, $4, $5, $6, $7)")
      .executeBatch(rows.stream().map(Tuple::from).toList()));
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("value").stream().map(item -> ((JsonObject) item).getString("id")).toList();
  }

  private static String lastId(JsonObject page) {
    List<String> ids = ids(page);
    assertThat(page.getString("@odata.nextLink")).isNotNull();
    return ids.get(ids.size() - 1);
  }

  private static String relative(String nextLink) {
    String origin = "http://localhost:" + service.port;
    assertThat(nextLink).startsWith(origin + "/beta/").hasSizeLessThan(2048);
    return nextLink.substring(origin.length());
  }

  @Test
  void a_nextLink_keeps_unreserved_characters_as_they_are_encodes_the_rest_once_and_leads_to_the_next_page() {
    Token user = service.tokens.user().claim("upn", "ada~lovelace@contoso.test");
    for (String id : List.of("a~1", "a~2", "a~3", "b~1")) {
      assertThat(service.create(user.sign(), new JsonObject().put("id", id)).statusCode()).isEqualTo(201);
    }

    List<String> seen = new ArrayList<>();
    List<String> links = new ArrayList<>();
    String next = "/beta/users/ada%7Elovelace%40contoso.test/authentication/operations"
      + "?$filter=startswith(id,%27a%7E%27)&$orderby=id&$top=1";
    while (next != null) {
      assertThat(seen).as("rows so far").hasSizeLessThan(4);
      JsonObject page = ok(get(user.sign(), next));
      page.getJsonArray("value").forEach(item -> seen.add(((JsonObject) item).getString("id")));
      String link = page.getString("@odata.nextLink");
      if (link != null) {
        links.add(link);
      }
      next = link == null ? null : link.substring(("http://localhost:" + service.port).length());
    }

    assertThat(seen).containsExactly("a~1", "a~2", "a~3");
    assertThat(links).hasSize(2).allSatisfy(link -> assertThat(link)
      .startsWith("http://localhost:" + service.port + "/beta/users/ada~lovelace%40contoso.test/authentication/operations?")
      .contains("$filter=startswith%28id%2C%27a~%27%29&")
      .doesNotContain("%7E", "%25"));
  }

  private static JsonObject ok(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> get(String token, String pathAndQuery) {
    return await(service.request(HttpMethod.GET, pathAndQuery).bearerTokenAuthentication(token).send());
  }

  private static String query(Map<String, String> options) {
    return "?" + options.entrySet().stream().map(option -> option.getKey() + "=" + encode(option.getValue()))
      .collect(Collectors.joining("&"));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%24", "$");
  }
}
