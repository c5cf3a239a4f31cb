package com.contoso.lro.config;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the service's log lines go: through logback's own thread, never waited for by the caller. */
class LogConfigurationTest {

  @Test
  void every_line_goes_through_a_queue_that_drops_rather_than_blocks_to_standard_output() {
    LoggerContext context = new LoggerContext();

    LogConfiguration.install(context);

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getAppender("console")).as("nothing writes to standard output on the caller's thread").isNull();
    AsyncAppender async = (AsyncAppender) root.getAppender("async");
    assertThat(async.isStarted()).isTrue();
    assertThat(async.isNeverBlock()).as("a full queue drops a line rather than block an event loop").isTrue();
    assertThat(async.getQueueSize()).isEqualTo(LogConfiguration.QUEUE_SIZE);
    assertThat(async.isIncludeCallerData()).isFalse();
    assertThat(async.getAppender("console")).isInstanceOf(ConsoleAppender.class);
    context.stop();
  }
}
