package com.contoso.lro.operations;

import com.contoso.lro.contract.model.LongRunningOperationStatus;
import org.openapitools.jackson.nullable.JsonNullable;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * What an update changes: Graph's merge semantics. An empty status leaves it as it is; an
 * undefined JsonNullable leaves its property as it is, a defined one sets it, to null if so.
 *
 * @param lastActionDateTime the client's value, or null: then a real change sets it to {@code now}
 * @param now                the server's time of this update
 */
record OperationChanges(Optional<LongRunningOperationStatus> status,
                        JsonNullable<String> statusDetail,
                        JsonNullable<String> resourceLocation,
                        OffsetDateTime lastActionDateTime,
                        OffsetDateTime now) {
}
