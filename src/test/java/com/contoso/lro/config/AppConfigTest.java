package com.contoso.lro.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration by environment variables, as the README's table documents it. */
class AppConfigTest {

  @Test
  void with_nothing_set_it_serves_8080_in_development_mode_against_the_local_lro_database() {
    AppConfig config = AppConfig.from(Map.of());

    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.httpInstances()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.database().connect().getHost()).isEqualTo("127.0.0.1");
    assertThat(config.database().connect().getPort()).isEqualTo(5432);
    assertThat(config.database().connect().getDatabase()).isEqualTo("lro");
    assertThat(config.database().connect().getUser()).isEqualTo("postgres");
    assertThat(config.auth().developmentMode()).isTrue();
    assertThat(config.auth().devKeyFile()).isEqualTo(Path.of(".dev/signing-key.pem"));
    assertThat(config.auth().issuer()).isEmpty();
    assertThat(config.auth().audience()).isEmpty();
  }

  @Test
  void the_pg_variables_name_the_database() {
    AppConfig config = AppConfig.from(Map.of("PGHOST", "db.internal", "PGPORT", "6543", "PGDATABASE", "ops",
      "PGUSER", "svc", "PGPASSWORD", "secret"));

    assertThat(config.database().connect().getHost()).isEqualTo("db.internal");
    assertThat(config.database().connect().getPort()).isEqualTo(6543);
    assertThat(config.database().connect().getPassword()).isEqualTo("secret");
    assertThat(config.database().jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/ops?sslmode=disable");
  }

  @Test
  void an_ipv6_host_and_a_tls_mode_reach_flyway_too() {
    AppConfig config = AppConfig.from(Map.of("DATABASE_URL", "postgresql://svc@[::1]:5432/ops?sslmode=require"));

    assertThat(config.database().jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/ops?sslmode=require");
  }

  @Test
  void public_base_url_is_kept_without_a_trailing_slash() {
    assertThat(AppConfig.from(Map.of("PUBLIC_BASE_URL", "https://lro.contoso.com/")).publicBaseUrl())
      .contains("https://lro.contoso.com");
    assertThat(AppConfig.from(Map.of()).publicBaseUrl()).isEmpty();
  }

  @Test
  void database_url_wins_over_the_pg_variables() {
    AppConfig config = AppConfig.from(Map.of("PGHOST", "ignored", "DATABASE_URL", "postgresql://svc:pw@db.example:5433/lro_prod"));

    assertThat(config.database().connect().getHost()).isEqualTo("db.example");
    assertThat(config.database().connect().getPort()).isEqualTo(5433);
    assertThat(config.database().connect().getDatabase()).isEqualTo("lro_prod");
    assertThat(config.database().connect().getUser()).isEqualTo("svc");
    assertThat(config.database().connect().getPassword()).isEqualTo("pw");
  }

  @Test
  void auth_variables_leave_development_mode_and_set_the_claim_rules() {
    AppConfig config = AppConfig.from(Map.of("AUTH_JWKS", "https://login.example/keys", "AUTH_ISSUER", "https://issuer",
      "AUTH_AUDIENCE", "api://lro", "HTTP_PORT", "9090"));

    assertThat(config.auth().developmentMode()).isFalse();
    assertThat(config.auth().jwks()).contains("https://login.example/keys");
    assertThat(config.auth().issuer()).contains("https://issuer");
    assertThat(config.auth().audience()).contains("api://lro");
    assertThat(config.httpPort()).isEqualTo(9090);
  }

  @Test
  void a_blank_variable_counts_as_unset() {
    assertThat(AppConfig.from(Map.of("AUTH_JWKS", "  ")).auth().developmentMode()).isTrue();
  }

  @Test
  void a_number_that_is_not_one_is_refused_with_the_variable_named() {
    assertThatThrownBy(() -> AppConfig.from(Map.of("HTTP_PORT", "eighty")))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("HTTP_PORT");
  }

  @Test
  void every_variable_the_service_reads_is_in_the_readme_table_and_in_help() throws IOException {
    Set<String> read = new TreeSet<>();
    AppConfig.from(new HashMap<>() {
      @Override
      public String get(Object name) {
        read.add((String) name);
        return null;
      }
    });
    String readme = Files.readString(Path.of("README.md"));
    String help;
    try (InputStream in = AppConfig.class.getResourceAsStream("/help.txt")) {
      help = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(read).hasSizeGreaterThan(15).contains("HTTP_PORT", "DATABASE_URL", "AUTH_JWKS");
    assertThat(read).allSatisfy(name -> {
      assertThat(readme).as("README table").contains("| `" + name + "` |");
      assertThat(help).as("--help").containsPattern("\\b" + name + "\\b");
    });
  }

  @Test
  void metrics_need_no_token_unless_metrics_require_token_is_true() {
    assertThat(AppConfig.from(Map.of()).metricsRequireToken()).isFalse();
    assertThat(AppConfig.from(Map.of("METRICS_REQUIRE_TOKEN", "true")).metricsRequireToken()).isTrue();
    assertThat(AppConfig.from(Map.of("METRICS_REQUIRE_TOKEN", "FALSE")).metricsRequireToken()).isFalse();
  }

  @Test
  void a_switch_that_is_neither_true_nor_false_is_refused_rather_than_read_as_off() {
    assertThatThrownBy(() -> AppConfig.from(Map.of("METRICS_REQUIRE_TOKEN", "yes")))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("METRICS_REQUIRE_TOKEN");
  }

  @Test
  void throttling_is_generous_by_default_takes_a_decimal_rate_and_zero_turns_it_off() {
    assertThat(AppConfig.from(Map.of()).throttle()).isEqualTo(new AppConfig.ThrottleConfig(1000, 2000));
    assertThat(AppConfig.from(Map.of()).throttle().enabled()).isTrue();
    assertThat(AppConfig.from(Map.of("THROTTLE_RATE_PER_SECOND", "0.5", "THROTTLE_BURST", "3")).throttle())
      .isEqualTo(new AppConfig.ThrottleConfig(0.5, 3));
    assertThat(AppConfig.from(Map.of("THROTTLE_RATE_PER_SECOND", "0")).throttle().enabled()).isFalse();
  }

  @Test
  void a_throttle_that_cannot_be_one_is_refused_with_the_variable_named() {
    assertThatThrownBy(() -> AppConfig.from(Map.of("THROTTLE_RATE_PER_SECOND", "-1")))
      .hasMessageContaining("THROTTLE_RATE_PER_SECOND");
    assertThatThrownBy(() -> AppConfig.from(Map.of("THROTTLE_RATE_PER_SECOND", "NaN")))
      .hasMessageContaining("THROTTLE_RATE_PER_SECOND");
    assertThatThrownBy(() -> AppConfig.from(Map.of("THROTTLE_BURST", "0")))
      .hasMessageContaining("THROTTLE_BURST");
    assertThatThrownBy(() -> AppConfig.from(Map.of("THROTTLE_RATE_PER_SECOND", "0.000001", "THROTTLE_BURST", "2000")))
      .hasMessageContaining("refill");
  }

  @Test
  void lists_and_counts_have_four_connections_of_their_own_and_two_statements_per_caller_by_default() {
    assertThat(AppConfig.from(Map.of()).database().listPoolSize()).isEqualTo(4);
    assertThat(AppConfig.from(Map.of()).database().statementsPerCaller()).isEqualTo(2);
    AppConfig.DatabaseConfig set = AppConfig.from(Map.of("DB_LIST_POOL_SIZE", "6", "DB_STATEMENTS_PER_CALLER", "3")).database();
    assertThat(set.listPoolSize()).isEqualTo(6);
    assertThat(set.statementsPerCaller()).isEqualTo(3);
  }

  @Test
  void a_share_too_small_for_a_list_with_its_count_is_refused_with_the_variable_named() {
    assertThatThrownBy(() -> AppConfig.from(Map.of("DB_STATEMENTS_PER_CALLER", "1")))
      .hasMessageContaining("DB_STATEMENTS_PER_CALLER");
    assertThatThrownBy(() -> AppConfig.from(Map.of("DB_LIST_POOL_SIZE", "0")))
      .hasMessageContaining("DB_LIST_POOL_SIZE");
  }

  @Test
  void each_caller_may_use_a_quarter_second_of_list_and_count_time_per_second_by_default_and_0_turns_it_off() {
    assertThat(AppConfig.from(Map.of()).database().timeSharePerCaller()).isEqualTo(0.25);
    assertThat(AppConfig.from(Map.of("DB_TIME_SHARE_PER_CALLER", "0")).database().timeSharePerCaller()).isZero();
    assertThatThrownBy(() -> AppConfig.from(Map.of("DB_TIME_SHARE_PER_CALLER", "-1")))
      .hasMessageContaining("DB_TIME_SHARE_PER_CALLER");
  }

  @Test
  void a_caller_holds_500_long_polls_by_default_and_at_least_one() {
    assertThat(AppConfig.from(Map.of()).longPollsPerCaller()).isEqualTo(500);
    assertThat(AppConfig.from(Map.of("LONG_POLLS_PER_CALLER", "3")).longPollsPerCaller()).isEqualTo(3);
    assertThatThrownBy(() -> AppConfig.from(Map.of("LONG_POLLS_PER_CALLER", "0")))
      .hasMessageContaining("LONG_POLLS_PER_CALLER");
  }

  @Test
  void a_caller_is_sent_a_million_bytes_of_pages_a_second_by_default_and_0_turns_it_off() {
    assertThat(AppConfig.from(Map.of()).pageBytesPerCaller()).isEqualTo(1_000_000);
    assertThat(AppConfig.from(Map.of("PAGE_BYTES_PER_CALLER", "0")).pageBytesPerCaller()).isZero();
    assertThatThrownBy(() -> AppConfig.from(Map.of("PAGE_BYTES_PER_CALLER", "-1")))
      .hasMessageContaining("PAGE_BYTES_PER_CALLER");
  }
}
