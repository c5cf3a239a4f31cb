package com.contoso.lro;

import com.contoso.lro.config.AppConfig;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** Runs the service until SIGTERM or Ctrl-C, then closes servers and pool before exiting. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    AppConfig config;
    try {
      config = AppConfig.fromEnv();
    } catch (IllegalArgumentException e) {
      LOG.error("Bad configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(vertx), "shutdown"));
    try {
      Application.deploy(vertx, config).toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      LOG.error("Start-up failed: {}", e.getCause().getMessage(), e.getCause());
      System.exit(1);
    }
    LOG.info("Serving http://localhost:{}/beta/user/authentication/operations with {} event loop(s)",
      config.httpPort(), config.httpInstances());
  }

  private static void close(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      LOG.info("Stopped");
    } catch (Exception e) {
      LOG.warn("Shutdown did not finish cleanly: {}", e.toString());
    }
  }
}
