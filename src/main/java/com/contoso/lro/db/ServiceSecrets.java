package com.contoso.lro.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlClient;

/** Secrets that every instance must share, kept in the database they share (made by migration V2). */
public final class ServiceSecrets {

  private ServiceSecrets() {
  }

  /** The key that signs page tokens, so that a token made by one instance is good on every other. */
  public static Future<byte[]> pageTokenKey(Vertx vertx, PgConnectOptions database) {
    SqlClient client = PgBuilder.client().connectingTo(database).using(vertx).build();
    return client.query("SELECT value FROM service_secrets WHERE name = 'page-token'").execute()
      .map(rows -> rows.iterator().next().getBuffer("value").getBytes())
      .eventually(client::close);
  }
}
