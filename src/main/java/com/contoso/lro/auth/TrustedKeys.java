package com.contoso.lro.auth;

import com.contoso.lro.config.AppConfig.AuthConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.impl.jose.JWK;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The keys and claim rules that tokens are checked against: the JWKS named by AUTH_JWKS (a file or
 * an http(s) URL), or, in development mode, the service's own key. One instance serves every API
 * verticle, so the JWKS is read once for all of them.
 *
 * <p>Keys rotate without a restart, as Entra ID's do: the JWKS is read again when the keys are
 * AUTH_JWKS_REFRESH_SECONDS old, and when a token names a key id that is not known, but never twice
 * within AUTH_JWKS_MIN_REFRESH_SECONDS, and by one read at a time that every caller waits on. A read
 * that fails, or that finds no usable key, keeps the last good keys: a JWKS endpoint that is down
 * refuses no token that its keys would accept. Start-up still fails when the first read does, as an
 * instance that trusts no key could only answer 401.
 */
public final class TrustedKeys {

  private static final Logger LOG = LoggerFactory.getLogger(TrustedKeys.class);
  /** The only signing algorithms accepted: those of Entra ID's keys, and of development mode's. */
  static final Set<String> ALGORITHMS = Set.of("RS256", "ES256");
  private static final long JWKS_TIMEOUT_MILLIS = 5_000;

  /**
   * One version of the trusted keys, never changed but replaced whole by a refresh.
   *
   * @param jwks the keys as read, to tell whether a refresh changed anything
   * @param keyIds their {@code kid}s
   * @param anyKeyId whether some key has no {@code kid}, and so may have signed a token under any
   */
  record KeySet(JWTAuthOptions options, List<JsonObject> jwks, Set<String> keyIds, boolean anyKeyId) {

    /** Whether a token that names this key id (or none) may have been signed by one of these keys. */
    boolean knows(String keyId) {
      return keyId == null || anyKeyId || keyIds.contains(keyId);
    }
  }

  private final Vertx vertx;
  private final Optional<String> source;
  private final LongSupplier nanoClock;
  private final long refreshNanos;
  private final long minRefreshNanos;
  private volatile KeySet current;
  private volatile long readAtNanos;
  /** When the last refresh began, or null before the first: guarded by this. */
  private Long refreshedAtNanos;
  /** The refresh under way, that every caller joins: guarded by this. */
  private Future<KeySet> refreshing;

  private TrustedKeys(Vertx vertx, Optional<String> source, AuthConfig config, KeySet keys, LongSupplier nanoClock) {
    this.vertx = vertx;
    this.source = source;
    this.nanoClock = nanoClock;
    this.refreshNanos = TimeUnit.SECONDS.toNanos(config.jwksRefreshSeconds());
    this.minRefreshNanos = TimeUnit.SECONDS.toNanos(config.jwksMinRefreshSeconds());
    this.current = keys;
    this.readAtNanos = nanoClock.getAsLong();
  }

  public static Future<TrustedKeys> load(Vertx vertx, AuthConfig config) {
    return load(vertx, config, System::nanoTime);
  }

  /** @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime}, that times the refreshes */
  public static Future<TrustedKeys> load(Vertx vertx, AuthConfig config, LongSupplier nanoClock) {
    JWTOptions rules = claimRules(config);
    if (config.developmentMode()) {
      return vertx.executeBlocking(() -> DevSigningKey.loadOrCreate(config.devKeyFile())).map(key -> {
        LOG.warn("Development mode: AUTH_JWKS is unset, so tokens signed by the local key in {} are trusted. "
          + "Never run like this in production.", config.devKeyFile().toAbsolutePath());
        JWTAuthOptions options = new JWTAuthOptions().addPubSecKey(key.verifying()).setJWTOptions(rules);
        return new TrustedKeys(vertx, Optional.empty(), config,
          new KeySet(options, List.of(), Set.of(DevSigningKey.KEY_ID), false), nanoClock);
      });
    }
    String source = config.jwks().orElseThrow();
    return read(vertx, source, rules).map(keys -> new TrustedKeys(vertx, Optional.of(source), config, keys, nanoClock));
  }

  private static JWTOptions claimRules(AuthConfig config) {
    JWTOptions rules = new JWTOptions().setLeeway(config.clockSkewSeconds());
    config.issuer().ifPresent(rules::setIssuer);
    config.audience().ifPresent(rules::addAudience);
    return rules;
  }

  /** The keys to check tokens against now. */
  KeySet current() {
    return current;
  }

  /** Leeway on {@code exp} and {@code nbf}, in milliseconds. */
  long skewMillis() {
    return current.options().getJWTOptions().getLeeway() * 1000L;
  }

  /** Starts reading the JWKS again, without waiting for it, when the keys have grown old. */
  void refreshIfStale() {
    if (source.isPresent() && nanoClock.getAsLong() - readAtNanos >= refreshNanos) {
      refresh();
    }
  }

  /**
   * Reads the JWKS again, unless it was read less than AUTH_JWKS_MIN_REFRESH_SECONDS ago, and
   * answers the keys then trusted; never fails. Its future completes on whichever event loop did
   * the reading.
   */
  synchronized Future<KeySet> refresh() {
    if (refreshing != null) {
      return refreshing;
    }
    long now = nanoClock.getAsLong();
    if (source.isEmpty() || refreshedAtNanos != null && now - refreshedAtNanos < minRefreshNanos) {
      return Future.succeededFuture(current);
    }
    refreshedAtNanos = now;
    String from = source.get();
    Future<KeySet> reading = read(vertx, from, current.options().getJWTOptions())
      .map(this::replaceWith)
      .recover(failure -> {
        LOG.warn("Keeping the {} trusted key(s): reading {} again failed: {}", current.keyIds().size(), from,
          failure.getMessage());
        return Future.succeededFuture(current);
      });
    refreshing = reading;
    reading.onComplete(done -> {
      synchronized (this) {
        if (refreshing == reading) {
          refreshing = null;
        }
      }
    });
    return reading;
  }

  private KeySet replaceWith(KeySet read) {
    readAtNanos = nanoClock.getAsLong();
    if (!read.jwks().equals(current.jwks())) {
      LOG.info("The trusted keys changed: key ids {} are now {}", current.keyIds(), read.keyIds());
      current = read;
    }
    return current;
  }

  private static Future<KeySet> read(Vertx vertx, String source, JWTOptions rules) {
    return readJwks(vertx, source).map(jwks -> {
      List<JsonObject> keys = signingKeys(jwks, source);
      Set<String> keyIds = keys.stream().map(key -> key.getString("kid")).filter(kid -> kid != null)
        .collect(Collectors.toUnmodifiableSet());
      boolean anyKeyId = keys.stream().anyMatch(key -> key.getString("kid") == null);
      return new KeySet(new JWTAuthOptions().setJwks(keys).setJWTOptions(rules), keys, keyIds, anyKeyId);
    });
  }

  private static Future<Buffer> readJwks(Vertx vertx, String source) {
    if (!source.startsWith("http://") && !source.startsWith("https://")) {
      return vertx.fileSystem().readFile(source);
    }
    HttpClient client = vertx.createHttpClient();
    // The request's timeout is an idle one, which an endpoint writing a byte now and then never
    // meets: the whole read has a deadline too, as a refresh that never ends would stop rotation
    // and hold every token of an unknown key. Closing the client drops what is still coming.
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(source)
        .setTimeout(JWKS_TIMEOUT_MILLIS))
      .compose(request -> request.send())
      .compose(response -> response.statusCode() == 200
        ? response.body()
        : Future.failedFuture("GET " + source + " answered " + response.statusCode()))
      .timeout(JWKS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
      .andThen(done -> client.close());
  }

  /**
   * Only signature keys of the algorithms the service accepts, RS256 and ES256 (on P-256), that
   * vertx-auth can load: it would otherwise drop a broken key with a warning and leave the service
   * refusing every token. None at all is an error: vertx-auth with no key at all would accept
   * unsigned tokens.
   */
  private static List<JsonObject> signingKeys(Buffer jwks, String source) {
    JsonArray keys = new JsonObject(jwks).getJsonArray("keys", new JsonArray());
    List<JsonObject> usable = keys.stream()
      .filter(JsonObject.class::isInstance).map(JsonObject.class::cast)
      .filter(key -> key.getString("use", "sig").equals("sig"))
      .filter(TrustedKeys::isSupported)
      .collect(Collectors.toList());
    if (usable.isEmpty()) {
      throw new IllegalStateException("The JWKS at " + source + " holds no usable RS256 or ES256 signing key");
    }
    LOG.info("Trusting {} of the {} key(s) from {}", usable.size(), keys.size(), source);
    return usable;
  }

  private static boolean isSupported(JsonObject key) {
    boolean rsa = "RSA".equals(key.getString("kty"));
    boolean p256 = "EC".equals(key.getString("kty")) && "P-256".equals(key.getString("crv"));
    if (!(rsa || p256) || !ALGORITHMS.contains(key.getString("alg", rsa ? "RS256" : "ES256"))) {
      return false;
    }
    try {
      new JWK(key);
      return true;
    } catch (RuntimeException unloadable) {
      LOG.warn("Ignoring JWKS key {}: {}", key.getString("kid"), unloadable.getMessage());
      return false;
    }
  }
}
