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
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The keys and claim rules that tokens are checked against, loaded once at start-up: the JWKS named
 * by AUTH_JWKS (a file or an http(s) URL), or, in development mode, the service's own key.
 */
public final class TrustedKeys {

  private static final Logger LOG = LoggerFactory.getLogger(TrustedKeys.class);
  /** The only signing algorithms accepted: those of Entra ID's keys, and of development mode's. */
  static final Set<String> ALGORITHMS = Set.of("RS256", "ES256");
  private static final long JWKS_TIMEOUT_MILLIS = 10_000;

  private final JWTAuthOptions options;

  private TrustedKeys(JWTAuthOptions options) {
    this.options = options;
  }

  public static Future<TrustedKeys> load(Vertx vertx, AuthConfig config) {
    Future<JWTAuthOptions> keys;
    if (config.developmentMode()) {
      keys = vertx.executeBlocking(() -> DevSigningKey.loadOrCreate(config.devKeyFile())).map(key -> {
        LOG.warn("Development mode: AUTH_JWKS is unset, so tokens signed by the local key in {} are trusted. "
          + "Never run like this in production.", config.devKeyFile().toAbsolutePath());
        return new JWTAuthOptions().addPubSecKey(key.verifying());
      });
    } else {
      String source = config.jwks().orElseThrow();
      keys = readJwks(vertx, source)
        .map(jwks -> signingKeys(jwks, source))
        .map(jwks -> new JWTAuthOptions().setJwks(jwks));
    }
    return keys.map(options -> new TrustedKeys(options.setJWTOptions(claimRules(config))));
  }

  private static JWTOptions claimRules(AuthConfig config) {
    JWTOptions rules = new JWTOptions().setLeeway(config.clockSkewSeconds());
    config.issuer().ifPresent(rules::setIssuer);
    config.audience().ifPresent(rules::addAudience);
    return rules;
  }

  private static Future<Buffer> readJwks(Vertx vertx, String source) {
    if (!source.startsWith("http://") && !source.startsWith("https://")) {
      return vertx.fileSystem().readFile(source);
    }
    HttpClient client = vertx.createHttpClient();
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(source)
        .setTimeout(JWKS_TIMEOUT_MILLIS))
      .compose(request -> request.send())
      .compose(response -> response.statusCode() == 200
        ? response.body()
        : Future.failedFuture("GET " + source + " answered " + response.statusCode()))
      .andThen(done -> client.close());
  }

  /**
   * Only signature keys of the algorithms the service accepts, RS256 and ES256 (on P-256), that
   * vertx-auth can load: it would otherwise drop a broken key with a warning and leave the service
   * refusing every token.
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

  JWTAuthOptions options() {
    return new JWTAuthOptions(options);
  }
}
