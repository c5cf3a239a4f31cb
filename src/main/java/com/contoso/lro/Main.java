package com.contoso.lro;

import com.contoso.lro.config.AppConfig;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs the service until SIGTERM or Ctrl-C, then closes servers and pool before exiting; {@code --help}
 * prints the configuration, {@code --version} the version.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

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
