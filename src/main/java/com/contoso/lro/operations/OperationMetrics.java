package com.contoso.lro.operations;

import com.contoso.lro.throttle.PerCallerLimit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the operations did, for /metrics: each counter counts a change committed to the database,
 * not a request, so that a retry answered from its Idempotency-Key and a PATCH that changed nothing
 * (the same ETag, no lastActionDateTime, no waiter woken) count as nothing happened, because nothing
 * did. Made once per instance and shared by its API verticles: the meters are thread-safe. Not
 * lro_operations_created_total: Prometheus's client drops a name's _created, which OpenMetrics
 * reserves for the time a counter was created.
 */
public final class OperationMetrics {

  private final Counter created;
  private final Counter updated;
  private final Counter deleted;

  /** @param longPolls this instance's held Prefer: wait requests */
  public OperationMetrics(MeterRegistry registry, PerCallerLimit longPolls) {
    created = Counter.builder("lro.created.operations")
      .description("Operations created; a create answered again for its Idempotency-Key is not counted")
      .register(registry);
    updated = Counter.builder("lro.updated.operations")
      .description("Updates that changed an operation; one that changed nothing is not counted")
      .register(registry);
    deleted = Counter.builder("lro.deleted.operations")
      .description("Operations deleted by a client; the retention job's deletes are not counted")
      .register(registry);
    Gauge.builder("lro.waiting.requests", longPolls, PerCallerLimit::held)
      .description("GET requests of this instance held by Prefer: wait until their operation changes")
      .strongReference(true)
      .register(registry);
  }

  void created() {
    created.increment();
  }

  void updated() {
    updated.increment();
  }

  void deleted() {
    deleted.increment();
  }
}
