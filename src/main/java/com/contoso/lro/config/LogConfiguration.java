package com.contoso.lro.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.ConsoleTarget;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.spi.ContextAwareBase;
import net.logstash.logback.appender.LoggingEventAsyncDisruptorAppender;
import net.logstash.logback.encoder.LogstashEncoder;

import java.io.BufferedOutputStream;
import java.io.OutputStream;

/**
 * The service's logging, from LOG_FORMAT and LOG_LEVEL: one JSON object per line on standard
 * output, or readable lines with LOG_FORMAT=text; io.netty at WARN. Logback finds it through
 * META-INF/services before it looks for a logback.xml. Built in code because parsing an XML
 * configuration slowed start-up (bench/README.md#start-up). A configuration file named by
 * {@code -Dlogback.configurationFile} still wins.
 */
public final class LogConfiguration extends ContextAwareBase implements Configurator {

  /** Lines that may wait for the writer; about 8 MB at most of JSON lines. */
  static final int QUEUE_SIZE = 8_192;
  /** How long the writer sleeps when no line waits: at most this late, a line is written. */
  static final long WRITER_SLEEP_NANOS = 10_000_000;
  /** Bytes of lines gathered into one write to standard output: about 150 JSON lines. */
  static final int WRITE_BUFFER_BYTES = 64 * 1024;

  static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    install(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** The service's appenders and levels, on {@code context}. */
  static void install(LoggerContext context) {
    // Logback's own standard output: System.out as it is at each write, left open when the appender closes.
    install(context, ConsoleTarget.SystemOut.getStream());
  }

  /** @param standardOutput where the lines go, a batch at a time */
  static void install(LoggerContext context, OutputStream standardOutput) {
    // Not logback's ConsoleAppender: it writes through System.out, which flushes every line (a
    // PrintStream with autoflush over a 128-byte buffer), a write call per line. These lines are
    // gathered and written when the writer has taken every line that waits (below), or the buffer is full.
    OutputStreamAppender<ILoggingEvent> console = new OutputStreamAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setEncoder("text".equalsIgnoreCase(System.getenv("LOG_FORMAT")) ? text(context) : json(context));
    console.setImmediateFlush(false);
    console.setOutputStream(new BufferedOutputStream(standardOutput, WRITE_BUFFER_BYTES));
    console.start();
    // Lines are encoded and written by a thread of their own, never an event loop's: a write to a
    // slow standard output would block the loop, and encoding each line there cost every request
    // (bench/README.md#the-hostile-phase). The event loops hand them over through a ring that wakes
    // no one: the writer looks for lines every WRITER_SLEEP_NANOS, where logback's AsyncAppender had
    // each line wake it (bench/README.md, performance log). When QUEUE_SIZE lines wait, new ones are
    // dropped rather than waited for.
    LoggingEventAsyncDisruptorAppender async = new LoggingEventAsyncDisruptorAppender();
    async.setContext(context);
    async.setName("async");
    async.setRingBufferSize(QUEUE_SIZE);
    async.setWaitStrategyType("sleeping{0," + WRITER_SLEEP_NANOS + "}");
    // Standard output carries the service's lines alone, never logback's own status messages.
    async.setAddDefaultStatusListener(false);
    async.addAppender(console);
    async.start();
    // On exit (System.exit included) the queue is written out before the JVM ends.
    DefaultShutdownHook flush = new DefaultShutdownHook();
    flush.setContext(context);
    Runtime.getRuntime().addShutdownHook(new Thread(flush, "log-flush"));

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getenv("LOG_LEVEL"), Level.INFO));
    root.addAppender(async);
    context.getLogger("io.netty").setLevel(Level.WARN);
  }

  private static Encoder<ILoggingEvent> json(LoggerContext context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> text(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(TEXT_PATTERN);
    encoder.start();
    return encoder;
  }
}
