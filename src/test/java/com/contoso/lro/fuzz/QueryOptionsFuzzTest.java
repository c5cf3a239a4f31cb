package com.contoso.lro.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.contoso.lro.operations.query.FilterParser;
import com.contoso.lro.operations.query.OperationProperty;
import com.contoso.lro.operations.query.OrderBy;
import com.contoso.lro.operations.query.QueryOptionException;
import com.contoso.lro.operations.query.SortTerm;
import com.contoso.lro.operations.query.SqlParameters;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The $filter and $orderby parsers as pure rules, with any text: they either give SQL that names
 * client values only through parameters and whose cost is bounded, or refuse with a
 * QueryOptionException (a 400) that points inside the text; nothing else escapes. The inputs are
 * the option's text, as UTF-8, after URL decoding.
 */
class QueryOptionsFuzzTest {

  /**
   * The most string scans (contains, startswith, endswith) an accepted $filter may ask of every
   * row: the filter-cost limit that the contract documents. Each is a pass over a column of up to
   * 4,096 characters on each of a user's rows (the issue's 62 OR'd contains took 0.7 s on 100,000).
   */
  static final int MOST_STRING_SCANS = FilterParser.MAX_FUNCTIONS;

  private static final Pattern POSITION = Pattern.compile("^Invalid \\$filter at position (\\d+): .+", Pattern.DOTALL);
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$(\\d+)");
  private static final Pattern STRING_SCAN = Pattern.compile("\\b(strpos|starts_with|right)\\(");
  /** Every word that the SQL of a filter may hold once the properties' own SQL is taken out. */
  private static final Set<String> SQL_WORDS = Set.of("AND", "OR", "NOT", "IS", "NULL", "DISTINCT", "FROM",
    "COALESCE", "false", "ANY", "starts_with", "right", "char_length", "strpos", "column");

  @FuzzTest
  void filter(byte[] input) {
    String filter = new String(input, StandardCharsets.UTF_8);
    SqlParameters parameters = new SqlParameters();
    String sql;
    try {
      sql = FilterParser.toSql(filter, parameters);
    } catch (QueryOptionException refused) {
      assertThat(refused.option()).isEqualTo("$filter");
      Matcher position = POSITION.matcher(refused.getMessage());
      assertThat(position.matches()).as(refused.getMessage()).isTrue();
      assertThat(Long.parseLong(position.group(1))).as(refused.getMessage()).isBetween(1L, filter.length() + 1L);
      return;
    }
    assertParameterized(sql, parameters.values().size());
    long scans = STRING_SCAN.matcher(sql).results().count();
    assertThat(scans).as("string scans per row that the accepted $filter asks for").isLessThanOrEqualTo(MOST_STRING_SCANS);
  }

  @FuzzTest
  void orderby(byte[] input) {
    // The contract hands the parser the comma-separated items of the option.
    List<String> clauses = Arrays.asList(new String(input, StandardCharsets.UTF_8).split(",", -1));
    List<SortTerm> terms;
    try {
      terms = OrderBy.parse(clauses);
    } catch (QueryOptionException refused) {
      assertThat(refused.option()).isEqualTo("$orderby");
      assertThat(refused.getMessage()).startsWith("Invalid $orderby: ");
      return;
    }
    assertThat(terms).isNotEmpty();
    assertThat(terms.stream().map(SortTerm::sql)).as("each term once").doesNotHaveDuplicates();
    assertThat(terms.stream().map(SortTerm::sql)).as("id makes the order total").contains("id");
    // Page tokens bind the order by its description: two orders must not share one.
    assertThat(OrderBy.describe(terms)).isEqualTo(OrderBy.describe(OrderBy.parse(clauses)));
  }

  /** The SQL is the parser's own words, properties and placeholders $1..$n: no client text is written into it. */
  private static void assertParameterized(String sql, int parameterCount) {
    String words = sql;
    for (OperationProperty property : Arrays.stream(OperationProperty.values())
      .sorted(Comparator.comparing((OperationProperty p) -> p.sql().length()).reversed()).toList()) {
      words = words.replaceAll("(?<![A-Za-z_])" + Pattern.quote(property.sql()) + "(?![A-Za-z_])", "column");
    }
    Set<Integer> used = new HashSet<>();
    Matcher placeholder = PLACEHOLDER.matcher(words);
    while (placeholder.find()) {
      used.add(Integer.parseInt(placeholder.group(1)));
    }
    words = PLACEHOLDER.matcher(words).replaceAll(" ");
    if (!words.matches("[A-Za-z_0-9 (),<>=]*")) {
      fail("The SQL holds characters the parser never writes: " + sql);
    }
    for (String word : words.split("[^A-Za-z_]+")) {
      if (!word.isEmpty() && !SQL_WORDS.contains(word)) {
        fail("The SQL holds a word the parser never writes, '" + word + "': " + sql);
      }
    }
    for (int i = 1; i <= parameterCount; i++) {
      assertThat(used).as("placeholder $" + i + " of " + parameterCount + " in " + sql).contains(i);
    }
    assertThat(used).as("placeholders in " + sql).allMatch(n -> n >= 1 && n <= parameterCount);
  }
}
