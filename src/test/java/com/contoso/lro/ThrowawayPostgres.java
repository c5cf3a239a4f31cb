package com.contoso.lro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own, under target/, on a port of its own, that the test may stop
 * and start: the server that other tests share is never restarted. Its files are removed on
 * {@link #close}. As root, the server runs as the {@code postgres} user, for PostgreSQL refuses root
 * (as scripts/dev-postgres.sh does for a throwaway cluster).
 */
public final class ThrowawayPostgres implements AutoCloseable {

  private final Path bin;
  private final Path dir;
  private final int port;

  private ThrowawayPostgres(Path bin, Path dir, int port) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
  }

  /** A new cluster, started and answering. */
  public static ThrowawayPostgres start() {
    try {
      Path target = Path.of("target").toAbsolutePath();
      Files.createDirectories(target);
      ThrowawayPostgres postgres = new ThrowawayPostgres(newestServer(), Files.createTempDirectory(target, "pg-"),
        TestService.freePort());
      Files.createDirectories(postgres.dir.resolve("socket"));
      if (isRoot()) {
        run(List.of("chown", "-R", "postgres:", postgres.dir.toString()));
      }
      // Should the test JVM end without closing it, the server ends with it.
      Runtime.getRuntime().addShutdownHook(new Thread(postgres::stopNow));
      postgres.asOwner("initdb", "-D", postgres.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
      postgres.startAgain();
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the service and {@link TestDatabase} find this server: the PG* variables. */
  public Map<String, String> serverEnv() {
    return Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(port), "PGUSER", "postgres", "PGPASSWORD", "");
  }

  /** Stops the server as `pg_ctl stop -m fast` does: every session is ended, and it waits until the server is down. */
  public void stopFast() {
    asOwner("pg_ctl", "-D", data(), "-w", "-t", "60", "-m", "fast", "stop");
  }

  /** Starts the server and returns once it accepts connections. */
  public void startAgain() {
    asOwner("pg_ctl", "-D", data(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
      "-o", "-c port=" + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir.resolve("socket")
        + " -c fsync=off -c max_connections=50", "start");
  }

  @Override
  public void close() {
    stopNow();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stopNow() {
    if (Files.exists(dir.resolve("data").resolve("postmaster.pid"))) {
      try {
        asOwner("pg_ctl", "-D", data(), "-w", "-m", "immediate", "stop");
      } catch (AssertionError alreadyStopped) {
        // Nothing to stop.
      }
    }
  }

  private String data() {
    return dir.resolve("data").toString();
  }

  private void asOwner(String program, String... arguments) {
    List<String> command = new ArrayList<>();
    if (isRoot()) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(arguments));
    run(command);
  }

  private static void run(List<String> command) {
    try {
      // From /: the postgres user may not read the directory the tests run in.
      Process process = new ProcessBuilder(command).directory(Path.of("/").toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The newest PostgreSQL server installed as Debian installs it. */
  private static Path newestServer() throws IOException {
    Path installed = Path.of("/usr/lib/postgresql");
    try (Stream<Path> versions = Files.exists(installed) ? Files.list(installed) : Stream.empty()) {
      return versions.map(version -> version.resolve("bin"))
        .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
        .max(Comparator.comparingInt(bin -> Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D", "0"))))
        .orElseThrow(() -> new AssertionError("No PostgreSQL server binaries under /usr/lib/postgresql/*/bin, "
          + "which a test that restarts PostgreSQL needs (Debian: apt-get install postgresql)"));
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
