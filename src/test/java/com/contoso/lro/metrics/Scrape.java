package com.contoso.lro.metrics;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * One answer of GET /metrics, read as Prometheus reads it: a series is its name and labels, as
 * written (labels sorted by name), and its value follows a space.
 */
record Scrape(String text) {

  /** The value of the series, or empty when the scrape does not have it. */
  OptionalDouble value(String series) {
    return Arrays.stream(text.split("\n"))
      .filter(line -> line.startsWith(series + " "))
      .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
      .findFirst();
  }

  /** The value of a series that must be there, e.g. a counter that exists from the start. */
  double valueOf(String series) {
    return value(series).orElseThrow(() -> new AssertionError("no series " + series + " in:\n" + text));
  }
}
