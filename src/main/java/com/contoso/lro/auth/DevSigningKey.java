package com.contoso.lro.auth;

import io.vertx.ext.auth.PubSecKeyOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Development mode's own ES256 key: made once, kept in a file, so that the server and
 * {@code make token} agree across restarts. Blocking file I/O: call it off the event loop.
 */
public record DevSigningKey(String privateKeyPem, String publicKeyPem) {

  public static final String KEY_ID = "development";
  private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----[^-]+-----END \\1-----\\s*");

  public static DevSigningKey loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return parse(Files.readString(file));
      }
      DevSigningKey key = generate();
      Path folder = file.toAbsolutePath().getParent();
      Files.createDirectories(folder);
      // Owner-only from the first byte: the private key is never readable by others, even briefly.
      Path written = Files.createTempFile(folder, file.getFileName().toString(), ".new",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(written, key.privateKeyPem + key.publicKeyPem);
        // Linked in whole, and only where no key is yet: instances starting together (make cluster)
        // all end up with the one key that was linked first, never a half-written file.
        Files.createLink(file, written);
        return key;
      } catch (java.nio.file.FileAlreadyExistsException another) {
        return parse(Files.readString(file));
      } finally {
        Files.deleteIfExists(written);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot keep the development signing key in " + file + ": " + e.getMessage(), e);
    }
  }

  private static DevSigningKey generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      return new DevSigningKey(pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
        pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM cannot make an EC P-256 key", e);
    }
  }

  private static DevSigningKey parse(String text) {
    String privateKey = null;
    String publicKey = null;
    Matcher blocks = PEM.matcher(text);
    while (blocks.find()) {
      if (blocks.group(1).equals("PRIVATE KEY")) {
        privateKey = blocks.group();
      } else if (blocks.group(1).equals("PUBLIC KEY")) {
        publicKey = blocks.group();
      }
    }
    if (privateKey == null || publicKey == null) {
      throw new IllegalStateException("The development key file holds no PRIVATE KEY and PUBLIC KEY pair");
    }
    return new DevSigningKey(privateKey, publicKey);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
      + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }

  PubSecKeyOptions verifying() {
    return new PubSecKeyOptions().setAlgorithm("ES256").setId(KEY_ID).setBuffer(publicKeyPem);
  }

  PubSecKeyOptions signing() {
    return new PubSecKeyOptions().setAlgorithm("ES256").setId(KEY_ID).setBuffer(privateKeyPem);
  }
}
