package com.contoso.lro.graph;

import com.contoso.lro.BareRouter;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The links Graph writes, from the request a server received, on a bare router: no database and
 * no service. ListOperationsTest, PageLinksTest and PublicBaseUrlTest show them in the service's answers.
 */
class GraphLinksTest {

  private static final String OWNER = "6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0";
  private static final GraphLinks CALLED = new GraphLinks(Optional.empty(), "/beta");
  private static final GraphLinks PUBLIC = new GraphLinks(Optional.of("https://graph.contoso.test"), "/beta");

  private static BareRouter router;
  /** What the route answers: the link that the test's function makes of the request. */
  private static volatile BiFunction<GraphLinks, RoutingContext, String> link;
  private static volatile GraphLinks links;

  @BeforeAll
  static void serve() {
    router = new BareRouter((vertx, routes) -> routes.route().handler(ctx -> ctx.response().end(link.apply(links, ctx))));
  }

  @AfterAll
  static void stop() {
    router.close();
  }

  @Test
  void next_page_repeats_the_query_but_skip_and_the_old_skiptoken_and_adds_the_new_one() {
    String next = linkOf(CALLED, (graphLinks, ctx) -> graphLinks.nextPage(ctx, OWNER, "t0k.en"),
      "/beta/me/authentication/operations?$filter=status%20eq%20'running'&$skip=4&$top=2&$skiptoken=old&tenant=a%20b");

    assertThat(next).isEqualTo(origin() + "/beta/me/authentication/operations"
      + "?$filter=status%20eq%20%27running%27&$top=2&tenant=a%20b&$skiptoken=t0k.en");
  }

  @Test
  void options_the_contract_bounds_are_written_once_in_a_canonical_spelling() {
    String next = linkOf(CALLED, (graphLinks, ctx) -> graphLinks.nextPage(ctx, OWNER, "t"),
      "/beta/me/authentication/operations?$top=%2005&$count=TRUE&$orderby=status,id&$orderby=status%20,%20createdDateTime"
        + "&$select=id&$select=id,status&$top=9");

    assertThat(next).startsWith(origin() + "/beta/me/authentication/operations?").endsWith("&$skiptoken=t");
    assertThat(next.substring(next.indexOf('?') + 1).split("&")).as("in any order")
      .containsExactlyInAnyOrder("$top=5", "$count=true", "$orderby=status%2Cid%2CcreatedDateTime", "$select=id%2Cstatus",
        "$skiptoken=t");
  }

  @Test
  void a_path_too_long_to_repeat_is_written_with_the_owners_id() {
    String userId = "u".repeat(GraphLinks.LONGEST_PATH);

    String next = linkOf(CALLED, (graphLinks, ctx) -> graphLinks.nextPage(ctx, OWNER, "t"),
      "/beta/users/" + userId + "/authentication/operations?$top=1");

    assertThat(next).isEqualTo(origin() + "/beta/users/" + OWNER + "/authentication/operations?$top=1&$skiptoken=t");
  }

  @Test
  void only_the_parameters_repeated_as_they_came_count_against_the_echoed_query_limit() {
    String counted = linkOf(CALLED, (graphLinks, ctx) -> String.valueOf(GraphLinks.echoedLength(ctx)),
      "/beta/me/authentication/operations?$filter=a%20b&$top=5&$orderby=id&$skip=3&$skiptoken=x&tenant=%24");

    assertThat(counted).as("'$filter=a%%20b&' and 'tenant=%%24&'").isEqualTo(String.valueOf("$filter=a%20b&".length()
      + "tenant=%24&".length()));
  }

  @Test
  void links_to_an_operation_and_its_context_encode_the_ids_as_path_segments() {
    assertThat(linkOf(CALLED, (graphLinks, ctx) -> graphLinks.operation(ctx, OWNER, "a b/c"), "/any"))
      .isEqualTo(origin() + "/beta/users/" + OWNER + "/authentication/operations/a%20b%2Fc");
    assertThat(linkOf(CALLED, (graphLinks, ctx) -> graphLinks.operationsContext(ctx, OWNER), "/any"))
      .isEqualTo(origin() + "/beta/$metadata#users('" + OWNER + "')/authentication/operations");
    assertThat(linkOf(CALLED, (graphLinks, ctx) -> graphLinks.operationEntityContext(ctx, OWNER), "/any"))
      .isEqualTo(origin() + "/beta/$metadata#users('" + OWNER + "')/authentication/operations/$entity");
  }

  @Test
  void unreserved_characters_stay_as_they_are_and_every_other_is_percent_encoded_once() {
    assertThat(GraphLinks.segment("a~b")).isEqualTo("a~b");
    assertThat(GraphLinks.segment("AZaz09-._~")).isEqualTo("AZaz09-._~");
    assertThat(GraphLinks.segment("a b")).isEqualTo("a%20b");
    assertThat(GraphLinks.segment("é")).isEqualTo("%C3%A9");
    assertThat(GraphLinks.segment("\uD83D\uDE00")).isEqualTo("%F0%9F%98%80");
    assertThat(GraphLinks.segment("a/b")).isEqualTo("a%2Fb");
    assertThat(GraphLinks.segment("a+b")).isEqualTo("a%2Bb");
    assertThat(GraphLinks.segment("100%")).isEqualTo("100%25");
    assertThat(GraphLinks.segment("%7E")).as("once: an escape in an id is the id's").isEqualTo("%257E");
    assertThat(GraphLinks.query("!$&'()*+,;=:@#?[]")).as("delimiters, in a query value too")
      .isEqualTo("%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A%40%23%3F%5B%5D");
  }

  @Test
  void every_ascii_character_is_itself_when_unreserved_else_its_escape() {
    for (char c = 0; c < 128; c++) {
      boolean unreserved = Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0;
      assertThat(GraphLinks.percentEncoded(String.valueOf(c))).as("U+%04X", (int) c)
        .isEqualTo(unreserved ? String.valueOf(c) : String.format("%%%02X", (int) c));
    }
  }

  @Test
  void an_odata_option_keeps_its_dollar_and_any_other_name_is_encoded() {
    assertThat(GraphLinks.queryName("$filter")).isEqualTo("$filter");
    assertThat(GraphLinks.queryName("a$b~c d")).isEqualTo("a%24b~c%20d");
  }

  @Test
  void next_page_writes_the_path_and_query_with_unreserved_characters_unencoded() {
    String next = linkOf(CALLED, (graphLinks, ctx) -> graphLinks.nextPage(ctx, OWNER, "t~1"),
      "/beta/users/ada%7elovelace@contoso.test/authentication/operations?$filter=id%20eq%20%27a%7Eb%2Bc%27&x%7E=%7e");

    assertThat(next).isEqualTo(origin() + "/beta/users/ada~lovelace%40contoso.test/authentication/operations"
      + "?$filter=id%20eq%20%27a~b%2Bc%27&x~=~&$skiptoken=t~1");
  }

  @Test
  void the_public_base_url_stands_for_whatever_host_the_client_called() {
    assertThat(linkOf(PUBLIC, GraphLinks::serviceRoot, "/any")).isEqualTo("https://graph.contoso.test/beta");
    assertThat(linkOf(PUBLIC, (graphLinks, ctx) -> graphLinks.nextPage(ctx, OWNER, "t"),
      "/beta/me/authentication/operations?$top=1")).isEqualTo("https://graph.contoso.test/beta/me/authentication/operations?$top=1&$skiptoken=t");
  }

  @Test
  void without_a_public_base_url_the_origin_is_the_scheme_and_host_the_client_called() {
    assertThat(linkOf(CALLED, GraphLinks::serviceRoot, "/any")).isEqualTo(origin() + "/beta");
  }

  private static String linkOf(GraphLinks graphLinks, BiFunction<GraphLinks, RoutingContext, String> making, String pathAndQuery) {
    links = graphLinks;
    link = making;
    return router.send(HttpMethod.GET, pathAndQuery).bodyAsString();
  }

  private static String origin() {
    return router.origin();
  }
}
