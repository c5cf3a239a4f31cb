package com.contoso.lro.operations.query;

import com.contoso.lro.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.StreamSupport;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * $filter to SQL: the SQL and parameters produced, every error, and, on a real PostgreSQL database,
 * which rows each filter selects.
 */
@ExtendWith(VertxExtension.class)
class FilterParserTest {

  private static final String OWNER = "owner-a";
  private static final String STATUS = OperationProperty.STATUS.sql();

  /** owner, id, createdDateTime, lastActionDateTime, status, statusDetail, resourceLocation. */
  private static final List<Tuple> ROWS = List.of(
    row(OWNER, "op-1", "2026-01-01T00:00:00Z", "2026-01-01T00:05:00Z", "notStarted", null, null),
    row(OWNER, "op-2", "2026-01-02T00:00:00Z", "2026-01-02T01:00:00Z", "running", "copying 3 of 10", null),
    row(OWNER, "op-3", "2026-01-03T00:00:00Z", "2026-01-03T02:00:00Z", "succeeded", "done", "https://graph.example/items/3"),
    row(OWNER, "op-4", "2026-01-04T00:00:00Z", "2026-01-04T00:30:00Z", "failed", "quota exceeded", null),
    row(OWNER, "op-5", "2026-01-05T12:00:00Z", "2026-01-05T12:00:00.250Z", "running", "it's running", null),
    row(OWNER, "op-6", "2026-01-06T00:00:00Z", "2026-01-06T06:00:00Z", "succeeded", null, "https://graph.example/items/6"),
    row(OWNER, "batch-7", "2026-01-07T00:00:00Z", "2026-01-07T00:00:01Z", "failed", "quota exceeded twice", "https://other.example/batch-7"),
    row(OWNER, "batch-8", "2026-01-08T00:00:00Z", "2026-01-08T00:00:00Z", "notStarted", "", null),
    // Another owner's rows, which no filter may reach.
    row("owner-b", "op-1", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "running", "done", null),
    row("owner-b", "op-9", "2026-01-09T00:00:00Z", "2026-01-09T00:00:00Z", "failed", "done", null));

  private static TestDatabase database;

  @BeforeAll
  static void createOperations(Vertx vertx, VertxTestContext test) throws IOException {
    String schema;
    try (InputStream in = FilterParserTest.class.getResourceAsStream("/db/migration/V1__operations.sql")) {
      schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    TestDatabase.create(vertx)
      .compose(created -> {
        database = created;
        return database.pool().query(schema).execute();
      })
      .compose(created -> database.pool()
        .preparedQuery("INSERT INTO operations VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .executeBatch(ROWS))
      .onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void dropDatabase(VertxTestContext test) {
    database.drop().onComplete(test.succeedingThenComplete());
  }

  // The SQL produced

  @Test
  void a_comparison_on_a_required_property_is_plain_sql_with_the_value_as_a_parameter() {
    SqlParameters parameters = new SqlParameters();

    assertThat(FilterParser.toSql("id eq 'op-1'", parameters)).isEqualTo("id = $1");
    assertThat(parameters.values()).containsExactly("op-1");
  }

  @Test
  void placeholders_number_on_from_the_parameters_added_before() {
    SqlParameters parameters = new SqlParameters();
    parameters.add(OWNER);

    assertThat(FilterParser.toSql("id ne 'op-1' and id lt 'op-9'", parameters)).isEqualTo("(id <> $2 AND id < $3)");
    assertThat(parameters.values()).containsExactly(OWNER, "op-1", "op-9");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    id eq 'a'           | id = $1
    id ne 'a'           | id <> $1
    id gt 'a'           | id > $1
    id ge 'a'           | id >= $1
    id lt 'a'           | id < $1
    id le 'a'           | id <= $1
    statusDetail eq 'a' | status_detail IS NOT DISTINCT FROM $1
    statusDetail ne 'a' | status_detail IS DISTINCT FROM $1
    statusDetail gt 'a' | COALESCE(status_detail > $1, false)
    resourceLocation le 'a' | COALESCE(resource_location <= $1, false)
    statusDetail eq null | status_detail IS NULL
    resourceLocation ne null | resource_location IS NOT NULL
    """)
  void comparisons_on_a_nullable_property_are_false_rather_than_null_when_it_is_null(String filter, String sql) {
    assertThat(FilterParser.toSql(filter, new SqlParameters())).isEqualTo(sql);
  }

  @Test
  void a_null_literal_needs_no_parameter() {
    SqlParameters parameters = new SqlParameters();

    FilterParser.toSql("statusDetail eq null", parameters);

    assertThat(parameters.values()).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> position {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    status eq 'notStarted'                                    | 1
    status eq 'notstarted'                                    | 1
    status eq 'running'                                       | 2
    status eq microsoft.graph.longRunningOperationStatus'succeeded' | 3
    status eq 'failed'                                        | 4
    """)
  void status_is_compared_by_the_members_position(String filter, int position) {
    SqlParameters parameters = new SqlParameters();

    assertThat(FilterParser.toSql(filter, parameters)).isEqualTo(STATUS + " = $1");
    assertThat(parameters.values()).containsExactly(position);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    createdDateTime ge 2026-11-28T10:15:30.123+01:00   | created_date_time >= $1     | 2026-11-28T10:15:30.123+01:00
    createdDateTime lt 2026-11-28T10:15:30Z            | created_date_time < $1      | 2026-11-28T10:15:30Z
    lastActionDateTime eq '2026-11-28T10:15:30-05:00'  | last_action_date_time = $1  | 2026-11-28T10:15:30-05:00
    """)
  void a_date_time_offset_bare_or_quoted_is_an_offset_date_time_parameter(String filter, String sql, String value) {
    SqlParameters parameters = new SqlParameters();

    assertThat(FilterParser.toSql(filter, parameters)).isEqualTo(sql);
    assertThat(parameters.values()).containsExactly(OffsetDateTime.parse(value));
  }

  @Test
  void in_is_one_array_parameter_without_null_members() {
    SqlParameters parameters = new SqlParameters();

    assertThat(FilterParser.toSql("id in ('a', null, 'b') and status in ('running', 'failed')", parameters))
      .isEqualTo("(id = ANY($1) AND " + STATUS + " = ANY($2))");
    assertThat(parameters.values()).containsExactly(new String[] {"a", "b"}, new Integer[] {2, 4});
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    startswith(id, 'a')               | starts_with(id, $1)
    endswith(id, 'a')                 | right(id, char_length($1)) = $1
    contains(id, 'a')                 | strpos(id, $1) > 0
    startswith(statusDetail, 'a')     | COALESCE(starts_with(status_detail, $1), false)
    endswith(resourceLocation, 'a')   | COALESCE(right(resource_location, char_length($1)) = $1, false)
    contains(statusDetail, 'a')       | COALESCE(strpos(status_detail, $1) > 0, false)
    """)
  void string_functions_use_no_like_pattern_and_are_false_on_null(String filter, String sql) {
    SqlParameters parameters = new SqlParameters();

    assertThat(FilterParser.toSql(filter, parameters)).isEqualTo(sql);
    assertThat(parameters.values()).containsExactly("a");
  }

  @Test
  void not_binds_tighter_than_and_which_binds_tighter_than_or() {
    assertThat(FilterParser.toSql("id eq 'a' or id eq 'b' and not id eq 'c' or (id eq 'd')", new SqlParameters()))
      .isEqualTo("(id = $1 OR (id = $2 AND NOT (id = $3)) OR id = $4)");
  }

  @Test
  void any_run_of_spaces_separates_tokens() {
    assertThat(FilterParser.toSql("  id   eq   'a'  and(not(id eq 'b'))  ", new SqlParameters()))
      .isEqualTo("(id = $1 AND NOT (id = $2))");
  }

  @Test
  void a_doubled_quote_is_a_quote_and_string_values_never_reach_the_sql_text() {
    SqlParameters parameters = new SqlParameters();

    String sql = FilterParser.toSql("statusDetail eq 'it''s' or id eq 'x''; DROP TABLE operations; --'", parameters);

    assertThat(sql).isEqualTo("(status_detail IS NOT DISTINCT FROM $1 OR id = $2)");
    assertThat(parameters.values()).containsExactly("it's", "x'; DROP TABLE operations; --");
  }

  @Test
  void nesting_up_to_32_levels_and_expressions_up_to_2048_characters_are_accepted() {
    assertThat(FilterParser.toSql("(".repeat(32) + "id eq 'a'" + ")".repeat(32), new SqlParameters())).isEqualTo("id = $1");
    assertThat(FilterParser.toSql("not (".repeat(16) + "id eq 'a'" + ")".repeat(16), new SqlParameters()))
      .isEqualTo("NOT (".repeat(16) + "id = $1" + ")".repeat(16));
    String longest = "id eq '" + "a".repeat(2048 - 8) + "'";
    assertThat(longest).hasSize(2048);
    assertThat(FilterParser.toSql(longest, new SqlParameters())).isEqualTo("id = $1");
  }

  // Errors

  @ParameterizedTest(name = "{0} -> at {1}: {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    color eq 'red'                          | 1  | unknown property 'color'
    id eq 'a' and color eq 'red'            | 15 | unknown property 'color'
    startsWith(id, 'a')                     | 1  | unknown function 'startsWith'
    color 'abc                              | 1  | unknown property 'color'
    ""                                      | 1  | expected a property, a function, 'not' or '(', found the end of the expression
    not                                     | 4  | expected a property, a function, 'not' or '(', found the end of the expression
    id eq 'a' or                            | 13 | expected a property, a function, 'not' or '(', found the end of the expression
    id eq 'a' and ()                        | 16 | expected a property, a function, 'not' or '(', found ')'
    id EQ 'a'                               | 4  | expected eq, ne, gt, ge, lt, le or in after 'id', found 'EQ'
    id eq                                   | 6  | expected a literal after 'eq', found the end of the expression
    id eq and id eq 'a'                     | 7  | expected a literal after 'eq', found 'and'
    id eq true                              | 7  | expected a literal after 'eq', found 'true'
    id eq -                                 | 7  | unexpected character '-'
    id eq 'a'; DROP TABLE operations        | 10 | unexpected character ';'
    id eq 'abc                              | 7  | unterminated string: no closing quote
    id eq 'it''s                            | 7  | unterminated string: no closing quote
    id eq 'a' xyz                           | 11 | expected 'and', 'or' or the end of the expression, found 'xyz'
    id eq 'a' AND id eq 'b'                 | 11 | expected 'and', 'or' or the end of the expression, found 'AND'
    startswith(id, 'a') eq true             | 21 | expected 'and', 'or' or the end of the expression, found 'eq'
    (id eq 'a'                              | 11 | expected ')' to close the '(' at position 1, found the end of the expression
    ((id eq 'a')                            | 13 | expected ')' to close the '(' at position 1, found the end of the expression
    id eq 'a')                              | 10 | ')' has no matching '('
    status eq 'paused'                      | 11 | status has no member 'paused'; its members are notStarted, running, succeeded, failed
    status eq 'unknownFutureValue'          | 11 | status has no member 'unknownFutureValue'
    status eq 'Running'                     | 11 | status has no member 'Running'
    status eq microsoft.graph.longRunningOperationStatus'paused' | 11 | status has no member 'paused'
    status eq other.Type'running'           | 11 | status takes members of microsoft.graph.longRunningOperationStatus, not other.Type'running'
    status eq 5                             | 11 | numbers are not supported, as no property is numeric: 5
    id eq 42                                | 7  | numbers are not supported, as no property is numeric: 42
    status eq 2026-01-01T00:00:00Z          | 11 | status takes a longRunningOperationStatus such as 'running', not 2026-01-01T00:00:00Z
    id gt 2026-01-01T00:00:00Z              | 7  | id takes a string such as 'abc', not 2026-01-01T00:00:00Z
    id eq microsoft.graph.longRunningOperationStatus'running' | 7 | id takes a string such as 'abc', not microsoft.graph.longRunningOperationStatus'running'
    createdDateTime eq 'abc'                | 20 | createdDateTime takes a DateTimeOffset such as 2026-11-28T10:15:30Z, not 'abc'
    createdDateTime eq '2026-11-28T10:15:30' | 20 | createdDateTime takes a DateTimeOffset such as 2026-11-28T10:15:30Z, not '2026-11-28T10:15:30'
    createdDateTime eq 2026-11-28T10:15:30  | 20 | 2026-11-28T10:15:30 is not a DateTimeOffset such as 2026-11-28T10:15:30Z (the offset is required)
    createdDateTime eq 2026-13-01T00:00:00Z | 20 | 2026-13-01T00:00:00Z is not a DateTimeOffset
    createdDateTime eq 2026-11-28           | 20 | '2026-11-28' is not a literal this service understands
    statusDetail gt null                    | 17 | 'gt' cannot compare with null, only eq and ne can
    createdDateTime in (2026-01-01T00:00:00Z) | 17 | 'in' works on status and id only
    statusDetail in ('a')                   | 14 | 'in' works on status and id only
    id in 'a'                               | 7  | expected '(' after 'in', found 'a'
    id in ()                                | 8  | expected a literal after '(', found ')'
    id in ('a',)                            | 12 | expected a literal after ',', found ')'
    id in ('a' 'b')                         | 12 | expected ',' or ')' in the 'in' list, found 'b'
    id in ('a', 'b'                         | 16 | expected ',' or ')' in the 'in' list, found the end of the expression
    status in ('running', 'paused')         | 23 | status has no member 'paused'
    startswith(status, 'r')                 | 12 | 'startswith' works on string properties only (id, statusDetail, resourceLocation)
    endswith(createdDateTime, '0')          | 10 | 'endswith' works on string properties only
    contains(color, 'a')                    | 10 | unknown property 'color'
    contains('a', id)                       | 10 | expected a property, found 'a'
    contains(id, null)                      | 14 | 'contains' takes a string such as 'abc' after the property, found 'null'
    startswith id                           | 12 | expected '(' after 'startswith', found 'id'
    startswith(id 'a')                      | 15 | expected ',' after the property, found 'a'
    startswith(id, 'a'                      | 19 | expected ')' after the string, found the end of the expression
    """)
  void an_invalid_filter_is_rejected_with_the_position_and_the_reason(String filter, int position, String reason) {
    assertRejected(filter, position, reason);
  }

  @Test
  void nesting_deeper_than_32_levels_of_parentheses_or_not_is_rejected() {
    String tooDeep = "more than 32 nested parentheses and 'not'";
    assertRejected("(".repeat(33) + "id eq 'a'" + ")".repeat(33), 33, tooDeep);
    assertRejected("not ".repeat(33) + "id eq 'a'", 32 * 4 + 1, tooDeep);
    assertRejected("not (".repeat(16) + "not id eq 'a'" + ")".repeat(16), 16 * 5 + 1, tooDeep);
  }

  @Test
  void an_expression_longer_than_2048_characters_is_rejected() {
    assertRejected("id eq '" + "a".repeat(2049 - 8) + "'", 2049, "the expression is longer than 2048 characters");
  }

  @Test
  void four_string_functions_are_accepted_and_a_fifth_is_refused_where_it_starts() {
    String four = "contains(statusDetail,'a') and startswith(id,'b') or endswith(resourceLocation,'c') or contains(id,'d')";
    assertThat(FilterParser.toSql(four, new SqlParameters())).contains("strpos", "starts_with", "right(");
    assertRejected(four + " or contains(id,'e')", four.length() + 5,
      "more than 4 calls of contains, startswith and endswith, this service's limit on the cost of a filter");
    String term = "not contains(statusDetail,'zz%_%')";
    String attack = String.join(" and ", java.util.Collections.nCopies(52, term));
    assertRejected(attack, 4 * (term.length() + " and ".length()) + "not ".length() + 1, "more than 4 calls of contains");
  }

  @Test
  void a_string_function_takes_a_string_of_256_characters_at_most() {
    String longest = "z".repeat(256);
    assertThat(FilterParser.toSql("contains(statusDetail,'" + longest + "')", new SqlParameters())).contains("strpos");
    assertRejected("startswith(statusDetail,'" + longest + "z')", 25,
      "the string of 'startswith' is longer than 256 characters, this service's limit");
    assertThat(FilterParser.toSql("statusDetail eq '" + longest + "z'", new SqlParameters()))
      .as("a comparison's string is bounded by the expression's length only").contains("IS NOT DISTINCT FROM");
  }

  @Test
  void thirty_two_comparisons_and_functions_are_accepted_and_a_thirty_third_is_refused() {
    String many = String.join(" or ", java.util.stream.IntStream.range(0, 32).mapToObj(i -> "id eq 'x'").toList());
    assertThat(FilterParser.toSql(many, new SqlParameters())).contains("$32");
    assertRejected(many + " or status in ('running','failed')", many.length() + 5,
      "more than 32 comparisons and functions, this service's limit on the cost of a filter");
  }

  private static void assertRejected(String filter, int position, String reason) {
    assertThatThrownBy(() -> FilterParser.toSql(filter, new SqlParameters()))
      .isInstanceOfSatisfying(QueryOptionException.class, e -> {
        assertThat(e.option()).isEqualTo("$filter");
        assertThat(e.getMessage()).startsWith("Invalid $filter at position " + position + ": ").contains(reason);
      });
  }

  // The rows selected, on PostgreSQL

  @ParameterizedTest(name = "{0} selects [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    id eq 'op-3'                 | op-3
    id eq 'OP-3'                 |
    id ne 'op-3'                 | batch-7 batch-8 op-1 op-2 op-4 op-5 op-6
    id gt 'op-4'                 | op-5 op-6
    id ge 'op-4'                 | op-4 op-5 op-6
    id lt 'op-1'                 | batch-7 batch-8
    id le 'batch-7'              | batch-7
    statusDetail eq 'done'       | op-3
    statusDetail eq 'quota exceeded' | op-4
    statusDetail eq 'Done'       |
    statusDetail eq ''           | batch-8
    statusDetail ne 'done'       | batch-7 batch-8 op-1 op-2 op-4 op-5 op-6
    statusDetail lt 'r'          | batch-7 batch-8 op-2 op-3 op-4 op-5
    statusDetail le 'done'       | batch-8 op-2 op-3
    statusDetail gt 'done'       | batch-7 op-4 op-5
    statusDetail ge 'done'       | batch-7 op-3 op-4 op-5
    resourceLocation eq 'https://graph.example/items/3' | op-3
    resourceLocation ne 'https://graph.example/items/3' | batch-7 batch-8 op-1 op-2 op-4 op-5 op-6
    resourceLocation gt 'https://graph.example/items/3' | batch-7 op-6
    resourceLocation ge 'https://graph.example/items/3' | batch-7 op-3 op-6
    resourceLocation lt 'https://graph.example/items/6' | op-3
    resourceLocation le 'https://graph.example/items/6' | op-3 op-6
    """)
  void string_comparisons_are_case_sensitive_and_never_match_a_null_except_ne(String filter, String ids) {
    assertSelects(filter, ids);
  }

  @ParameterizedTest(name = "{0} selects [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    createdDateTime eq 2026-01-03T00:00:00Z        | op-3
    createdDateTime ne 2026-01-03T00:00:00Z        | batch-7 batch-8 op-1 op-2 op-4 op-5 op-6
    createdDateTime gt 2026-01-06T00:00:00Z        | batch-7 batch-8
    createdDateTime ge 2026-01-06T00:00:00Z        | batch-7 batch-8 op-6
    createdDateTime lt 2026-01-02T00:00:00Z        | op-1
    createdDateTime le 2026-01-02T00:00:00Z        | op-1 op-2
    createdDateTime eq 2026-01-05T13:00:00+01:00   | op-5
    createdDateTime eq 2026-01-05T07:00:00-05:00   | op-5
    createdDateTime eq '2026-01-05T12:00:00Z'      | op-5
    createdDateTime lt 2026-01-02T00:30:00+01:00   | op-1
    createdDateTime ge 2026-01-07T00:59:59.999+01:00 | batch-7 batch-8
    lastActionDateTime eq 2026-01-05T12:00:00.250Z | op-5
    lastActionDateTime eq 2026-01-05T12:00:00.25Z  | op-5
    lastActionDateTime ne 2026-01-08T00:00:00Z     | batch-7 op-1 op-2 op-3 op-4 op-5 op-6
    lastActionDateTime gt 2026-01-05T12:00:00.25Z  | batch-7 batch-8 op-6
    lastActionDateTime ge 2026-01-06T06:00:00Z     | batch-7 batch-8 op-6
    lastActionDateTime lt 2026-01-01T00:05:00.001Z | op-1
    lastActionDateTime le 2026-01-02T01:00:00Z     | op-1 op-2
    """)
  void date_comparisons_are_between_instants_whatever_offset_is_written(String filter, String ids) {
    assertSelects(filter, ids);
  }

  @ParameterizedTest(name = "{0} selects [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    status eq 'running'          | op-2 op-5
    status eq 'notstarted'       | batch-8 op-1
    status eq microsoft.graph.longRunningOperationStatus'failed' | batch-7 op-4
    status ne 'running'          | batch-7 batch-8 op-1 op-3 op-4 op-6
    status gt 'running'          | batch-7 op-3 op-4 op-6
    status ge 'succeeded'        | batch-7 op-3 op-4 op-6
    status lt 'succeeded'        | batch-8 op-1 op-2 op-5
    status le 'notStarted'       | batch-8 op-1
    status lt 'notStarted'       |
    status gt 'failed'           |
    """)
  void status_follows_the_enum_order_notStarted_running_succeeded_failed(String filter, String ids) {
    assertSelects(filter, ids);
  }

  @ParameterizedTest(name = "{0} selects [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    statusDetail eq null         | op-1 op-6
    statusDetail ne null         | batch-7 batch-8 op-2 op-3 op-4 op-5
    resourceLocation eq null     | batch-8 op-1 op-2 op-4 op-5
    id eq null                   |
    status ne null               | batch-7 batch-8 op-1 op-2 op-3 op-4 op-5 op-6
    not (statusDetail eq null)   | batch-7 batch-8 op-2 op-3 op-4 op-5
    not (statusDetail eq 'done') | batch-7 batch-8 op-1 op-2 op-4 op-5 op-6
    not (statusDetail ne 'done') | op-3
    not (statusDetail lt 'r')    | op-1 op-6
    not (resourceLocation gt 'https://graph.example/items/3') | batch-8 op-1 op-2 op-3 op-4 op-5
    not not (statusDetail eq 'done') | op-3
    not contains(statusDetail, 'quota') | batch-8 op-1 op-2 op-3 op-5 op-6
    not startswith(resourceLocation, 'https://graph.') | batch-7 batch-8 op-1 op-2 op-4 op-5
    """)
  void null_is_a_value_and_not_negates_exactly_on_rows_where_it_is_null(String filter, String ids) {
    assertSelects(filter, ids);
  }

  @ParameterizedTest(name = "{0} selects [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    status in ('running', 'failed')          | batch-7 op-2 op-4 op-5
    status in (microsoft.graph.longRunningOperationStatus'succeeded') | op-3 op-6
    id in ('op-1', 'batch-8', 'nope')        | batch-8 op-1
    id in ('op-1', null)                     | op-1
    id in (null)                             |
    not (id in ('op-1', null))               | batch-7 batch-8 op-2 op-3 op-4 op-5 op-6
    not (status in ('running', 'notStarted')) | batch-7 op-3 op-4 op-6
    """)
  void in_selects_any_of_the_listed_ids_or_statuses(String filter, String ids) {
    assertSelects(filter, ids);
  }

  @ParameterizedTest(name = "{0} selects [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    startswith(id, 'batch-')              | batch-7 batch-8
    startswith(id, 'Batch')               |
    endswith(id, '-7')                    | batch-7
    endswith(resourceLocation, '/6')      | op-6
    contains(resourceLocation, 'example/items') | op-3 op-6
    contains(statusDetail, 'exceeded')    | batch-7 op-4
    contains(statusDetail, 'quota')       | batch-7 op-4
    contains(statusDetail, 'Quota')       |
    startswith(statusDetail, '')          | batch-7 batch-8 op-2 op-3 op-4 op-5
    endswith(statusDetail, '')            | batch-7 batch-8 op-2 op-3 op-4 op-5
    contains(statusDetail, '%')           |
    contains(statusDetail, '_')           |
    """)
  void string_functions_are_case_sensitive_take_no_wildcards_and_never_match_null(String filter, String ids) {
    assertSelects(filter, ids);
  }

  @ParameterizedTest(name = "{0} selects [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    status eq 'running' or status eq 'failed' and startswith(id, 'batch')   | batch-7 op-2 op-5
    (status eq 'running' or status eq 'failed') and startswith(id, 'op')    | op-2 op-4 op-5
    not status eq 'running' and startswith(id, 'op')                        | op-1 op-3 op-4 op-6
    not (status eq 'running' and startswith(id, 'op'))                      | batch-7 batch-8 op-1 op-3 op-4 op-6
    id eq 'op-1' or id eq 'op-2' or id eq 'op-3' and id eq 'op-4'           | op-1 op-2
    status eq 'succeeded' and (statusDetail eq null or resourceLocation eq null) | op-6
    ((((id eq 'op-1'))))                                                    | op-1
    id   eq    'op-3'                                                       | op-3
    """)
  void not_binds_tighter_than_and_which_binds_tighter_than_or_in_the_rows_selected(String filter, String ids) {
    assertSelects(filter, ids);
  }

  @ParameterizedTest(name = "{0} selects [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
    statusDetail eq 'it''s running'                  | op-5
    contains(statusDetail, '''')                     | op-5
    statusDetail eq 'x'' OR ''1''=''1'               |
    id eq 'op-1''; DROP TABLE operations; --'        |
    id eq 'op-1'') OR (''a''=''a'                    |
    """)
  void a_quote_is_written_doubled_and_an_injection_attempt_is_just_a_string_that_matches_nothing(String filter, String ids) {
    assertSelects(filter, ids);
  }

  @Test
  void an_injection_attempt_leaves_the_table_intact() {
    assertSelects("id eq 'op-1''; DROP TABLE operations; --'", null);

    assertThat(await(database.pool().query("SELECT count(*) AS n FROM operations").execute()).iterator().next().getLong("n"))
      .isEqualTo(ROWS.size());
  }

  /** @param ids the ids expected, in order, separated by spaces; null for none */
  private static void assertSelects(String filter, String ids) {
    SqlParameters parameters = new SqlParameters();
    parameters.add(OWNER);
    String condition = FilterParser.toSql(filter, parameters);
    Iterable<Row> rows = await(database.pool()
      .preparedQuery("SELECT id FROM operations WHERE owner_id = $1 AND (" + condition + ") ORDER BY id")
      .execute(parameters.tuple()));

    assertThat(StreamSupport.stream(rows.spliterator(), false).map(row -> row.getString("id")))
      .as("%s, as %s", filter, condition)
      .containsExactly(ids == null ? new String[0] : ids.split(" "));
  }

  private static Tuple row(String owner, String id, String created, String lastAction, String status,
                           String statusDetail, String resourceLocation) {
    return Tuple.of(owner, id, OffsetDateTime.parse(created), OffsetDateTime.parse(lastAction), status,
      statusDetail, resourceLocation);
  }
}
