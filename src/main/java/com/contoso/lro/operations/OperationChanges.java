package com.contoso.lro.operations;

import com.contoso.lro.contract.model.LongRunningOperationStatus;
import org.openapitools.jackson.nullable.JsonNullable;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * What an update changes: Graph's merge semantics. An empty status leaves it as it is; an
 * undefined JsonNullable leaves its property as it is, a defined one sets it, to null if so.
 *
 * @param now                the server's time of this update: lastActionDateTime when it changes anything
 * @param createdDateTime    a read-only value the body repeats, which must be the operation's: it changes nothing
 * @param lastActionDateTime the same, for lastActionDateTime: the server's to set after the create
 */
record OperationChanges(Optional<LongRunningOperationStatus> status,
                        JsonNullable<String> statusDetail,
                        JsonNullable<String> resourceLocation,
                        OffsetDateTime now,
                        Optional<OffsetDateTime> createdDateTime,
                        Optional<OffsetDateTime> lastActionDateTime) {
}
