package com.contoso.lro.operations.query;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * $orderby as terms of ORDER BY: the order asked for, then id, so that the order is total and a page
 * token can name a place in it. ListOperationsTest shows the same orders over HTTP, on stored rows.
 */
class OrderByTest {

  @Test
  void without_orderby_the_order_is_createdDateTime_desc_then_id_desc() {
    assertThat(sql(OrderBy.parse(List.of()))).containsExactly("created_date_time DESC", "id DESC");
  }

  @Test
  void the_properties_come_in_the_order_given_each_in_its_direction_then_id_in_the_last_ones() {
    assertThat(sql(OrderBy.parse(List.of("lastActionDateTime desc", "createdDateTime"))))
      .containsExactly("last_action_date_time DESC", "created_date_time ASC", "id ASC");
    assertThat(sql(OrderBy.parse(List.of("createdDateTime asc", "lastActionDateTime desc"))))
      .as("the tie-breaker follows the last key, so that a uniform order stays one index scan")
      .containsExactly("created_date_time ASC", "last_action_date_time DESC", "id DESC");
  }

  @Test
  void id_named_anywhere_is_not_added_again() {
    assertThat(sql(OrderBy.parse(List.of("id desc", "createdDateTime")))).containsExactly("id DESC", "created_date_time ASC");
  }

  @Test
  void status_sorts_by_its_place_in_the_enum() {
    List<SortTerm> terms = OrderBy.parse(List.of("status"));

    assertThat(terms.get(0).sql()).isEqualTo(OperationProperty.STATUS.sql());
    assertThat(terms.get(0).type()).isEqualTo(Integer.class);
  }

  @Test
  void a_long_text_sorts_by_its_first_64_characters_by_code_point_nulls_first_then_by_id() {
    List<SortTerm> terms = OrderBy.parse(List.of("statusDetail desc"));

    assertThat(sql(terms)).containsExactly(
      "status_detail_order DESC",
      "id DESC");
    assertThat(terms).extracting(SortTerm::longText).containsExactly(true, false);
  }

  @Test
  void a_long_texts_key_is_what_the_sql_computes_null_first_then_64_code_points() {
    String astral = "\uD83D\uDE00"; // one code point, two Java chars: PostgreSQL counts it once
    assertThat(SortTerm.orderKey(null)).isEmpty();
    assertThat(SortTerm.orderKey("")).isEqualTo("~");
    assertThat(SortTerm.orderKey("Done")).isEqualTo("~Done");
    assertThat(SortTerm.orderKey(astral.repeat(100))).isEqualTo("~" + astral.repeat(64));
    assertThat(SortTerm.orderKey("a".repeat(64) + "b")).isEqualTo("~" + "a".repeat(64));
    // null before the empty string before any value, by code point
    assertThat(SortTerm.orderKey(null).compareTo(SortTerm.orderKey(""))).isNegative();
    assertThat(SortTerm.orderKey("").compareTo(SortTerm.orderKey("\u0001"))).isNegative();
  }

  @Test
  void a_property_the_operation_does_not_have_is_refused_with_its_name() {
    assertThatThrownBy(() -> OrderBy.parse(List.of("displayName")))
      .isInstanceOf(QueryOptionException.class)
      .hasMessage("Invalid $orderby: unknown property 'displayName'.")
      .extracting(failure -> ((QueryOptionException) failure).option()).isEqualTo("$orderby");
  }

  @Test
  void names_are_case_sensitive_as_in_odata() {
    assertThatThrownBy(() -> OrderBy.parse(List.of("CreatedDateTime")))
      .hasMessage("Invalid $orderby: unknown property 'CreatedDateTime'.");
  }

  @Test
  void a_property_named_twice_is_refused() {
    assertThatThrownBy(() -> OrderBy.parse(List.of("status", "status desc")))
      .isInstanceOf(QueryOptionException.class)
      .hasMessage("Invalid $orderby: 'status' appears twice.");
  }

  @Test
  void the_description_that_binds_a_page_token_names_each_term_and_its_direction() {
    assertThat(OrderBy.describe(OrderBy.parse(List.of("resourceLocation asc"))))
      .isEqualTo("resource_location_order asc,id asc,");
    assertThat(OrderBy.describe(OrderBy.parse(List.of()))).isEqualTo("created_date_time desc,id desc,");
  }

  private static List<String> sql(List<SortTerm> terms) {
    return terms.stream().map(term -> term.sql() + (term.descending() ? " DESC" : " ASC")).toList();
  }
}
