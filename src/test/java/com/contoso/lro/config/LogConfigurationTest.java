package com.contoso.lro.config;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import net.logstash.logback.appender.LoggingEventAsyncDisruptorAppender;
import net.logstash.logback.encoder.com.lmax.disruptor.SleepingWaitStrategy;
import org.junit.jupiter.api.Test;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the service's log lines go: through a writer thread of their own, never waited for by the caller. */
class LogConfigurationTest {

  @Test
  void every_line_goes_through_a_queue_that_drops_rather_than_blocks_to_standard_output() {
    LoggerContext context = new LoggerContext();

    LogConfiguration.install(context);

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getAppender("console")).as("nothing writes to standard output on the caller's thread").isNull();
    LoggingEventAsyncDisruptorAppender async = (LoggingEventAsyncDisruptorAppender) root.getAppender("async");
    assertThat(async.isStarted()).isTrue();
    assertThat(async.getAppendTimeout().getMilliseconds()).as("a full ring drops a line rather than block an event loop")
      .isZero();
    assertThat(async.getRingBufferSize()).isEqualTo(LogConfiguration.QUEUE_SIZE);
    assertThat(async.isIncludeCallerData()).isFalse();
    assertThat(async.getWaitStrategy()).as("a line handed over wakes no thread").isInstanceOf(SleepingWaitStrategy.class);
    assertThat(async.isAddDefaultStatusListener()).as("logback's status messages stay off standard output").isFalse();
    ConsoleAppender<?> console = (ConsoleAppender<?>) async.getAppender("console");
    assertThat(console.isImmediateFlush()).as("written in batches, flushed at the end of each").isFalse();
    context.stop();
  }

  @Test
  void a_line_reaches_standard_output_without_waiting_for_the_next_one() throws InterruptedException {
    PrintStream original = System.out;
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    // Buffered and never flushed by itself: only the appender's flush at the end of a batch shows the line.
    System.setOut(new PrintStream(new BufferedOutputStream(written, 1 << 16), false, StandardCharsets.UTF_8));
    LoggerContext context = new LoggerContext();
    // As SLF4J's provider sets up the service's context.
    context.setMDCAdapter(new LogbackMDCAdapter());
    try {
      LogConfiguration.install(context);
      String line = "flushed " + UUID.randomUUID();

      context.getLogger("test").info(line);

      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!written.toString(StandardCharsets.UTF_8).contains(line) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(written.toString(StandardCharsets.UTF_8)).contains(line);
    } finally {
      context.stop();
      System.setOut(original);
    }
  }
}
