package com.contoso.lro.operations;

import com.contoso.lro.config.AppConfig;
import com.contoso.lro.db.DatabaseClients;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The floor of `make bench`: the same HTTP requests and the same SQL as the service's creates and
 * reads, on the same Vert.x HTTP server and pipelined PostgreSQL client, with creates committed in
 * groups as the service's are (its CommitGroups), and nothing else. No router, contract validation,
 * token check, permission, logging or metrics: a create parses the body, inserts, and answers the
 * row as JSON; a read selects by key and answers it.
 * What this reaches against pgbench on the same machine bounds what any Vert.x service can.
 *
 * <pre>java -cp target/test-classes:target/lro-service.jar com.contoso.lro.operations.FloorServer PORT OWNER_ID
 *   (PG* or DATABASE_URL from the environment, as the service reads them)</pre>
 *
 * <p>In the service's package, so that it runs the service's statements and grouping as they are,
 * without their being public.
 *
 * <p>The SQL is OperationStore's: INSERT, INSERT_MANY and SELECT_ONE.
 */
public final class FloorServer extends VerticleBase {

  private static final String PREFIX = "/beta/me/authentication/operations";

  private final int port;
  private final String owner;
  private final int instances;
  private CommitGroups<Tuple> inserts;
  private PreparedQuery<RowSet<Row>> selectOne;

  private FloorServer(int port, String owner, int instances) {
    this.port = port;
    this.owner = owner;
    this.instances = instances;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new FloorServer(port, args[1], instances), new DeploymentOptions().setInstances(instances))
      .onSuccess(id -> System.out.println("floor server listening on " + port))
      .onFailure(failure -> {
        failure.printStackTrace();
        System.exit(1);
      });
  }

  @Override
  public Future<?> start() {
    // The service's client, pipelined, with the service's share of DB_POOL_SIZE (bench/README.md#pipelined-statements).
    SqlClient database = DatabaseClients.pipelined(vertx, AppConfig.fromEnv().database(), instances);
    PreparedQuery<RowSet<Row>> insert = database.preparedQuery(OperationStore.INSERT);
    PreparedQuery<RowSet<Row>> insertMany = database.preparedQuery(OperationStore.INSERT_MANY);
    inserts = new CommitGroups<>(context, Duration.ofSeconds(30), OperationStore.INSERTS_IN_FLIGHT,
      OperationStore.MAX_GROUP, insert::execute, rows -> insertMany.execute(OperationStore.columnsOf(rows)),
      failure -> false);
    selectOne = database.preparedQuery(OperationStore.SELECT_ONE);
    return vertx.createHttpServer(new HttpServerOptions().setPort(port)).requestHandler(this::handle).listen();
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    if (request.method() == HttpMethod.POST && path.equals(PREFIX)) {
      request.body().onSuccess(body -> create(request, body.toJsonObject()));
    } else if (request.method() == HttpMethod.GET && path.startsWith(PREFIX + "/")) {
      read(request, path.substring(PREFIX.length() + 1));
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  private void create(HttpServerRequest request, JsonObject body) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    Tuple row = Tuple.of(owner, UUID.randomUUID().toString(), now, now, body.getString("status", "notStarted"),
      body.getString("statusDetail"), body.getString("resourceLocation"));
    inserts.write(row)
      .onSuccess(done -> answer(request, 201, json(row.getString(1), now, now, row.getString(4), row.getString(5),
        row.getString(6))))
      .onFailure(failure -> request.response().setStatusCode(503).end());
  }

  private void read(HttpServerRequest request, String id) {
    selectOne.execute(Tuple.of(owner, id))
      .onSuccess(rows -> {
        if (rows.size() == 0) {
          request.response().setStatusCode(404).end();
          return;
        }
        Row row = rows.iterator().next();
        answer(request, 200, json(row.getString("id"), row.getOffsetDateTime("created_date_time"),
          row.getOffsetDateTime("last_action_date_time"), row.getString("status"), row.getString("status_detail"),
          row.getString("resource_location")));
      })
      .onFailure(failure -> request.response().setStatusCode(503).end());
  }

  private static JsonObject json(String id, OffsetDateTime created, OffsetDateTime lastAction, String status,
                                 String statusDetail, String resourceLocation) {
    return new JsonObject()
      .put("@odata.type", "#microsoft.graph.longRunningOperation")
      .put("id", id)
      .put("createdDateTime", created.toString())
      .put("lastActionDateTime", lastAction.toString())
      .put("status", status)
      .put("statusDetail", statusDetail)
      .put("resourceLocation", resourceLocation);
  }

  private static void answer(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }
}
