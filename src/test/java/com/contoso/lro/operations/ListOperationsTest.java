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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/** GET /beta/me/authentication/operations: the collection, its order, paging and every OData query option. */
class ListOperationsTest extends ServiceTest {

  private static final String ME = "/beta/me/authentication/operations";
  /** The members of longRunningOperationStatus in the contract's order, which is how OData sorts an enum. */
  private static final List<String> STATUSES = List.of("notStarted", "running", "succeeded", "failed");
  private static final List<String> PROPERTIES =
    List.of("id", "createdDateTime", "lastActionDateTime", "status", "statusDetail", "resourceLocation");
  private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-03-01T12:00:00Z");

  // ---- the collection

  @Test
  void a_user_without_operations_gets_an_empty_collection() {
    Token user = service.tokens.user();

    HttpResponse<Buffer> response = list(user.sign());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("@odata.context", "value");
    assertThat(body.getJsonArray("value")).isEmpty();
  }

  @Test
  void the_collection_has_the_users_context_and_the_items_as_created_and_no_nextLink_or_count_when_all_fit() {
    Token user = service.tokens.user();
    String token = user.sign();
    JsonObject first = created(token, new JsonObject().put("status", "running").put("statusDetail", "first"));
    JsonObject second = created(token, new JsonObject().put("resourceLocation", "https://contoso.example/r/2"));

    JsonObject body = ok(list(token));

    assertThat(body.fieldNames()).containsExactlyInAnyOrder("@odata.context", "value");
    assertThat(body.getString("@odata.context")).isEqualTo("http://localhost:" + service.port
      + "/beta/$metadata#users('" + user.oid() + "')/authentication/operations");
    List<JsonObject> items = items(body);
    assertThat(items).extracting(item -> item.getString("id"))
      .containsExactlyInAnyOrder(first.getString("id"), second.getString("id"));
    for (JsonObject item : items) {
      JsonObject asCreated = (item.getString("id").equals(first.getString("id")) ? first : second).copy();
      asCreated.remove("@odata.context");
      assertThat(item).isEqualTo(asCreated);
    }
  }

  @Test
  void count_false_adds_no_count() {
    String token = service.tokens.user().sign();
    created(token, new JsonObject());

    JsonObject body = ok(list(token, "$count", "false"));

    assertThat(body.containsKey("@odata.count")).isFalse();
    assertThat(body.getJsonArray("value")).hasSize(1);
  }

  @Test
  void a_user_sees_only_their_own_operations() {
    Token alice = service.tokens.user();
    Token bob = service.tokens.user();
    String mine = created(alice.sign(), new JsonObject()).getString("id");
    created(bob.sign(), new JsonObject());
    insert(bob.oid(), assorted(5));

    assertThat(ids(ok(list(alice.sign())))).containsExactly(mine);
  }

  // ---- the default order

  @Test
  void the_default_order_is_createdDateTime_desc_then_id_desc() {
    Token user = service.tokens.user();
    insert(user.oid(), List.of(
      stored("op-a", T0.plusMinutes(1)),
      stored("op-b", T0.plusMinutes(2)),
      stored("op-c", T0.plusMinutes(1)),
      stored("op-d", T0),
      stored("op-e", T0.plusMinutes(1))));

    assertThat(ids(ok(list(user.sign())))).containsExactly("op-b", "op-e", "op-c", "op-a", "op-d");
  }

  @Test
  void operations_created_one_after_another_list_newest_first() throws InterruptedException {
    String token = service.tokens.user().sign();
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      created.add(created(token, new JsonObject()).getString("id"));
      Thread.sleep(5);
    }

    assertThat(ids(ok(list(token)))).containsExactly(created.get(2), created.get(1), created.get(0));
  }

  // ---- $top

  @Test
  void top_defaults_to_100() {
    Token user = service.tokens.user();
    List<Stored> rows = numbered(101);
    insert(user.oid(), rows);

    JsonObject first = ok(list(user.sign()));

    assertThat(ids(first)).containsExactlyElementsOf(newestFirst(rows).subList(0, 100));
    assertThat(first.getString("@odata.nextLink")).isNotNull();
    JsonObject second = ok(get(user.sign(), relative(first.getString("@odata.nextLink"))));
    assertThat(ids(second)).containsExactly(newestFirst(rows).get(100));
    assertThat(second.containsKey("@odata.nextLink")).isFalse();
  }

  @Test
  void top_1_gives_one_item_and_a_nextLink() {
    Token user = service.tokens.user();
    List<Stored> rows = numbered(3);
    insert(user.oid(), rows);

    JsonObject body = ok(list(user.sign(), "$top", "1"));

    assertThat(ids(body)).containsExactly(newestFirst(rows).get(0));
    assertThat(body.getString("@odata.nextLink")).isNotNull();
  }

  @Test
  void top_999_gives_all_of_101_items_and_no_nextLink() {
    Token user = service.tokens.user();
    List<Stored> rows = numbered(101);
    insert(user.oid(), rows);

    JsonObject body = ok(list(user.sign(), "$top", "999"));

    assertThat(ids(body)).containsExactlyElementsOf(newestFirst(rows));
    assertThat(body.containsKey("@odata.nextLink")).isFalse();
  }

  @ParameterizedTest(name = "$top={0} → 400")
  @ValueSource(strings = {"0", "1000", "-1", "ten"})
  void top_outside_1_to_999_is_a_400_naming_top(String top) {
    JsonObject error = badRequest(list(service.tokens.user().sign(), "$top", top));

    assertThat(error.getString("message")).contains("$top");
  }

  // ---- $skip

  @Test
  void skip_passes_over_the_first_rows_of_the_order() {
    Token user = service.tokens.user();
    List<Stored> rows = numbered(10);
    insert(user.oid(), rows);

    assertThat(ids(ok(list(user.sign(), "$skip", "3")))).containsExactlyElementsOf(newestFirst(rows).subList(3, 10));
    assertThat(ids(ok(list(user.sign(), "$skip", "0")))).containsExactlyElementsOf(newestFirst(rows));
  }

  @Test
  void skip_with_top_pages_on_from_the_rows_after_the_skipped_ones() {
    Token user = service.tokens.user();
    List<Stored> rows = numbered(10);
    insert(user.oid(), rows);

    List<JsonObject> pages = pages(user.sign(), ME + query("$skip", "3", "$top", "4"));

    assertThat(pages).extracting(page -> ids(page)).containsExactly(
      newestFirst(rows).subList(3, 7), newestFirst(rows).subList(7, 10));
  }

  @Test
  void skip_past_the_end_is_an_empty_page() {
    Token user = service.tokens.user();
    insert(user.oid(), numbered(4));

    JsonObject body = ok(list(user.sign(), "$skip", "4"));

    assertThat(body.getJsonArray("value")).isEmpty();
    assertThat(body.containsKey("@odata.nextLink")).isFalse();
  }

  @Test
  void a_skip_sent_along_with_a_skiptoken_is_ignored_as_the_first_page_used_it() {
    Token user = service.tokens.user();
    List<Stored> rows = numbered(10);
    insert(user.oid(), rows);
    String token = user.sign();
    String nextLink = ok(list(token, "$skip", "3", "$top", "4")).getString("@odata.nextLink");

    JsonObject second = ok(get(token, nextLink.substring(nextLink.indexOf("/beta/")) + "&$skip=2"));

    assertThat(ids(second)).isEqualTo(newestFirst(rows).subList(7, 10));
  }

  @Test
  void a_skip_beyond_the_largest_integer_is_a_400_not_a_silent_wrap() {
    JsonObject error = badRequest(list(service.tokens.user().sign(), "$skip", "4294967296"));

    assertThat(error.getString("message")).contains("$skip");
  }

  @Test
  void a_negative_skip_is_a_400_naming_skip() {
    JsonObject error = badRequest(list(service.tokens.user().sign(), "$skip", "-1"));

    assertThat(error.getString("message")).contains("$skip");
  }

  // ---- paging by @odata.nextLink

  @Test
  void following_nextLink_returns_every_row_once_in_the_default_order() {
    Token user = service.tokens.user();
    List<Stored> rows = assorted(23);
    insert(user.oid(), rows);

    List<JsonObject> pages = pages(user.sign(), ME + query("$top", "5"));

    assertThat(pages).extracting(page -> page.getJsonArray("value").size()).containsExactly(5, 5, 5, 5, 3);
    assertThat(ids(pages)).containsExactlyElementsOf(sorted(rows, orderOf("createdDateTime desc,id desc")));
  }

  @Test
  void nextLink_is_absolute_under_the_path_that_was_called() {
    Token user = service.tokens.user();
    insert(user.oid(), numbered(3));

    String link = ok(list(user.sign(), "$top", "2")).getString("@odata.nextLink");

    assertThat(link).startsWith("http://localhost:" + service.port + ME + "?");
    assertThat(URI.create(link).isAbsolute()).isTrue();
  }

  @Test
  void the_last_page_has_no_nextLink_when_the_rows_fill_it_exactly() {
    Token user = service.tokens.user();
    List<Stored> rows = numbered(10);
    insert(user.oid(), rows);

    List<JsonObject> pages = pages(user.sign(), ME + query("$top", "5"));

    assertThat(pages).hasSize(2);
    assertThat(ids(pages)).containsExactlyElementsOf(newestFirst(rows));
  }

  @ParameterizedTest(name = "$orderby={0}")
  @ValueSource(strings = {
    "status asc,createdDateTime desc",
    "statusDetail",
    "statusDetail desc",
    "resourceLocation asc,status desc",
    "lastActionDateTime desc,id asc",
    "status,statusDetail desc,createdDateTime"})
  void following_nextLink_returns_every_row_once_in_the_requested_order(String orderby) {
    Token user = service.tokens.user();
    List<Stored> rows = assorted(20);
    insert(user.oid(), rows);

    List<JsonObject> pages = pages(user.sign(), ME + query("$orderby", orderby, "$top", "3"));

    assertThat(pages).hasSize(7);
    assertInOrder(ids(pages), rows, orderby);
  }

  @Test
  void long_texts_that_share_their_first_64_characters_sort_by_the_next_key_not_by_the_rest() {
    Token user = service.tokens.user();
    String token = user.sign();
    String shared = "x".repeat(64);
    created(token, new JsonObject().put("id", "op-1").put("status", "running").put("statusDetail", shared + "z"));
    created(token, new JsonObject().put("id", "op-2").put("status", "running").put("statusDetail", shared + "b"));
    created(token, new JsonObject().put("id", "op-3").put("status", "running").put("statusDetail", "x".repeat(63) + "a"));

    assertThat(ids(ok(list(token, "$orderby", "statusDetail")))).containsExactly("op-3", "op-1", "op-2");
    assertThat(ids(ok(list(token, "$orderby", "statusDetail desc")))).containsExactly("op-2", "op-1", "op-3");
    assertThat(ids(pages(token, ME + query("$orderby", "statusDetail,id desc", "$top", "1"))))
      .containsExactly("op-3", "op-2", "op-1");
  }

  @Test
  void on_statusDetail_nulls_come_first_ascending_and_last_descending_across_pages() {
    Token user = service.tokens.user();
    insert(user.oid(), List.of(
      stored("op-1", T0, "running", "beta"),
      stored("op-2", T0, "running", null),
      stored("op-3", T0, "running", "alpha"),
      stored("op-4", T0, "running", null),
      stored("op-5", T0, "running", "beta"),
      stored("op-6", T0, "running", "")));

    List<String> ascending = ids(pages(user.sign(), ME + query("$orderby", "statusDetail asc,id asc", "$top", "2")));
    List<String> descending = ids(pages(user.sign(), ME + query("$orderby", "statusDetail desc,id asc", "$top", "2")));

    assertThat(ascending).containsExactly("op-2", "op-4", "op-6", "op-3", "op-1", "op-5");
    assertThat(descending).containsExactly("op-1", "op-5", "op-3", "op-6", "op-2", "op-4");
  }

  @Test
  void nextLink_keeps_filter_orderby_select_count_and_top_and_drops_skip() {
    Token user = service.tokens.user();
    List<Stored> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rows.add(new Stored("op-" + i, T0.plusMinutes(i), T0.plusMinutes(i), STATUSES.get(i % 4), "detail " + i, null));
    }
    insert(user.oid(), rows);
    Map<String, String> options = new LinkedHashMap<>();
    options.put("$filter", "status ne 'failed'");
    options.put("$orderby", "status asc,createdDateTime desc");
    options.put("$select", "status,statusDetail");
    options.put("$count", "true");
    options.put("$top", "2");
    options.put("$skip", "1");

    JsonObject first = ok(get(user.sign(), ME + query(options)));

    Map<String, String> next = queryOf(first.getString("@odata.nextLink"));
    Map<String, String> kept = new LinkedHashMap<>(options);
    kept.remove("$skip");
    assertThat(next).containsAllEntriesOf(kept).containsKey("$skiptoken").doesNotContainKey("$skip");
    assertThat(next.keySet()).containsExactlyInAnyOrder("$filter", "$orderby", "$select", "$count", "$top", "$skiptoken");

    List<JsonObject> pages = pages(user.sign(), ME + query(options));
    List<Stored> matching = rows.stream().filter(row -> !row.status().equals("failed")).toList();
    List<String> expected = sorted(matching, orderOf("status asc,createdDateTime desc"));
    assertThat(ids(pages)).containsExactlyElementsOf(expected.subList(1, expected.size()));
    assertThat(pages).hasSize(4).allSatisfy(page -> {
      assertThat(page.getLong("@odata.count")).isEqualTo(9);
      assertThat(items(page)).allSatisfy(item -> assertThat(properties(item))
        .containsExactlyInAnyOrder("id", "status", "statusDetail"));
    });
    for (JsonObject page : pages.subList(0, 3)) {
      assertThat(queryOf(page.getString("@odata.nextLink"))).containsAllEntriesOf(kept).doesNotContainKey("$skip");
    }
  }

  @Test
  void nextLink_keeps_a_parameter_that_is_not_an_odata_option() {
    Token user = service.tokens.user();
    insert(user.oid(), numbered(3));

    String link = ok(list(user.sign(), "$top", "1", "tenant", "a b")).getString("@odata.nextLink");

    assertThat(queryOf(link)).containsEntry("tenant", "a b");
  }

  // ---- $skiptoken

  @Test
  void a_tampered_skiptoken_is_a_400() {
    Token user = service.tokens.user();
    insert(user.oid(), numbered(5));
    String skiptoken = skiptoken(ok(list(user.sign(), "$top", "2")));
    char[] flipped = skiptoken.toCharArray();
    int at = flipped.length / 3;
    flipped[at] = flipped[at] == 'A' ? 'B' : 'A';

    HttpResponse<Buffer> tampered = list(user.sign(), "$top", "2", "$skiptoken", new String(flipped));

    assertThat(badRequest(tampered).getString("message")).contains("$skiptoken");
    assertThat(list(user.sign(), "$top", "2", "$skiptoken", skiptoken).statusCode())
      .as("the token as it was given still works").isEqualTo(200);
  }

  @ParameterizedTest(name = "$skiptoken={0} → 400")
  @ValueSource(strings = {"garbage", "a.b", "eyJhZnRlciI6W119.AAAA", "."})
  void a_skiptoken_that_the_service_never_made_is_a_400(String skiptoken) {
    JsonObject error = badRequest(list(service.tokens.user().sign(), "$skiptoken", skiptoken));

    assertThat(error.getString("message")).contains("$skiptoken");
  }

  @Test
  void a_skiptoken_from_another_users_list_is_a_400() {
    Token alice = service.tokens.user();
    Token bob = service.tokens.user();
    insert(alice.oid(), numbered(5));
    insert(bob.oid(), numbered(5));
    String alicesNextLink = ok(list(alice.sign(), "$top", "2")).getString("@odata.nextLink");

    HttpResponse<Buffer> response = get(bob.sign(), relative(alicesNextLink));

    assertThat(badRequest(response).getString("message")).contains("$skiptoken");
  }

  @Test
  void a_skiptoken_used_with_another_filter_is_a_400() {
    Token user = service.tokens.user();
    insert(user.oid(), numbered(5));
    String skiptoken = skiptoken(ok(list(user.sign(), "$top", "2", "$filter", "status eq 'running'")));

    HttpResponse<Buffer> otherFilter =
      list(user.sign(), "$top", "2", "$filter", "status ne 'running'", "$skiptoken", skiptoken);
    HttpResponse<Buffer> noFilter = list(user.sign(), "$top", "2", "$skiptoken", skiptoken);

    assertThat(badRequest(otherFilter).getString("message")).contains("$skiptoken");
    assertThat(badRequest(noFilter).getString("message")).contains("$skiptoken");
  }

  @Test
  void a_skiptoken_used_with_another_orderby_is_a_400() {
    Token user = service.tokens.user();
    insert(user.oid(), numbered(5));
    String skiptoken = skiptoken(ok(list(user.sign(), "$top", "2", "$orderby", "createdDateTime asc")));

    HttpResponse<Buffer> otherDirection =
      list(user.sign(), "$top", "2", "$orderby", "createdDateTime desc", "$skiptoken", skiptoken);
    HttpResponse<Buffer> otherProperty =
      list(user.sign(), "$top", "2", "$orderby", "lastActionDateTime asc", "$skiptoken", skiptoken);

    assertThat(badRequest(otherDirection).getString("message")).contains("$skiptoken");
    assertThat(badRequest(otherProperty).getString("message")).contains("$skiptoken");
  }

  // ---- $count

  @Test
  void count_true_adds_the_number_of_rows() {
    Token user = service.tokens.user();
    insert(user.oid(), assorted(7));

    JsonObject body = ok(list(user.sign(), "$count", "true"));

    assertThat(body.getLong("@odata.count")).isEqualTo(7);
    assertThat(body.getJsonArray("value")).hasSize(7);
  }

  @Test
  void count_true_counts_the_rows_that_match_the_filter_on_every_page() {
    Token user = service.tokens.user();
    List<Stored> rows = assorted(25);
    insert(user.oid(), rows);
    long running = rows.stream().filter(row -> row.status().equals("running")).count();
    long notRunning = rows.size() - running;

    List<JsonObject> all = pages(user.sign(), ME + query("$count", "true", "$top", "4"));
    List<JsonObject> filtered =
      pages(user.sign(), ME + query("$count", "true", "$top", "4", "$filter", "status ne 'running'"));

    assertThat(all).hasSize(7).allSatisfy(page -> assertThat(page.getLong("@odata.count")).isEqualTo(25));
    assertThat(filtered).allSatisfy(page -> assertThat(page.getLong("@odata.count")).isEqualTo(notRunning));
    assertThat(ids(filtered)).hasSize((int) notRunning);
  }

  // ---- $select

  @ParameterizedTest(name = "$select={0}")
  @ValueSource(strings = {"id", "status", "createdDateTime,lastActionDateTime", "statusDetail,resourceLocation",
    "id,status", "resourceLocation,status,createdDateTime",
    "id,createdDateTime,lastActionDateTime,status,statusDetail,resourceLocation"})
  void select_returns_the_selected_properties_and_id_and_nothing_else(String select) {
    String token = service.tokens.user().sign();
    JsonObject full = created(token, new JsonObject().put("status", "running").put("statusDetail", "x"));
    created(token, new JsonObject());
    List<String> selected = new ArrayList<>(Arrays.asList(select.split(",")));

    JsonObject body = ok(list(token, "$select", select));

    assertThat(items(body)).hasSize(2).allSatisfy(item -> {
      List<String> expected = new ArrayList<>(selected);
      if (!expected.contains("id")) {
        expected.add("id");
      }
      assertThat(properties(item)).containsExactlyInAnyOrderElementsOf(expected);
    });
    JsonObject item = items(body).stream().filter(i -> i.getString("id").equals(full.getString("id"))).findFirst()
      .orElseThrow();
    for (String property : selected) {
      assertThat(item.getValue(property)).as(property).isEqualTo(full.getValue(property));
    }
  }

  @ParameterizedTest(name = "$select={0} → 400")
  @ValueSource(strings = {"color", "status,color", "Status"})
  void select_of_an_unknown_property_is_a_400(String select) {
    JsonObject error = badRequest(list(service.tokens.user().sign(), "$select", select));

    assertThat(error.getString("message")).contains("$select");
  }

  // ---- $orderby

  @ParameterizedTest(name = "$orderby={0}")
  @CsvSource({
    "id", "id asc", "id desc",
    "createdDateTime", "createdDateTime asc", "createdDateTime desc",
    "lastActionDateTime", "lastActionDateTime asc", "lastActionDateTime desc",
    "status", "status asc", "status desc",
    "statusDetail", "statusDetail asc", "statusDetail desc",
    "resourceLocation", "resourceLocation asc", "resourceLocation desc"})
  void every_property_sorts_ascending_and_descending(String orderby) {
    Token user = service.tokens.user();
    List<Stored> rows = assorted(20);
    insert(user.oid(), rows);

    assertInOrder(ids(ok(list(user.sign(), "$orderby", orderby))), rows, orderby);
  }

  @Test
  void status_sorts_in_the_order_of_the_enum_not_alphabetically() {
    Token user = service.tokens.user();
    insert(user.oid(), List.of(
      stored("op-f", T0, "failed", null),
      stored("op-s", T0, "succeeded", null),
      stored("op-r", T0, "running", null),
      stored("op-n", T0, "notStarted", null)));

    assertThat(ids(ok(list(user.sign(), "$orderby", "status")))).containsExactly("op-n", "op-r", "op-s", "op-f");
  }

  @ParameterizedTest(name = "$orderby={0}")
  @ValueSource(strings = {"status desc,statusDetail asc,lastActionDateTime desc",
    "resourceLocation,statusDetail desc,createdDateTime asc,id desc", "createdDateTime asc,status desc"})
  void several_keys_sort_in_turn(String orderby) {
    Token user = service.tokens.user();
    List<Stored> rows = assorted(30);
    insert(user.oid(), rows);

    assertInOrder(ids(ok(list(user.sign(), "$orderby", orderby))), rows, orderby);
  }

  @ParameterizedTest(name = "$orderby={0} → 400")
  @ValueSource(strings = {"color", "color desc", "status sideways", "Status", "status,status desc"})
  void orderby_of_an_unknown_property_or_direction_is_a_400(String orderby) {
    JsonObject error = badRequest(list(service.tokens.user().sign(), "$orderby", orderby));

    assertThat(error.getString("message")).contains("$orderby");
  }

  // ---- other query options

  @Test
  void expand_star_is_accepted() {
    String token = service.tokens.user().sign();
    created(token, new JsonObject());

    assertThat(ok(list(token, "$expand", "*")).getJsonArray("value")).hasSize(1);
  }

  @ParameterizedTest(name = "$expand={0} → 400")
  @ValueSource(strings = {"other", "methods"})
  void expand_of_anything_but_star_is_a_400(String expand) {
    JsonObject error = badRequest(list(service.tokens.user().sign(), "$expand", expand));

    assertThat(error.getString("message")).contains("$expand");
  }

  @Test
  void search_is_a_400_not_supported() {
    JsonObject error = badRequest(list(service.tokens.user().sign(), "$search", "\"reset\""));

    assertThat(error.getString("message")).contains("not supported").contains("$search");
  }

  @ParameterizedTest(name = "{0}={1} → 400")
  @CsvSource({"$levels, 2", "$format, json", "$apply, groupby((status))", "$compute, x"})
  void an_unknown_dollar_option_is_a_400_naming_it(String option, String value) {
    JsonObject error = badRequest(list(service.tokens.user().sign(), option, value));

    assertThat(error.getString("message")).contains(option);
  }

  @Test
  void a_parameter_without_a_dollar_is_ignored() {
    String token = service.tokens.user().sign();
    created(token, new JsonObject());

    assertThat(ok(list(token, "levels", "2", "api-version", "beta")).getJsonArray("value")).hasSize(1);
  }

  // ---- $filter

  @ParameterizedTest(name = "$filter={0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    status in ('notStarted','running')                                                  | f5,f2,f1
    status in ('notstarted', 'failed')                                                  | f4,f1
    createdDateTime ge 2026-03-01T00:00:00Z                                             | f5,f4,f3
    createdDateTime lt 2026-03-01T00:00:00-01:00                                        | f3,f2,f1
    startswith(statusDetail,'export')                                                   | f2,f1
    endswith(statusDetail,'users')                                                      | f3,f1
    contains(statusDetail,'o')                                                          | f5,f3,f2,f1
    not (status eq 'running')                                                           | f4,f3,f1
    not startswith(statusDetail,'export')                                               | f5,f4,f3
    statusDetail eq null                                                                | f4
    statusDetail ne 'export users'                                                      | f5,f4,f3,f2
    status eq 'running' and startswith(statusDetail,'reset') or statusDetail eq null    | f5,f4
    (status eq 'failed' or status eq 'succeeded') and createdDateTime lt 2026-04-01T00:00:00Z | f3
    status eq microsoft.graph.longRunningOperationStatus'failed'                        | f4
    id in ('f1','f3','nope')                                                            | f3,f1
    resourceLocation eq 'https://contoso.example/r/it''s'                               | f2
    lastActionDateTime gt 2026-04-15T00:00:00Z and status ne 'failed'                   | f5
    """)
  void filter_returns_the_matching_operations(String filter, String expected) {
    Token user = service.tokens.user();
    insert(user.oid(), List.of(
      new Stored("f1", at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"), "notStarted", "export users", null),
      new Stored("f2", at("2026-02-01T00:00:00Z"), at("2026-02-02T00:00:00Z"), "running", "export groups",
        "https://contoso.example/r/it's"),
      new Stored("f3", at("2026-03-01T00:00:00Z"), at("2026-03-02T00:00:00Z"), "succeeded", "import users", null),
      new Stored("f4", at("2026-04-01T00:00:00Z"), at("2026-04-02T00:00:00Z"), "failed", null, null),
      new Stored("f5", at("2026-05-01T00:00:00Z"), at("2026-05-02T00:00:00Z"), "running", "reset password", null)));

    assertThat(ids(ok(list(user.sign(), "$filter", filter)))).containsExactly(expected.split(","));
  }

  @Test
  void filter_works_on_operations_created_over_http() {
    String token = service.tokens.user().sign();
    String running = created(token, new JsonObject().put("status", "running").put("statusDetail", "Resetting")).getString("id");
    created(token, new JsonObject().put("status", "succeeded").put("statusDetail", "Resetting"));
    created(token, new JsonObject().put("status", "running"));

    JsonObject body = ok(list(token, "$filter", "status eq 'running' and startswith(statusDetail,'Reset')"));

    assertThat(ids(body)).containsExactly(running);
  }

  @ParameterizedTest(name = "$filter={0} → 400")
  @ValueSource(strings = {"status eq", "status eq 'running' and", "(status eq 'running'", "status eq 'running')",
    "color eq 'blue'", "status eq 'paused'", "createdDateTime ge yesterday", "startswith(status,'r')",
    "statusDetail in ('a')", "status eq 'running' xor status eq 'failed'", "status eq 3", "'unterminated"})
  void a_malformed_filter_is_a_400_that_gives_the_position(String filter) {
    JsonObject error = badRequest(list(service.tokens.user().sign(), "$filter", filter));

    assertThat(error.getString("message")).contains("$filter").contains("position");
  }

  @ParameterizedTest(name = "$filter={0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    createdDateTime lt 2026-03-01T01:00:00+01:00 | f2,f1
    statusDetail eq 'a+b'                        | f2
    statusDetail eq '50% done'                   | f1
    contains(statusDetail,'%')                   | f1
    """)
  void a_plus_or_a_percent_sign_in_a_filter_is_read_as_the_client_encoded_it(String filter, String expected) {
    Token user = service.tokens.user();
    insert(user.oid(), List.of(
      stored("f1", at("2026-01-01T00:00:00Z"), "running", "50% done"),
      stored("f2", at("2026-02-01T00:00:00Z"), "running", "a+b"),
      stored("f3", at("2026-03-01T00:00:00Z"), "running", "a b")));

    assertThat(ids(ok(list(user.sign(), "$filter", filter)))).containsExactly(expected.split(","));
  }

  @Test
  void a_value_in_a_filter_is_data_not_sql() {
    Token user = service.tokens.user();
    insert(user.oid(), List.of(stored("op-1", T0, "running", "x' OR '1'='1"), stored("op-2", T0, "running", "y")));

    assertThat(ids(ok(list(user.sign(), "$filter", "statusDetail eq 'x'' OR ''1''=''1'")))).containsExactly("op-1");
    assertThat(ids(ok(list(user.sign(), "$filter", "statusDetail eq 'x'' or ''1''=''1'")))).isEmpty();
  }

  // ---- helpers

  /** A row of the operations table. */
  private record Stored(String id, OffsetDateTime created, OffsetDateTime lastAction, String status, String statusDetail,
                        String resourceLocation) {
  }

  private static Stored stored(String id, OffsetDateTime created) {
    return new Stored(id, created, created, "running", null, null);
  }

  private static Stored stored(String id, OffsetDateTime created, String status, String statusDetail) {
    return new Stored(id, created, created, status, statusDetail, null);
  }

  private static OffsetDateTime at(String instant) {
    return OffsetDateTime.parse(instant);
  }

  /** Rows created one second apart, oldest first, with ids that do not follow their age. */
  private static List<Stored> numbered(int count) {
    return IntStream.range(0, count)
      .mapToObj(i -> stored(UUID.nameUUIDFromBytes(("row " + i).getBytes(StandardCharsets.UTF_8)).toString(),
        T0.plusSeconds(i)))
      .toList();
  }

  /** Rows with many ties on every property, and nulls in the nullable ones; the same for a given count. */
  private static List<Stored> assorted(int count) {
    Random random = new Random(count);
    List<String> details = Arrays.asList(null, "alpha", "beta", "gamma", null, "beta", "");
    List<String> locations = Arrays.asList(null, "https://contoso.example/r/a", "https://contoso.example/r/b");
    List<Stored> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(new Stored(new UUID(random.nextLong(), random.nextLong()).toString(),
        T0.plusMinutes(random.nextInt(4)),
        T0.plusSeconds(random.nextInt(5)),
        STATUSES.get(random.nextInt(STATUSES.size())),
        details.get(random.nextInt(details.size())),
        locations.get(random.nextInt(locations.size()))));
    }
    return rows;
  }

  private static void insert(String ownerId, List<Stored> rows) {
    await(service.database.pool().preparedQuery("INSERT INTO operations (owner_id, id, created_date_time, "
        + "last_action_date_time, status, status_detail, resource_location) VALUES ($1, $2, $3, $4, $5, $6, $7)")
      .executeBatch(rows.stream().map(row -> Tuple.from(new Object[] {ownerId, row.id(), row.created(), row.lastAction(),
        row.status(), row.statusDetail(), row.resourceLocation()})).toList()));
  }

  private static List<String> newestFirst(List<Stored> rows) {
    return sorted(rows, orderOf("createdDateTime desc,id desc"));
  }

  private static List<String> sorted(List<Stored> rows, Comparator<Stored> order) {
    return rows.stream().sorted(order).map(Stored::id).toList();
  }

  /**
   * The order that an $orderby asks for, as OData defines it: enum members in their declared order,
   * nulls before values when ascending. Ties beyond its keys are left open.
   */
  private static Comparator<Stored> orderOf(String orderby) {
    Comparator<Stored> order = (a, b) -> 0;
    for (String clause : orderby.split(",")) {
      String[] words = clause.trim().split("\\s+");
      Comparator<Stored> key = switch (words[0]) {
        case "id" -> Comparator.comparing(Stored::id);
        case "createdDateTime" -> Comparator.comparing(row -> row.created().toInstant());
        case "lastActionDateTime" -> Comparator.comparing(row -> row.lastAction().toInstant());
        case "status" -> Comparator.comparing(row -> STATUSES.indexOf(row.status()));
        case "statusDetail" -> Comparator.comparing(row -> first64(row.statusDetail()), Comparator.nullsFirst(Comparator.naturalOrder()));
        case "resourceLocation" ->
          Comparator.comparing(row -> first64(row.resourceLocation()), Comparator.nullsFirst(Comparator.naturalOrder()));
        default -> throw new IllegalArgumentException(words[0]);
      };
      order = order.thenComparing(words.length > 1 && words[1].equals("desc") ? key.reversed() : key);
    }
    return order;
  }

  /** A long text places a row by its first 64 characters (code points); ties go to the next key. */
  private static String first64(String value) {
    return value == null || value.codePointCount(0, value.length()) <= 64 ? value
      : value.substring(0, value.offsetByCodePoints(0, 64));
  }

  /** Every row exactly once, each no earlier in the order than the one before it. */
  private static void assertInOrder(List<String> ids, List<Stored> rows, String orderby) {
    Map<String, Stored> byId = rows.stream().collect(Collectors.toMap(Stored::id, Function.identity()));
    assertThat(ids).as("every row exactly once").doesNotHaveDuplicates()
      .containsExactlyInAnyOrderElementsOf(byId.keySet());
    assertThat(ids.stream().map(byId::get).toList()).as("sorted by " + orderby).isSortedAccordingTo(orderOf(orderby));
  }

  private static JsonObject created(String token, JsonObject body) {
    HttpResponse<Buffer> response = await(service.request(HttpMethod.POST, ME).bearerTokenAuthentication(token)
      .sendJsonObject(body));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    return response.bodyAsJsonObject();
  }

  /** GET the list with query options given as name, value, name, value... */
  private static HttpResponse<Buffer> list(String token, String... options) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < options.length; i += 2) {
      map.put(options[i], options[i + 1]);
    }
    return get(token, ME + query(map));
  }

  private static HttpResponse<Buffer> get(String token, String pathAndQuery) {
    return await(service.request(HttpMethod.GET, pathAndQuery).bearerTokenAuthentication(token).send());
  }

  private static String query(String... options) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < options.length; i += 2) {
      map.put(options[i], options[i + 1]);
    }
    return query(map);
  }

  /** A query string as Graph clients write it: values percent-encoded, spaces as %20, quotes as %27. */
  private static String query(Map<String, String> options) {
    if (options.isEmpty()) {
      return "";
    }
    return "?" + options.entrySet().stream()
      .map(option -> option.getKey() + "=" + URLEncoder.encode(option.getValue(), StandardCharsets.UTF_8).replace("+", "%20"))
      .collect(Collectors.joining("&"));
  }

  /** The query options of a link, decoded. */
  private static Map<String, String> queryOf(String link) {
    assertThat(link).as("@odata.nextLink").isNotNull();
    Map<String, String> options = new LinkedHashMap<>();
    for (String pair : URI.create(link).getRawQuery().split("&")) {
      int equals = pair.indexOf('=');
      options.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    return options;
  }

  private static String skiptoken(JsonObject page) {
    return queryOf(page.getString("@odata.nextLink")).get("$skiptoken");
  }

  /** An absolute @odata.nextLink of this service, as a path and query to request. */
  private static String relative(String nextLink) {
    String origin = "http://localhost:" + service.port;
    assertThat(nextLink).startsWith(origin + ME + "?");
    return nextLink.substring(origin.length());
  }

  /** Every page, from the first request to the one without @odata.nextLink. */
  private static List<JsonObject> pages(String token, String firstPathAndQuery) {
    List<JsonObject> pages = new ArrayList<>();
    String next = firstPathAndQuery;
    while (next != null) {
      assertThat(pages).as("pages so far").hasSizeLessThan(200);
      JsonObject page = ok(get(token, next));
      pages.add(page);
      String link = page.getString("@odata.nextLink");
      next = link == null ? null : relative(link);
    }
    return pages;
  }

  private static JsonObject ok(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    return response.bodyAsJsonObject();
  }

  private static JsonObject badRequest(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("badRequest");
    return error;
  }

  private static List<JsonObject> items(JsonObject page) {
    return page.getJsonArray("value").stream().map(JsonObject.class::cast).toList();
  }

  private static List<String> ids(JsonObject page) {
    return items(page).stream().map(item -> item.getString("id")).toList();
  }

  private static List<String> ids(List<JsonObject> pages) {
    return pages.stream().flatMap(page -> ids(page).stream()).toList();
  }

  /** The entity's properties, without OData annotations. */
  private static List<String> properties(JsonObject item) {
    return item.fieldNames().stream().filter(name -> !name.startsWith("@odata.")).toList();
  }
}
