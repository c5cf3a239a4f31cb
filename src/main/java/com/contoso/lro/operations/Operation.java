package com.contoso.lro.operations;

import com.contoso.lro.contract.model.LongRunningOperationStatus;

import java.time.OffsetDateTime;

/** One stored operation, owned by the user whose token's {@code oid} created it. */
public record Operation(String ownerId, String id, OffsetDateTime createdDateTime, OffsetDateTime lastActionDateTime,
                        LongRunningOperationStatus status, String statusDetail, String resourceLocation) {
}
