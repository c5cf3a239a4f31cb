package com.contoso.lro.operations;

import com.contoso.lro.contract.model.LongRunningOperationStatus;

import java.time.OffsetDateTime;

/**
 * One stored operation, owned by the user it was created for.
 *
 * @param version bumped by every real change; the ETag
 */
public record Operation(String ownerId, String id, OffsetDateTime createdDateTime, OffsetDateTime lastActionDateTime,
                        LongRunningOperationStatus status, String statusDetail, String resourceLocation, long version) {

  /** succeeded and failed are final: nothing moves them any more ({@link Lifecycle}). */
  public boolean isFinal() {
    return Lifecycle.isFinal(status);
  }
}
