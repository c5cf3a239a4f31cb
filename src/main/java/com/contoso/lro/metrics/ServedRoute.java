package com.contoso.lro.metrics;

import io.micrometer.core.instrument.config.MeterFilter;
import io.vertx.micrometer.Label;

import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The route label of an HTTP request: the route that served it. Vert.x labels a request with every
 * route it matched, joined by '>': the /beta mount, the operation's route, and the mount again
 * when a failure is routed; a 409 and a 200 of one operation would not share a series. Each route
 * a request matches is a prefix of the one that served it, or that route itself: the longest is it.
 */
final class ServedRoute {

  static final MeterFilter FILTER = MeterFilter.replaceTagValues(Label.HTTP_ROUTE.toString(), ServedRoute::of);

  private ServedRoute() {
  }

  static String of(String matched) {
    return Stream.of(matched.split(">")).max(Comparator.comparingInt(String::length)).orElse(matched);
  }
}
