package com.contoso.lro.operations;

import com.contoso.lro.graph.ApiException;
import com.contoso.lro.operations.OperationService.Created;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.function.Function;

/**
 * Creates with an Idempotency-Key: a retry with the same key and body gets the first answer again,
 * byte for byte and from any instance; the same key with another body is a 422; a retry while the
 * first is in flight is a 409. The key is claimed first; the operation and the 201 it was answered
 * with are then stored in one statement, so that a key never names an operation that is not there,
 * nor makes a second one. Its SQL is {@link IdempotencyKeyStore}'s.
 */
public final class IdempotentCreates {

  private final IdempotencyKeyStore keys;
  private final Duration lifetime;
  private final OperationMetrics metrics;

  /** @param lifetime how long a key is remembered (IDEMPOTENCY_KEY_HOURS) */
  public IdempotentCreates(IdempotencyKeyStore keys, Duration lifetime, OperationMetrics metrics) {
    this.keys = keys;
    this.lifetime = lifetime;
    this.metrics = metrics;
  }

  /**
   * {@code operation}, created under {@code key} unless the key already has an answer for this
   * body, which comes back instead.
   *
   * @param rawBody the request's bytes, whose hash tells a retry from another request under the key
   * @param render  the 201 for the operation, kept as it is for a retry
   */
  Future<Created> create(Operation operation, String key, byte[] rawBody, Function<Operation, Created> render) {
    String ownerId = operation.ownerId();
    String fingerprint = fingerprint(rawBody);
    return keys.claim(ownerId, key, fingerprint, (int) lifetime.toHours())
      .compose(claim -> claim.isPresent()
        ? createAnswering(operation, key, claim.get(), render)
          .recover(failure -> failure instanceof IdempotencyKeyStore.KeyTakenOver
            ? replay(ownerId, key, fingerprint)
            : Future.failedFuture(failure))
        : replay(ownerId, key, fingerprint));
  }

  private Future<Created> createAnswering(Operation operation, String key, OffsetDateTime claimedAt,
                                          Function<Operation, Created> render) {
    Created created = render.apply(operation);
    return keys.insertAnswering(operation, key, claimedAt, kept(created))
      .onSuccess(inserted -> metrics.created())
      .map(created)
      .recover(failure -> failure instanceof IdempotencyKeyStore.KeyTakenOver
        ? Future.failedFuture(failure)
        : keys.release(operation.ownerId(), key, claimedAt).transform(released -> OperationService.takenId(failure)));
  }

  private Future<Created> replay(String ownerId, String key, String fingerprint) {
    return keys.find(ownerId, key).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ApiException.conflict(
          "The Idempotency-Key is being released by a failed create: retry.", "Idempotency-Key"));
      }
      if (found.get().response() == null) {
        return Future.failedFuture(ApiException.conflict(
          "A create with this Idempotency-Key is still in flight: retry later.", "Idempotency-Key"));
      }
      if (!found.get().requestHash().equals(fingerprint)) {
        return Future.failedFuture(ApiException.unprocessable(
          "The Idempotency-Key was used before with another request body.", "Idempotency-Key"));
      }
      return Future.succeededFuture(replayed(found.get().response()));
    });
  }

  /** The answer as kept with its key. */
  private static JsonObject kept(Created created) {
    return new JsonObject().put("location", created.location()).put("version", created.version())
      .put("body", new JsonObject(created.body()));
  }

  private static Created replayed(JsonObject kept) {
    return new Created(kept.getString("location"), kept.getLong("version"), kept.getJsonObject("body").toBuffer());
  }

  private static String fingerprint(byte[] rawBody) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(rawBody));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}
