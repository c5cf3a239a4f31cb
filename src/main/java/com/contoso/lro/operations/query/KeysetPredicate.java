package com.contoso.lro.operations.query;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Keyset paging's predicate: the rows that come after a page's last row, in the page's order. */
public final class KeysetPredicate {

  private KeysetPredicate() {
  }

  /**
   * Rows after the given position. A uniform direction is one row comparison, which the
   * (owner_id, created_date_time DESC, id DESC) index answers; mixed directions expand to
   * "a > x OR (a = x AND b < y) OR ...".
   */
  public static String after(List<SortTerm> order, List<Object> values, SqlParameters parameters) {
    int truncated = values.indexOf(values.stream().filter(PageTokens.Truncated.class::isInstance).findFirst().orElse(null));
    if (truncated >= 0) {
      return afterPrefix(order, values, truncated, parameters);
    }
    List<String> placeholders = values.stream().map(parameters::add).toList();
    boolean uniform = order.stream().allMatch(term -> term.descending() == order.get(0).descending());
    if (uniform) {
      return "(" + order.stream().map(SortTerm::sql).collect(Collectors.joining(", ")) + ") "
        + (order.get(0).descending() ? "<" : ">") + " (" + String.join(", ", placeholders) + ")";
    }
    List<String> alternatives = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      List<String> conjuncts = new ArrayList<>();
      for (int j = 0; j < i; j++) {
        conjuncts.add(order.get(j).sql() + " = " + placeholders.get(j));
      }
      conjuncts.add(order.get(i).sql() + (order.get(i).descending() ? " < " : " > ") + placeholders.get(i));
      alternatives.add("(" + String.join(" AND ", conjuncts) + ")");
    }
    return "(" + String.join(" OR ", alternatives) + ")";
  }

  /**
   * Rows after a position of which term {@code k} is known only by its first characters (the last
   * row changed or went): the rows after the terms before it, and those whose term {@code k} starts
   * with that prefix or sorts after every value that does. Byte order (COLLATE "C") keeps the values
   * that start with a prefix together, right after the prefix itself.
   */
  private static String afterPrefix(List<SortTerm> order, List<Object> values, int k, SqlParameters parameters) {
    List<String> alternatives = new ArrayList<>();
    List<String> equal = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      String value = parameters.add(values.get(i));
      alternatives.add("(" + String.join(" AND ", concat(equal,
        order.get(i).sql() + (order.get(i).descending() ? " < " : " > ") + value)) + ")");
      equal.add(order.get(i).sql() + " = " + value);
    }
    SortTerm term = order.get(k);
    String prefix = parameters.add(((PageTokens.Truncated) values.get(k)).prefix());
    alternatives.add("(" + String.join(" AND ", concat(equal, term.descending()
      ? "(" + term.sql() + " < " + prefix + " OR starts_with(" + term.sql() + ", " + prefix + "))"
      : term.sql() + " >= " + prefix)) + ")");
    return "(" + String.join(" OR ", alternatives) + ")";
  }

  private static List<String> concat(List<String> list, String last) {
    List<String> all = new ArrayList<>(list);
    all.add(last);
    return all;
  }
}
