package com.contoso.lro.metrics;

import com.contoso.lro.http.RequestMethods;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.vertx.micrometer.Label;

import java.util.List;
import java.util.stream.Stream;

/**
 * What keeps every label of /metrics in a small set that no client chooses, and keeps out what
 * would tell an anonymous scraper which software runs or where its key endpoint is. The route label
 * is {@link ServedRoute}'s; the status code is the service's own; these are the others.
 */
final class BoundedLabels {

  /** The HTTP server's and client's {@code method}: a request line may carry any token as its method. */
  static final MeterFilter METHOD = MeterFilter.replaceTagValues(Label.HTTP_METHOD.toString(), RequestMethods::named);

  /** The one name of every HTTP client pool, whatever server it connects to. */
  static final String HTTP_CLIENT_POOL = "http-client";

  /**
   * Vert.x names an HTTP client's pool by the host and port it connects to, with no option to name
   * it otherwise: for the JWKS reader, the service's only HTTP client, that is the key endpoint's
   * address.
   */
  static final MeterFilter HTTP_POOL_NAME = new MeterFilter() {
    @Override
    public Meter.Id map(Meter.Id id) {
      if (!"http".equals(id.getTag(Label.POOL_TYPE.toString())) || id.getTag(Label.POOL_NAME.toString()) == null) {
        return id;
      }
      List<Tag> tags = Stream.concat(
          id.getTags().stream().filter(tag -> !tag.getKey().equals(Label.POOL_NAME.toString())),
          Stream.of(Tag.of(Label.POOL_NAME.toString(), HTTP_CLIENT_POOL)))
        .toList();
      return id.replaceTags(tags);
    }
  };

  /**
   * Micrometer's {@code jvm_info}: the JVM's version, vendor and runtime, there to be read by anyone
   * who may scrape, which is anyone, or any holder of an API token. Operators know what they deploy.
   */
  static final MeterFilter NO_JVM_INFO = MeterFilter.deny(id -> id.getName().equals("jvm.info"));

  private BoundedLabels() {
  }
}
