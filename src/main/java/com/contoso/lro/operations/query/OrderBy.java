package com.contoso.lro.operations.query;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * $orderby: properties, each asc or desc, in the order given; then id, so that the order is total
 * and a page token can name a position in it. Without $orderby: createdDateTime desc, then id.
 */
public final class OrderBy {

  private OrderBy() {
  }

  /** @param clauses validated by the contract: a property name, optionally followed by " asc" or " desc" */
  public static List<SortTerm> parse(List<String> clauses) {
    List<String> given = clauses.isEmpty() ? List.of("createdDateTime desc") : clauses;
    List<SortTerm> terms = new ArrayList<>();
    Set<OperationProperty> seen = new LinkedHashSet<>();
    boolean lastDescending = false;
    for (String clause : given) {
      String[] words = clause.trim().split("\\s+");
      OperationProperty property = OperationProperty.named(words[0])
        .orElseThrow(() -> new QueryOptionException("$orderby", "Invalid $orderby: unknown property '" + words[0] + "'."));
      if (!seen.add(property)) {
        throw new QueryOptionException("$orderby", "Invalid $orderby: '" + words[0] + "' appears twice.");
      }
      lastDescending = words.length > 1 && words[1].equals("desc");
      terms.addAll(SortTerm.of(property, lastDescending));
    }
    if (!seen.contains(OperationProperty.ID)) {
      // The tie-breaker follows the last key's direction, so that a uniform order stays one index scan.
      terms.addAll(SortTerm.of(OperationProperty.ID, lastDescending));
    }
    return List.copyOf(terms);
  }

  /** A canonical spelling of the order, for page tokens to check that they belong to it. */
  public static String describe(List<SortTerm> terms) {
    StringBuilder text = new StringBuilder();
    for (SortTerm term : terms) {
      text.append(term.sql()).append(term.descending() ? " desc," : " asc,");
    }
    return text.toString();
  }
}
