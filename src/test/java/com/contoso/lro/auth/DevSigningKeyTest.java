package com.contoso.lro.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The development key, which instances started together (make cluster) must all end up sharing. */
class DevSigningKeyTest {

  @Test
  void instances_starting_together_all_trust_the_one_key_that_was_kept(@TempDir Path folder) throws Exception {
    Path file = folder.resolve(".dev").resolve("signing-key.pem");
    int instances = 8;
    CyclicBarrier together = new CyclicBarrier(instances);
    ExecutorService threads = Executors.newFixedThreadPool(instances);
    try {
      List<Callable<DevSigningKey>> starts = IntStream.range(0, instances).<Callable<DevSigningKey>>mapToObj(i -> () -> {
        together.await();
        return DevSigningKey.loadOrCreate(file);
      }).toList();
      List<DevSigningKey> keys = threads.invokeAll(starts).stream().map(DevSigningKeyTest::result).toList();

      DevSigningKey kept = DevSigningKey.loadOrCreate(file);
      assertThat(keys).allSatisfy(key -> assertThat(key.publicKeyPem()).isEqualTo(kept.publicKeyPem()));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      try (var left = Files.list(file.getParent())) {
        assertThat(left.map(path -> path.getFileName().toString())).containsExactly("signing-key.pem");
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private static DevSigningKey result(Future<DevSigningKey> start) {
    try {
      return start.get();
    } catch (Exception e) {
      throw new AssertionError("a start failed", e);
    }
  }
}
