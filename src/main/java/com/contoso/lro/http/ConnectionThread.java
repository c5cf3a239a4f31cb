package com.contoso.lro.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strict thread mode (ServerOptions): an HTTP/1.x response may be written only on its connection's
 * event loop; written from any other thread, Vert.x throws and the client never gets its answer.
 */
public final class ConnectionThread {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionThread.class);

  private ConnectionThread() {
  }

  /**
   * Whether the caller runs on {@code request}'s event loop, where its response may be written. If
   * not, {@code answer} runs there later, and a warning names the thread: something completed a
   * request's work off its loop, which the tests treat as a failure.
   */
  public static boolean onItsLoop(HttpServerRequest request, Runnable answer) {
    if (!(request instanceof HttpServerRequestInternal internal)) {
      return true;
    }
    ContextInternal own = internal.context();
    if (own.executor().inThread()) {
      return true;
    }
    LOG.warn("a response was about to be written on {}, off its connection's event loop; it is written there instead",
      Thread.currentThread().getName());
    own.runOnContext(back -> answer.run());
    return false;
  }
}
