package com.contoso.lro.contract;

import com.contoso.lro.ServiceTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.Operation;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * /docs as a visitor uses it, in headless Chromium: src/test/browser/docs-page.mjs lists every
 * operation, authorizes with a token and runs "Try it out" on each. Needs Debian's
 * /usr/bin/chromium, node, and playwright-core from `npm ci`; where one is missing the test is
 * skipped, and says which.
 */
class DocsPageBrowserTest extends ServiceTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path SCRIPT = Path.of("src/test/browser/docs-page.mjs");
  private static final Path PLAYWRIGHT = Path.of("node_modules/playwright-core/package.json");
  /** Eighteen calls on a loaded two-core machine take a minute or two; a hung browser takes forever. */
  private static final long TIMEOUT_SECONDS = 300;

  @Test
  void a_visitor_sees_every_operation_authorizes_and_tries_each_one_out(Vertx vertx) throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: apt-get install -y chromium");
    assumeTrue(nodeRuns(), "node is not on the PATH");
    assumeTrue(Files.isRegularFile(PLAYWRIGHT), "playwright-core is missing: run `make node_modules` (npm ci)");
    var user = service.tokens.user();
    Path out = Files.createTempFile("docs-page", ".out");
    Path err = Files.createTempFile("docs-page", ".err");
    out.toFile().deleteOnExit();
    err.toFile().deleteOnExit();
    Files.createDirectories(Path.of("target"));

    Process browser = new ProcessBuilder("node", SCRIPT.toString(), "http://localhost:" + service.port, user.sign(),
      CHROMIUM.toString(), "target/docs-page.png")
      .redirectOutput(out.toFile())
      .redirectError(err.toFile())
      .start();
    boolean finished = browser.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!finished) {
      browser.destroyForcibly().waitFor();
    }
    String printed = Files.readString(out);
    String report = "\nstdout:\n" + printed + "\nstderr:\n" + Files.readString(err);

    assertThat(finished).as("the browser finished within %d s%s", TIMEOUT_SECONDS, report).isTrue();
    assertThat(browser.exitValue()).as("docs-page.mjs exit code%s", report).isZero();
    JsonObject result = new JsonObject(lastLine(printed));
    List<String> contractIds = await(ContractLoader.load(vertx)).operations().stream()
      .map(Operation::getOperationId).toList();
    assertThat(contractIds).hasSize(20);
    assertThat(result.getJsonArray("shown").getList()).as(report).containsExactlyInAnyOrderElementsOf(contractIds);
    Map<String, Object> statuses = result.getJsonObject("statuses").getMap();
    assertThat(statuses.keySet()).as(report).containsExactlyInAnyOrderElementsOf(contractIds);
    assertThat(statuses).as(report).containsEntry("createOperation", 201);
    // The service answered as the token's user: the page sent the token given under Authorize.
    assertThat(result.getJsonObject("created").getString("@odata.context")).contains("users('" + user.oid() + "')");
    assertThat(statuses.values().stream().map(Object::toString).collect(Collectors.toSet()))
      .as(report).allMatch(status -> status.startsWith("2"));
  }

  private static boolean nodeRuns() {
    try {
      Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      return node.waitFor(30, TimeUnit.SECONDS) && node.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1];
  }
}
