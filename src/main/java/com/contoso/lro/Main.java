package com.contoso.lro;

import com.contoso.lro.config.AppConfig;
import com.contoso.lro.db.Migrations;
import com.contoso.lro.metrics.MeteredVertx;
import com.contoso.lro.tracing.Tracing;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;

/**
 * Runs the service until SIGTERM or Ctrl-C, then closes servers and pool before exiting; {@code --help}
 * prints the configuration, {@code --version} the version.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  /** How long a stop waits for the last spans to reach the collector. */
  private static final Duration TRACES_FLUSH = Duration.ofSeconds(5);
  /** Set by the first SIGTERM or SIGINT: from then on the shutdown thread decides the exit status. */
  private static final AtomicBoolean STOPPING = new AtomicBoolean();
  /** Set once every verticle has started: only then is there anything to drain. */
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private Main() {
  }

  public static void main(String[] args) throws IOException {
    if (Arrays.asList(args).contains("--help")) {
      try (InputStream help = Main.class.getResourceAsStream("/help.txt")) {
        System.out.print(new String(help.readAllBytes(), StandardCharsets.UTF_8));
      }
      return;
    }
    if (Arrays.asList(args).contains("--version")) {
      String version = Main.class.getPackage().getImplementationVersion();
      System.out.println("lro-service " + (version == null ? "(development build)" : version));
      return;
    }
    AppConfig config;
    Optional<Tracing> tracing;
    try {
      config = AppConfig.fromEnv();
      tracing = Tracing.from(System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.error("Bad configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    MeteredVertx metered = MeteredVertx.create(tracing.map(Tracing::tracerFactory));
    Vertx vertx = metered.vertx();
    stopOnSignals(vertx, tracing, config.shutdownDrainSeconds(), config.shutdownGraceSeconds());
    try {
      Application.deploy(vertx, config, metered.registry()).toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      if (STOPPING.get()) {
        // A stop during start-up undeploys what was starting; that is the stop, not a failed start.
        LOG.info("Stopped while starting: {}", e.getCause().getMessage());
        return;
      }
      if (e.getCause() instanceof Migrations.Refused refused) {
        // Flyway's reasons say what to do; a stack trace would only bury them.
        LOG.error("Start-up failed: {}", refused.getMessage());
      } else {
        LOG.error("Start-up failed: {}", e.getCause().getMessage(), e.getCause());
      }
      System.exit(1);
    }
    STARTED.set(true);
    LOG.info("Serving http://localhost:{}/beta/user/authentication/operations with {} event loop(s)",
      config.httpPort(), config.httpInstances());
  }

  /**
   * SIGTERM and SIGINT (Ctrl-C) stop the service gracefully and exit 0: the API verticles drain
   * their requests for the grace period, then the pools and the listener close. Handled here, not
   * in a shutdown hook, so that the exit status says the stop went well.
   */
  private static void stopOnSignals(Vertx vertx, Optional<Tracing> tracing, int drainSeconds, int graceSeconds) {
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        if (STOPPING.compareAndSet(false, true)) {
          Thread shutdown = new Thread(() -> System.exit(close(vertx, tracing, drainSeconds, graceSeconds) ? 0 : 1), "shutdown");
          // Not a daemon, as the signal's thread is: the JVM must not end with Vert.x's threads before the stop does.
          shutdown.setDaemon(false);
          shutdown.start();
        }
      });
    }
  }

  private static boolean close(Vertx vertx, Optional<Tracing> tracing, int drainSeconds, int graceSeconds) {
    if (!STARTED.get()) {
      // Nothing is served yet, and Vert.x never finishes closing while a deployment is still starting
      // (one that start-up makes meanwhile never completes): the process ends without waiting.
      LOG.info("Stopped while starting");
      vertx.close();
      tracing.ifPresent(traces -> traces.close(TRACES_FLUSH));
      return true;
    }
    if (drainSeconds > 0) {
      LOG.info("Stopping: not ready, still serving for {} s, then finishing the requests in flight, for {} s at most",
        drainSeconds, graceSeconds);
    } else {
      LOG.info("Stopping: finishing the requests in flight, for {} s at most", graceSeconds);
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(drainSeconds + graceSeconds + 5L, TimeUnit.SECONDS);
      LOG.info("Stopped");
      return true;
    } catch (Exception e) {
      LOG.warn("Shutdown did not finish cleanly: {}", e.toString());
      return false;
    } finally {
      // After Vert.x, so that the spans of the last requests are among those sent.
      tracing.ifPresent(traces -> traces.close(TRACES_FLUSH));
    }
  }
}
