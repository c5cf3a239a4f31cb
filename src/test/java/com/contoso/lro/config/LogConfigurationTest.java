package com.contoso.lro.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import net.logstash.logback.appender.LoggingEventAsyncDisruptorAppender;
import net.logstash.logback.encoder.com.lmax.disruptor.SleepingWaitStrategy;
import org.junit.jupiter.api.Test;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    OutputStreamAppender<?> console = (OutputStreamAppender<?>) async.getAppender("console");
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

  @Test
  void the_lines_of_a_batch_reach_standard_output_in_one_write() {
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    List<Integer> writes = new ArrayList<>();
    OutputStream countingWrites = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        writes.add(length);
        written.write(bytes, offset, length);
      }
    };
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    // As the JDK makes System.out: a buffer of 128 bytes, flushed at every write.
    LogConfiguration.install(context, new PrintStream(new BufferedOutputStream(countingWrites, 128), true, StandardCharsets.UTF_8));
    try {
      LoggingEventAsyncDisruptorAppender async =
        (LoggingEventAsyncDisruptorAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("async");
      @SuppressWarnings("unchecked")
      OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) async.getAppender("console");
      Logger logger = context.getLogger("test");

      // As the writer thread hands the appender a batch of lines, then ends the batch with a flush (here, by stopping it).
      for (int i = 0; i < 100; i++) {
        console.doAppend(new LoggingEvent(Logger.FQCN, logger, Level.INFO, "line " + i, null, null));
      }
      assertThat(writes).as("nothing written while the batch lasts").isEmpty();
      console.stop();

      assertThat(writes).as("one write for the batch").hasSize(1);
      assertThat(written.toString(StandardCharsets.UTF_8)).contains("\"line 0\"", "\"line 99\"");
    } finally {
      context.stop();
    }
  }
}
