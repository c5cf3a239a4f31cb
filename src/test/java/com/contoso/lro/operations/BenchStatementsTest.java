package com.contoso.lro.operations;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code make bench} compares the service with pgbench running the service's own statements: its
 * scripts must stay the statements that OperationStore prepares, or its limits measure something else.
 * A script is compared with its pgbench variables turned back into $1, $2, ... in order of first use.
 */
class BenchStatementsTest {

  /** A pgbench variable: a colon not part of a {@code ::} cast. */
  private static final Pattern VARIABLE = Pattern.compile("(?<![:\\w]):([A-Za-z_]\\w*)");

  @Test
  void the_insert_limit_runs_the_insert_the_service_prepares() throws IOException {
    assertThat(statementOf("bench/pgbench/insert.sql")).isEqualTo(normalized(OperationStore.INSERT));
  }

  @Test
  void the_select_limit_runs_the_select_by_key_the_service_prepares() throws IOException {
    assertThat(statementOf("bench/pgbench/select.sql")).isEqualTo(normalized(OperationStore.SELECT_ONE));
  }

  /** The script's one SQL statement: without comments and meta-commands, parameters numbered. */
  private static String statementOf(String script) throws IOException {
    String sql = Files.readAllLines(Path.of(script)).stream()
      .map(String::strip)
      .filter(line -> !line.isEmpty() && !line.startsWith("--") && !line.startsWith("\\"))
      .collect(Collectors.joining(" "));
    assertThat(sql).as("%s holds one statement ending with ';'", script).endsWith(";").containsOnlyOnce(";");
    Map<String, Integer> numbers = new LinkedHashMap<>();
    Matcher variables = VARIABLE.matcher(sql.substring(0, sql.length() - 1));
    StringBuilder numbered = new StringBuilder();
    while (variables.find()) {
      int number = numbers.computeIfAbsent(variables.group(1), name -> numbers.size() + 1);
      variables.appendReplacement(numbered, Matcher.quoteReplacement("$" + number));
    }
    variables.appendTail(numbered);
    return normalized(numbered.toString());
  }

  private static String normalized(String sql) {
    return sql.strip().replaceAll("\\s+", " ");
  }
}
