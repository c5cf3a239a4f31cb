package com.contoso.lro.operations.query;

import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * The values of one statement, in order: SQL built from client input names values only through
 * {@link #add}, never by writing them into the text.
 */
public final class SqlParameters {

  private final List<Object> values = new ArrayList<>();

  /** Parameters that go on after {@code first}, e.g. after a WHERE clause built before. */
  public static SqlParameters startingWith(List<Object> first) {
    SqlParameters parameters = new SqlParameters();
    parameters.values.addAll(first);
    return parameters;
  }

  /** Adds a value and returns its placeholder, e.g. "$3". */
  public String add(Object value) {
    values.add(value);
    return "$" + values.size();
  }

  public Tuple tuple() {
    return Tuple.from(values);
  }

  public List<Object> values() {
    return List.copyOf(values);
  }
}
