package com.contoso.lro.config;

import io.vertx.pgclient.PgConnectOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the service reads from its environment, parsed once at start-up.
 *
 * @param httpPort      HTTP_PORT
 * @param httpInstances HTTP_INSTANCES: HTTP verticles, one per event loop by default
 * @param publicBaseUrl PUBLIC_BASE_URL: scheme and authority that clients use, e.g. https://lro.contoso.com;
 *                      absent, links name the host that the client called
 * @param retryAfterMaxSeconds RETRY_AFTER_MAX_SECONDS: the longest Retry-After on an operation that is not final
 * @param idempotencyKeyHours  IDEMPOTENCY_KEY_HOURS: how long an Idempotency-Key's first answer is kept
 * @param retention     RETENTION_*
 * @param shutdownGraceSeconds SHUTDOWN_GRACE_SECONDS: how long requests in flight may take to finish on SIGTERM
 * @param shutdownDrainSeconds SHUTDOWN_DRAIN_SECONDS: how long, on SIGTERM, the instance goes on serving while
 *                      /health/ready answers 503, before it refuses new connections: the time a load balancer's
 *                      health checks take to send its traffic elsewhere
 * @param metricsRequireToken  METRICS_REQUIRE_TOKEN: whether GET /metrics needs a bearer token the API would accept
 * @param database      PG* or DATABASE_URL
 * @param auth          AUTH_*
 * @param connections   TLS_* and HTTP_*_TIMEOUT_SECONDS: how connections are secured and how long they may dawdle
 * @param throttle      THROTTLE_*
 * @param longPollsPerCaller LONG_POLLS_PER_CALLER: requests with Prefer: wait that one caller may hold at once on
 *                      one instance; beyond it, 429
 * @param pageBytesPerCaller PAGE_BYTES_PER_CALLER: bytes of list pages per second one caller may be sent by one
 *                      instance on average, in bursts of up to {@link #PAGE_BYTES_BURST_SECONDS} seconds' worth;
 *                      beyond it, 429; 0 turns it off
 */
public record AppConfig(int httpPort, int httpInstances, Optional<String> publicBaseUrl, int retryAfterMaxSeconds,
                        int idempotencyKeyHours, RetentionConfig retention, int shutdownGraceSeconds,
                        int shutdownDrainSeconds, boolean metricsRequireToken, DatabaseConfig database, AuthConfig auth,
                        ConnectionConfig connections, ThrottleConfig throttle, int longPollsPerCaller,
                        int pageBytesPerCaller) {

  /** How many seconds of PAGE_BYTES_PER_CALLER a caller at rest may be sent at once. */
  public static final int PAGE_BYTES_BURST_SECONDS = 10;

  private static int shutdownDrainSeconds(EnvReader read) {
    int seconds = read.integer("SHUTDOWN_DRAIN_SECONDS", 0);
    if (seconds < 0 || seconds > 300) {
      throw new IllegalArgumentException("SHUTDOWN_DRAIN_SECONDS must be from 0 to 300");
    }
    return seconds;
  }

  public static AppConfig fromEnv() {
    return from(System.getenv());
  }

  public static AppConfig from(Map<String, String> env) {
    EnvReader read = new EnvReader(env);
    // A small share of the heap of jvm.options per caller (the README gives the figures).
    int longPollsPerCaller = read.integer("LONG_POLLS_PER_CALLER", 500);
    if (longPollsPerCaller < 1) {
      throw new IllegalArgumentException("LONG_POLLS_PER_CALLER must be at least 1");
    }
    int pageBytesPerCaller = read.integer("PAGE_BYTES_PER_CALLER", 1_000_000);
    if (pageBytesPerCaller < 0) {
      throw new IllegalArgumentException("PAGE_BYTES_PER_CALLER must be at least 0 (off)");
    }
    return new AppConfig(
      read.integer("HTTP_PORT", 8080),
      read.integer("HTTP_INSTANCES", Runtime.getRuntime().availableProcessors()),
      read.optional("PUBLIC_BASE_URL").map(url -> url.replaceAll("/+$", "")),
      read.integer("RETRY_AFTER_MAX_SECONDS", 30),
      read.integer("IDEMPOTENCY_KEY_HOURS", 24),
      RetentionConfig.from(read),
      read.integer("SHUTDOWN_GRACE_SECONDS", 10),
      shutdownDrainSeconds(read),
      // Off by default: Prometheus scrapes from inside the network, where /metrics is usually open and the
      // ingress keeps it from the outside; on, a scraper authenticates as any client does (see README).
      read.bool("METRICS_REQUIRE_TOKEN", false),
      DatabaseConfig.from(read),
      AuthConfig.from(read),
      ConnectionConfig.from(read),
      ThrottleConfig.from(read),
      longPollsPerCaller,
      pageBytesPerCaller);
  }

  /**
   * @param tls                TLS_CERT_FILE and TLS_KEY_FILE (PEM), both or neither: present, the port speaks HTTPS only
   * @param idleTimeoutSeconds HTTP_IDLE_TIMEOUT_SECONDS: a connection that receives no complete request head nor any
   *                           body data, and sends nothing, for this long is closed; above 60, the longest Prefer: wait
   * @param bodyTimeoutSeconds HTTP_BODY_TIMEOUT_SECONDS: how long a request's body may take to arrive after its head
   */
  public record ConnectionConfig(Optional<TlsFiles> tls, int idleTimeoutSeconds, int bodyTimeoutSeconds) {

    static ConnectionConfig from(EnvReader read) {
      Optional<String> cert = read.optional("TLS_CERT_FILE");
      Optional<String> key = read.optional("TLS_KEY_FILE");
      if (cert.isPresent() != key.isPresent()) {
        throw new IllegalArgumentException("TLS_CERT_FILE and TLS_KEY_FILE go together: set both for HTTPS, or neither");
      }
      int idleTimeoutSeconds = read.integer("HTTP_IDLE_TIMEOUT_SECONDS", 90);
      int bodyTimeoutSeconds = read.integer("HTTP_BODY_TIMEOUT_SECONDS", 30);
      if (idleTimeoutSeconds < 1 || bodyTimeoutSeconds < 1) {
        throw new IllegalArgumentException("HTTP_IDLE_TIMEOUT_SECONDS and HTTP_BODY_TIMEOUT_SECONDS must be at least 1");
      }
      return new ConnectionConfig(cert.map(certPath -> new TlsFiles(Path.of(certPath), Path.of(key.get()))),
        idleTimeoutSeconds, bodyTimeoutSeconds);
    }
  }

  /** A certificate chain and its private key, PEM files. */
  public record TlsFiles(Path certificate, Path privateKey) {
  }

  /**
   * Each caller's rate limit on one instance: a token bucket per caller (the token's {@code oid}).
   *
   * @param ratePerSecond THROTTLE_RATE_PER_SECOND: requests per second a caller may keep up on one
   *                      instance (default 1000), e.g. 0.5 for one every two seconds; 0 turns throttling off
   * @param burst         THROTTLE_BURST: requests a caller may make at once after a quiet spell, the
   *                      bucket's size (default 2000)
   */
  public record ThrottleConfig(double ratePerSecond, int burst) {

    /** Keeps a bucket's refill time, in nanoseconds, far inside a long. */
    private static final double LONGEST_REFILL_SECONDS = 1e9;

    static ThrottleConfig from(EnvReader read) {
      // Generous: a guard against one runaway caller crowding out the others, not a quota.
      double ratePerSecond = read.decimal("THROTTLE_RATE_PER_SECOND", 1000);
      int burst = read.integer("THROTTLE_BURST", 2000);
      if (ratePerSecond < 0 || ratePerSecond > 1e9) {
        throw new IllegalArgumentException("THROTTLE_RATE_PER_SECOND must be from 0 (off) to 1000000000");
      }
      if (burst < 1) {
        throw new IllegalArgumentException("THROTTLE_BURST must be at least 1");
      }
      if (ratePerSecond > 0 && burst / ratePerSecond > LONGEST_REFILL_SECONDS) {
        throw new IllegalArgumentException("THROTTLE_BURST / THROTTLE_RATE_PER_SECOND, the time to refill a bucket, "
          + "must be at most " + (long) LONGEST_REFILL_SECONDS + " seconds");
      }
      return new ThrottleConfig(ratePerSecond, burst);
    }

    public boolean enabled() {
      return ratePerSecond > 0;
    }
  }

  /**
   * @param hours           RETENTION_HOURS: final operations older than this are deleted (default 30 days, at least 24)
   * @param intervalSeconds RETENTION_INTERVAL_SECONDS: how often the job runs
   * @param batchSize       RETENTION_BATCH_SIZE: rows per delete statement
   */
  public record RetentionConfig(int hours, int intervalSeconds, int batchSize) {

    static RetentionConfig from(EnvReader read) {
      int hours = read.integer("RETENTION_HOURS", 30 * 24);
      if (hours < 24) {
        throw new IllegalArgumentException("RETENTION_HOURS must be at least 24: Graph keeps operations for a day at least");
      }
      int intervalSeconds = read.integer("RETENTION_INTERVAL_SECONDS", 300);
      int batchSize = read.integer("RETENTION_BATCH_SIZE", 1000);
      if (intervalSeconds < 1 || batchSize < 1) {
        throw new IllegalArgumentException("RETENTION_INTERVAL_SECONDS and RETENTION_BATCH_SIZE must be at least 1");
      }
      return new RetentionConfig(hours, intervalSeconds, batchSize);
    }
  }

  /**
   * @param connect  where PostgreSQL is; DATABASE_URL wins over the PG* variables; its sessions carry
   *                 DB_STATEMENT_TIMEOUT_MS as PostgreSQL's statement_timeout
   * @param poolSize DB_POOL_SIZE: connections in all, divided among the HTTP verticles (at least one each)
   * @param timeout  DB_TIMEOUT_SECONDS: the longest a request waits on the database (to connect, for a pooled
   *                 connection, for its statements) before it is answered 503
   * @param listPoolSize        DB_LIST_POOL_SIZE: connections in all for lists and counts, one statement each at a
   *                            time, divided among the HTTP verticles (at least one each)
   * @param statementsPerCaller DB_STATEMENTS_PER_CALLER: list and count statements each caller may have in flight
   *                            on one instance; beyond, 429
   * @param timeSharePerCaller  DB_TIME_SHARE_PER_CALLER: seconds of list and count statement time per second each
   *                            caller may use on one instance, on average, in bursts of up to DB_TIMEOUT_SECONDS;
   *                            beyond, 429; 0 turns it off
   */
  public record DatabaseConfig(PgConnectOptions connect, int poolSize, Duration timeout, int listPoolSize,
                               int statementsPerCaller, double timeSharePerCaller) {

    public static final String APPLICATION_NAME = "lro-service";

    static DatabaseConfig from(EnvReader read) {
      PgConnectOptions connect = read.optional("DATABASE_URL")
        .map(PgConnectOptions::fromUri)
        .orElseGet(() -> new PgConnectOptions()
          .setHost(read.string("PGHOST", "127.0.0.1"))
          .setPort(read.integer("PGPORT", 5432))
          .setDatabase(read.string("PGDATABASE", "lro"))
          .setUser(read.string("PGUSER", "postgres"))
          .setPassword(read.string("PGPASSWORD", "")));
      // Names the service's sessions in pg_stat_activity, for whoever runs the database.
      connect.addProperty("application_name", APPLICATION_NAME);
      // Lists prepare SQL that varies with their query options: keep the prepared statements.
      connect.setCachePreparedStatements(true);
      int timeoutSeconds = read.integer("DB_TIMEOUT_SECONDS", 5);
      int statementTimeoutMillis = read.integer("DB_STATEMENT_TIMEOUT_MS", timeoutSeconds * 1000);
      if (timeoutSeconds < 1 || statementTimeoutMillis < 0) {
        throw new IllegalArgumentException("DB_TIMEOUT_SECONDS must be at least 1 and DB_STATEMENT_TIMEOUT_MS at least 0");
      }
      // The server cancels a statement that outlives the request that waits for it, rather than
      // keeping a connection busy for nobody. Set at connection start-up, like application_name.
      connect.addProperty("statement_timeout", String.valueOf(statementTimeoutMillis));
      // One statement, one core: a parallel plan of one caller's costly list took every core of the
      // database's machine from everyone else's requests (bench/README.md, the hostile phase).
      connect.addProperty("max_parallel_workers_per_gather", "0");
      int listPoolSize = read.integer("DB_LIST_POOL_SIZE", 4);
      // Two, so that a list with $count=true (its page and its count at once) fits one caller's share.
      int statementsPerCaller = read.integer("DB_STATEMENTS_PER_CALLER", 2);
      if (listPoolSize < 1 || statementsPerCaller < 2) {
        throw new IllegalArgumentException("DB_LIST_POOL_SIZE must be at least 1 and DB_STATEMENTS_PER_CALLER at least 2");
      }
      double timeSharePerCaller = read.decimal("DB_TIME_SHARE_PER_CALLER", 0.25);
      if (!(timeSharePerCaller >= 0 && timeSharePerCaller <= 1000)) {
        throw new IllegalArgumentException("DB_TIME_SHARE_PER_CALLER must be from 0 (off) to 1000");
      }
      return new DatabaseConfig(connect, read.integer("DB_POOL_SIZE", 8), Duration.ofSeconds(timeoutSeconds),
        listPoolSize, statementsPerCaller, timeSharePerCaller);
    }

    /** The same database, as Flyway's JDBC driver names it, with the same TLS mode. */
    public String jdbcUrl() {
      String host = connect.getHost().contains(":") ? "[" + connect.getHost() + "]" : connect.getHost();
      return "jdbc:postgresql://" + host + ":" + connect.getPort() + "/" + connect.getDatabase()
        + "?sslmode=" + connect.getSslMode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * @param jwks         AUTH_JWKS: a file path or an http(s) URL; absent means development mode
   * @param issuer       AUTH_ISSUER: when set, {@code iss} must equal it
   * @param audience     AUTH_AUDIENCE: when set, {@code aud} must contain it
   * @param devKeyFile   AUTH_DEV_KEY_FILE: where development mode keeps its signing key
   * @param clockSkewSeconds AUTH_CLOCK_SKEW_SECONDS: leeway on {@code exp} and {@code nbf}
   * @param jwksRefreshSeconds    AUTH_JWKS_REFRESH_SECONDS: how old the keys may grow before the JWKS is read
   *                              again (a day, as Entra ID advises)
   * @param jwksMinRefreshSeconds AUTH_JWKS_MIN_REFRESH_SECONDS: the least time between two reads of the JWKS,
   *                              so that tokens naming unknown keys cannot make the service hammer it
   */
  public record AuthConfig(Optional<String> jwks, Optional<String> issuer, Optional<String> audience,
                           Path devKeyFile, int clockSkewSeconds, int jwksRefreshSeconds, int jwksMinRefreshSeconds) {

    static AuthConfig from(EnvReader read) {
      int refreshSeconds = read.integer("AUTH_JWKS_REFRESH_SECONDS", 24 * 60 * 60);
      int minRefreshSeconds = read.integer("AUTH_JWKS_MIN_REFRESH_SECONDS", 300);
      if (refreshSeconds < 1 || minRefreshSeconds < 1) {
        throw new IllegalArgumentException("AUTH_JWKS_REFRESH_SECONDS and AUTH_JWKS_MIN_REFRESH_SECONDS must be at least 1");
      }
      return new AuthConfig(
        read.optional("AUTH_JWKS"),
        read.optional("AUTH_ISSUER"),
        read.optional("AUTH_AUDIENCE"),
        Path.of(read.string("AUTH_DEV_KEY_FILE", ".dev/signing-key.pem")),
        read.integer("AUTH_CLOCK_SKEW_SECONDS", 60),
        refreshSeconds,
        minRefreshSeconds);
    }

    public boolean developmentMode() {
      return jwks.isEmpty();
    }
  }
}
