package com.contoso.lro;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.contoso.lro.TestService.await;
import static com.contoso.lro.TestService.awaitStart;

/**
 * A test class that talks to two instances of the service sharing one database, as users scale it
 * out: each with its own Vert.x and port, both with the class's {@link ServiceEnv}.
 */
@ExtendWith(VertxExtension.class)
public abstract class TwoInstanceTest {

  protected static TestService first;
  protected static TestService second;
  private static Vertx secondVertx;

  @BeforeAll
  static void startInstances(Vertx vertx, TestInfo info) {
    secondVertx = Vertx.vertx();
    first = awaitStart(TestService.start(vertx, TestService.envOf(info.getTestClass().orElseThrow())));
    second = awaitStart(first.another(secondVertx));
  }

  /** On the JUnit thread: a Vert.x instance closed from another one's event loop does not finish closing. */
  @AfterAll
  static void stopInstances() {
    await(second.stop());
    await(secondVertx.close());
    await(first.stop());
  }
}
