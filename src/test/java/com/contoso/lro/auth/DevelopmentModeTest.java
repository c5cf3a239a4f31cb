package com.contoso.lro.auth;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.contoso.lro.TestService;
import com.contoso.lro.TestTokens;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Development mode: AUTH_JWKS unset, the service trusts only its own key, kept in AUTH_DEV_KEY_FILE. */
@ExtendWith(VertxExtension.class)
class DevelopmentModeTest {

  private static final String JWT = "[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+";

  @TempDir
  static Path dir;

  private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

  private static Path keyFile;
  private static TestService service;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext test) {
    LOG.start();
    ((Logger) LoggerFactory.getLogger(TrustedKeys.class)).addAppender(LOG);
    keyFile = dir.resolve("not-yet").resolve("signing-key.pem");
    assertThat(keyFile).doesNotExist();
    TestService.start(vertx, Map.of(
      "AUTH_JWKS", "",
      "AUTH_ISSUER", "",
      "AUTH_AUDIENCE", "",
      "AUTH_DEV_KEY_FILE", keyFile.toString())).onComplete(test.succeeding(started -> {
        service = started;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    ((Logger) LoggerFactory.getLogger(TrustedKeys.class)).detachAppender(LOG);
    service.stop().onComplete(test.succeedingThenComplete());
  }

  @Test
  void the_server_says_in_its_log_that_it_runs_in_development_mode() {
    assertThat(LOG.list).anySatisfy(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage()).contains("Development mode").contains(keyFile.toString());
    });
  }

  @Test
  void the_server_creates_the_key_file_readable_and_writable_by_its_owner_only() throws IOException {
    assertThat(keyFile).isRegularFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    assertThat(Files.readString(keyFile))
      .contains("-----BEGIN PRIVATE KEY-----", "-----BEGIN PUBLIC KEY-----");
  }

  @Test
  void the_key_file_is_kept_so_loading_it_again_yields_the_same_key() throws IOException {
    String before = Files.readString(keyFile);

    DevSigningKey first = DevSigningKey.loadOrCreate(keyFile);
    DevSigningKey second = DevSigningKey.loadOrCreate(keyFile);

    assertThat(second).isEqualTo(first);
    assertThat(first.privateKeyPem() + first.publicKeyPem()).isEqualTo(before);
    assertThat(Files.readString(keyFile)).isEqualTo(before);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
  }

  @Test
  void a_token_signed_with_the_development_key_is_accepted(Vertx vertx) {
    DevSigningKey key = DevSigningKey.loadOrCreate(keyFile);
    String token = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key.signing()))
      .generateToken(new JsonObject()
          .put("oid", DevToken.USER_OID)
          .put("tid", DevToken.TENANT_ID)
          .put("upn", DevToken.USER_UPN)
          .put("preferred_username", DevToken.USER_UPN)
          .put("name", "Adele Vance (development)")
          .put("scp", "UserAuthenticationMethod.ReadWrite"),
        new JWTOptions().setAlgorithm("ES256").setExpiresInMinutes(60));

    HttpResponse<Buffer> response = service.create(token, new JsonObject());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    assertThat(service.storedRow(DevToken.USER_OID, response.bodyAsJsonObject().getString("id"))).isNotNull();
  }

  @Test
  void make_token_with_scopes_and_directory_roles_mints_an_administrator_who_reads_another_user(Vertx vertx) {
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(DevSigningKey.loadOrCreate(keyFile).signing()));
    String path = "/beta/users/" + java.util.UUID.randomUUID() + "/authentication/operations";
    JWTOptions options = new JWTOptions().setAlgorithm("ES256").setExpiresInMinutes(60);
    String withoutRole = signer.generateToken(DevToken.claims("--scp=UserAuthenticationMethod.ReadWrite.All"), options);
    String administrator = signer.generateToken(DevToken.claims("--scp=UserAuthenticationMethod.ReadWrite.All",
      "--wids=" + TestTokens.AUTHENTICATION_ADMINISTRATOR), options);

    HttpResponse<Buffer> refused = service.call(io.vertx.core.http.HttpMethod.GET, path, withoutRole, null);
    HttpResponse<Buffer> listed = service.call(io.vertx.core.http.HttpMethod.GET, path, administrator, null);

    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(403);
    assertThat(listed.statusCode()).as(listed.bodyAsString()).isEqualTo(200);
  }

  @Test
  void the_make_token_command_prints_one_token_that_the_server_accepts() throws Exception {
    Path stderr = dir.resolve("dev-token.err");
    ProcessBuilder command = new ProcessBuilder(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"),
      DevToken.class.getName())
      .redirectError(stderr.toFile());
    command.environment().remove("AUTH_JWKS");
    command.environment().remove("AUTH_ISSUER");
    command.environment().remove("AUTH_AUDIENCE");
    command.environment().put("AUTH_DEV_KEY_FILE", keyFile.toString());
    String keyBefore = Files.readString(keyFile);

    Process process = command.start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("DevToken exits").isTrue();

    assertThat(process.exitValue()).as(Files.readString(stderr)).isZero();
    String token = stdout.trim();
    assertThat(token).as("stdout is exactly one token").matches(JWT);
    assertThat(Files.readString(keyFile)).as("make token reuses the server's key").isEqualTo(keyBefore);
    HttpResponse<Buffer> response = service.create(token, new JsonObject());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    assertThat(service.storedRow(DevToken.USER_OID, response.bodyAsJsonObject().getString("id"))).isNotNull();
  }

  @Test
  void a_token_signed_by_a_key_trusted_outside_development_mode_is_401() {
    HttpResponse<Buffer> response = service.create(service.tokens.user().sign(), new JsonObject());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unauthorized");
  }

  @Test
  void an_es256_token_with_the_development_kid_but_another_key_is_401() throws JOSEException {
    ECKey impostor = new ECKeyGenerator(Curve.P_256).keyID(DevSigningKey.KEY_ID).generate();

    HttpResponse<Buffer> response = service.create(service.tokens.user().signedWith(impostor).sign(),
      new JsonObject());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(401);
  }
}
