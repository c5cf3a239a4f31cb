package com.contoso.lro.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Every line the service logs while a test runs, the request log's INFO lines included (the test
 * configuration logs WARN and above only). Detach with {@link #close()}.
 */
final class CapturedLogs implements AutoCloseable {

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final Logger requestLog = (Logger) LoggerFactory.getLogger(RequestLog.class);
  private final Level requestLogLevel = requestLog.getLevel();

  CapturedLogs() {
    appender.start();
    root.addAppender(appender);
    requestLog.setLevel(Level.INFO);
  }

  List<ILoggingEvent> events() {
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }

  /** The request log's lines: their structured arguments, as "status=400" and the like, in the formatted message. */
  List<String> requestLines() {
    return events().stream().filter(event -> event.getLoggerName().equals(RequestLog.class.getName()))
      .map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** The request log's lines as the service writes them in production: one JSON object each, with every field. */
  List<JsonObject> requestJson() {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(root.getLoggerContext());
    encoder.start();
    try {
      return events().stream().filter(event -> event.getLoggerName().equals(RequestLog.class.getName()))
        .map(event -> new JsonObject(new String(encoder.encode(event), StandardCharsets.UTF_8))).toList();
    } finally {
      encoder.stop();
    }
  }

  /** The lines at ERROR, or that carry a stack trace. */
  List<ILoggingEvent> errorsOrTraces() {
    return events().stream()
      .filter(event -> event.getLevel().isGreaterOrEqual(Level.ERROR) || event.getThrowableProxy() != null).toList();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    requestLog.setLevel(requestLogLevel);
  }
}
