package com.contoso.lro;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/** A class of this project run as a process of its own, as an operator runs the service. */
final class JavaProcess {

  private JavaProcess() {
  }

  /**
   * The command that runs {@code mainClass} with {@code env}, and none of the caller's service
   * settings that would change where it looks for tokens or its database.
   */
  static ProcessBuilder command(Class<?> mainClass, Map<String, String> env) {
    ProcessBuilder command = new ProcessBuilder(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      // As the test JVMs (pom.xml, argLine): a process that lives seconds spends more on C2's
      // compiles than they save.
      "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
      "-cp", mainClassPath(),
      mainClass.getName())
      .redirectErrorStream(true);
    for (String name : List.of("AUTH_JWKS", "AUTH_ISSUER", "AUTH_AUDIENCE", "DATABASE_URL", "PUBLIC_BASE_URL")) {
      command.environment().remove(name);
    }
    command.environment().putAll(env);
    return command;
  }

  /** The tests' class path without the test classes, so that logging is configured as in production. */
  private static String mainClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
      .filter(entry -> !entry.endsWith("test-classes"))
      .collect(Collectors.joining(File.pathSeparator));
  }

  /** Opens when the process says it is serving, and when its output ends. */
  record Output(CountDownLatch serving, CountDownLatch ended) {
  }

  /** Collects the process's output lines into {@code output}. */
  static Output follow(Process process, List<String> output) {
    CountDownLatch serving = new CountDownLatch(1);
    CountDownLatch ended = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          output.add(line);
          if (line.contains("Serving http://")) {
            serving.countDown();
          }
        }
      } catch (IOException e) {
        // Not a log line: the stream closed under the reader.
      } finally {
        ended.countDown();
      }
    }, "server-output");
    reader.setDaemon(true);
    reader.start();
    return new Output(serving, ended);
  }
}
