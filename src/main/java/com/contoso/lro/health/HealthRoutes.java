package com.contoso.lro.health;

import com.contoso.lro.db.DatabaseReadiness;
import com.contoso.lro.db.Migrations;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.sqlclient.SqlClient;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * GET /health/live (the process answers) and GET /health/ready (start-up has reached the database,
 * which answers and has the schema this build migrated to), from vertx-health-check: JSON, no token, 503 when not ready.
 */
public final class HealthRoutes {

  /** How long the database check waits for its query before it calls the database down. */
  static final long DATABASE_TIMEOUT_MILLIS = 2_000;
  /**
   * vertx-health-check's own deadline on the check, a backstop only: when it fires first, the check
   * counts as a procedure that failed, and /health/ready answers 500, not 503. The check's own
   * deadline comes first, and completes it KO.
   */
  private static final long PROCEDURE_TIMEOUT_MILLIS = DATABASE_TIMEOUT_MILLIS + 3_000;
  private static final String DATABASE_DOWN = "the database does not answer";

  private HealthRoutes() {
  }

  /**
   * @param readiness whether start-up has migrated the database, and to which version; until then not ready
   * @param draining  true once the instance is shutting down: it is then not ready, whatever the database says
   */
  public static void mount(Router router, Vertx vertx, SqlClient database, DatabaseReadiness readiness, BooleanSupplier draining) {
    router.get("/health/live").handler(HealthCheckHandler.create(vertx).register("process", alive -> alive.complete(Status.OK())));
    router.get("/health/ready").handler(HealthCheckHandler.create(vertx)
      .register("serving", serving -> serving.complete(draining.getAsBoolean()
        ? Status.KO(new JsonObject().put("reason", "shutting down"))
        : Status.OK()))
      .register("database", PROCEDURE_TIMEOUT_MILLIS, ready -> readiness.started().ifPresentOrElse(
        started -> database.query(Migrations.CURRENT_VERSION).execute()
          .timeout(DATABASE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
          .onSuccess(rows -> {
            String applied = rows.size() == 0 ? null : rows.iterator().next().getString(0);
            ready.tryComplete(started.schemaVersion().equals(applied)
              ? Status.OK(new JsonObject().put("schemaVersion", applied))
              : Status.KO(new JsonObject().put("schemaVersion", applied).put("expected", started.schemaVersion())));
          })
          // tryComplete: the library's backstop may have completed the check already, were this event loop held up.
          .onFailure(down -> ready.tryComplete(Status.KO(new JsonObject().put("reason", DATABASE_DOWN)))),
        () -> ready.tryComplete(Status.KO(new JsonObject().put("reason", readiness.waitingFor()))))));
  }
}
