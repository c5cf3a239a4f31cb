package com.contoso.lro;

import com.contoso.lro.config.AppConfig.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The API verticles, one per event loop, hold DB_POOL_SIZE connections in all, each its share. */
@ServiceEnv({"HTTP_INSTANCES=4", "DB_POOL_SIZE=" + ApiVerticleTest.POOL_SIZE})
class ApiVerticleTest extends ServiceTest {

  static final int POOL_SIZE = 8;

  @Test
  void four_verticles_under_concurrent_load_hold_no_more_than_DB_POOL_SIZE_connections_in_all() {
    String token = service.tokens.user().sign();

    List<Future<Integer>> creates = IntStream.range(0, 64)
      .mapToObj(i -> service.request(HttpMethod.POST, TestService.OPERATIONS)
        .bearerTokenAuthentication(token)
        .sendJsonObject(new JsonObject())
        .map(response -> response.statusCode()))
      .toList();
    List<Integer> statuses = await(Future.all(creates).map(all -> all.<Integer>list()));

    assertThat(statuses).containsOnly(201);
    long connections = await(service.database.pool()
      .preparedQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2")
      .execute(Tuple.of(service.database.env().get("PGDATABASE"), DatabaseConfig.APPLICATION_NAME)))
      .iterator().next().getLong(0);
    assertThat(connections).isBetween(1L, (long) POOL_SIZE);
  }
}
