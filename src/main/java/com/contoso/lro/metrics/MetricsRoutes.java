package com.contoso.lro.metrics;

import com.contoso.lro.auth.TokenVerifier;
import com.contoso.lro.http.BearerAuthentication;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * GET /metrics: the registry in Prometheus's text format. With METRICS_REQUIRE_TOKEN, only for a
 * bearer token that the API itself would accept; a missing or bad one is the API's 401.
 */
public final class MetricsRoutes {

  public static final String PATH = "/metrics";

  private MetricsRoutes() {
  }

  public static void mount(Router router, PrometheusMeterRegistry registry, TokenVerifier verifier, boolean requireToken) {
    Route route = router.get(PATH);
    if (requireToken) {
      route.handler(new BearerAuthentication(verifier));
    }
    route.handler(PrometheusScrapingHandler.create(registry));
  }
}
