package com.contoso.lro.graph;

import io.vertx.ext.web.RoutingContext;

/**
 * Whose operations a request acts on, as the request's permission check resolved it.
 *
 * @param id the owner's object id, lowercase: the key of every stored operation
 */
public record Owner(String id) {

  private static final String KEY = "owner";

  /** The owner resolved for a request that passed its permission check. */
  public static Owner of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  public void putOn(RoutingContext ctx) {
    ctx.put(KEY, this);
  }
}
