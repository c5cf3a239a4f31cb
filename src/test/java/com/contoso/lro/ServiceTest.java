package com.contoso.lro;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.contoso.lro.TestService.awaitStart;
import static com.contoso.lro.TestService.await;

/**
 * A test class that talks to its own running service, with the test configuration and the class's
 * {@link ServiceEnv}, deployed before its first test and undeployed, with its database, after its last.
 * A test during which a response was written off its connection's event loop fails ({@link OffLoopWrites}).
 */
@ExtendWith(VertxExtension.class)
public abstract class ServiceTest {

  protected static TestService service;

  @BeforeAll
  static void startService(Vertx vertx, TestInfo info) {
    OffLoopWrites.install();
    service = awaitStart(TestService.start(vertx, TestService.envOf(info.getTestClass().orElseThrow())));
  }

  /** Strict thread mode drops a response written off its event loop: any such write fails the test it happened in. */
  @AfterEach
  void noResponseWrittenOffItsEventLoop() {
    OffLoopWrites.assertNone();
  }

  @AfterAll
  static void stopService() {
    await(service.stop());
  }
}
