package com.contoso.lro;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import com.contoso.lro.http.ConnectionThread;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The responses this JVM's services wrote, or were about to write, off their connection's event loop:
 * under strict thread mode Vert.x refuses such a write ("Only the context thread can write a
 * message") and the client never gets its answer; {@link ConnectionThread} moves the error answers
 * back, and warns. Either is a failure of the test during which it happened ({@link ServiceTest},
 * {@link TestService#stop()}), and explains a request left unanswered ({@link TestService#await}).
 */
public final class OffLoopWrites extends AppenderBase<ILoggingEvent> {

  static final String REFUSED = "Only the context thread can write a message";

  private static final OffLoopWrites INSTANCE = new OffLoopWrites();
  private final List<String> seen = new ArrayList<>();

  private OffLoopWrites() {
    setName("off-loop-writes");
  }

  /** Listens from now on to every logger of this JVM; once, however often it is called. */
  public static synchronized void install() {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    if (root.getAppender(INSTANCE.getName()) == null) {
      INSTANCE.setContext(root.getLoggerContext());
      INSTANCE.start();
      root.addAppender(INSTANCE);
    }
  }

  /** What was seen since the last call, each with its thread and message; and forgets it. */
  public static List<String> drain() {
    synchronized (INSTANCE.seen) {
      List<String> all = List.copyOf(INSTANCE.seen);
      INSTANCE.seen.clear();
      return all;
    }
  }

  /** What was seen since the last {@link #drain()}, which it leaves for the test's own check. */
  public static List<String> peek() {
    synchronized (INSTANCE.seen) {
      return List.copyOf(INSTANCE.seen);
    }
  }

  /** Fails with what was seen since the last call, if anything. */
  public static void assertNone() {
    List<String> seen = drain();
    if (!seen.isEmpty()) {
      throw new AssertionError("responses written off their connection's event loop:\n  " + String.join("\n  ", seen));
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    boolean moved = event.getLoggerName().equals(ConnectionThread.class.getName());
    if (moved || refused(event.getThrowableProxy())) {
      synchronized (seen) {
        seen.add("[" + event.getThreadName() + "] " + event.getLoggerName() + ": " + event.getFormattedMessage()
          + (moved ? "" : " (" + REFUSED + ")"));
      }
    }
  }

  private static boolean refused(IThrowableProxy thrown) {
    for (IThrowableProxy cause = thrown; cause != null; cause = cause.getCause()) {
      if (REFUSED.equals(cause.getMessage())) {
        return true;
      }
      for (IThrowableProxy suppressed : cause.getSuppressed()) {
        if (refused(suppressed)) {
          return true;
        }
      }
    }
    return false;
  }
}
