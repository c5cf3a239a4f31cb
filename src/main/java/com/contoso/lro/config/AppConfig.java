package com.contoso.lro.config;

import io.vertx.pgclient.PgConnectOptions;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the service reads from its environment, parsed once at start-up.
 *
 * @param httpPort      HTTP_PORT
 * @param httpInstances HTTP_INSTANCES: HTTP verticles, one per event loop by default
 * @param database      PG* or DATABASE_URL
 * @param auth          AUTH_*
 */
public record AppConfig(int httpPort, int httpInstances, DatabaseConfig database, AuthConfig auth) {

  public static AppConfig fromEnv() {
    return from(System.getenv());
  }

  public static AppConfig from(Map<String, String> env) {
    EnvReader read = new EnvReader(env);
    return new AppConfig(
      read.integer("HTTP_PORT", 8080),
      read.integer("HTTP_INSTANCES", Runtime.getRuntime().availableProcessors()),
      DatabaseConfig.from(read),
      AuthConfig.from(read));
  }

  /**
   * @param connect  where PostgreSQL is; DATABASE_URL wins over the PG* variables
   * @param poolSize DB_POOL_SIZE: connections shared by all HTTP verticles
   */
  public record DatabaseConfig(PgConnectOptions connect, int poolSize) {

    static DatabaseConfig from(EnvReader read) {
      PgConnectOptions connect = read.optional("DATABASE_URL")
        .map(PgConnectOptions::fromUri)
        .orElseGet(() -> new PgConnectOptions()
          .setHost(read.string("PGHOST", "localhost"))
          .setPort(read.integer("PGPORT", 5432))
          .setDatabase(read.string("PGDATABASE", "lro"))
          .setUser(read.string("PGUSER", "postgres"))
          .setPassword(read.string("PGPASSWORD", "")));
      return new DatabaseConfig(connect, read.integer("DB_POOL_SIZE", 8));
    }

    /** The same database, as Flyway's JDBC driver names it. */
    public String jdbcUrl() {
      return "jdbc:postgresql://" + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
    }
  }

  /**
   * @param jwks         AUTH_JWKS: a file path or an http(s) URL; absent means development mode
   * @param issuer       AUTH_ISSUER: when set, {@code iss} must equal it
   * @param audience     AUTH_AUDIENCE: when set, {@code aud} must contain it
   * @param devKeyFile   AUTH_DEV_KEY_FILE: where development mode keeps its signing key
   * @param clockSkewSeconds AUTH_CLOCK_SKEW_SECONDS: leeway on {@code exp} and {@code nbf}
   */
  public record AuthConfig(Optional<String> jwks, Optional<String> issuer, Optional<String> audience,
                           Path devKeyFile, int clockSkewSeconds) {

    static AuthConfig from(EnvReader read) {
      return new AuthConfig(
        read.optional("AUTH_JWKS"),
        read.optional("AUTH_ISSUER"),
        read.optional("AUTH_AUDIENCE"),
        Path.of(read.string("AUTH_DEV_KEY_FILE", ".dev/signing-key.pem")),
        read.integer("AUTH_CLOCK_SKEW_SECONDS", 60));
    }

    public boolean developmentMode() {
      return jwks.isEmpty();
    }
  }
}
