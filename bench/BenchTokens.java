import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * The trusted token source of `make bench`: the service runs as in production, with AUTH_JWKS naming
 * a JWKS file, not in development mode. Makes a fresh RS256 key (the algorithm Entra ID signs access
 * tokens with, so the service verifies what it would verify in production), writes its public half
 * as a JWKS file and prints one token per object id, in order, valid for two hours. The private key
 * never leaves this process. JDK only, so it runs as a single-file program:
 *
 *   java bench/BenchTokens.java JWKS_FILE ISSUER AUDIENCE OID...
 */
public class BenchTokens {

  private static final String KEY_ID = "lro-bench";

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: java bench/BenchTokens.java JWKS_FILE ISSUER AUDIENCE OID...");
      System.exit(2);
    }
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();
    Files.writeString(Path.of(args[0]), "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + KEY_ID
      + "\",\"n\":\"" + unsigned(publicKey.getModulus()) + "\",\"e\":\"" + unsigned(publicKey.getPublicExponent()) + "\"}]}\n");

    long now = Instant.now().getEpochSecond();
    String header = base64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + KEY_ID + "\"}");
    for (String oid : Arrays.copyOfRange(args, 3, args.length)) {
      String claims = base64("{\"iss\":\"" + args[1] + "\",\"aud\":\"" + args[2] + "\",\"oid\":\"" + oid
        + "\",\"sub\":\"" + oid + "\",\"tid\":\"2f4a9838-26b7-47ee-be60-ccc1fdec5953\""
        + ",\"scp\":\"UserAuthenticationMethod.ReadWrite\",\"iat\":" + now + ",\"nbf\":" + (now - 60)
        + ",\"exp\":" + (now + 7200) + "}");
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(pair.getPrivate());
      signer.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
      System.out.println(header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign()));
    }
  }

  private static String base64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** JWK numbers are unsigned big-endian: BigInteger's sign byte must go. */
  private static String unsigned(BigInteger number) {
    byte[] bytes = number.toByteArray();
    if (bytes[0] == 0 && bytes.length > 1) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
