package com.contoso.lro.operations;

import com.contoso.lro.contract.model.LongRunningOperation;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.jackson.DatabindCodec;

/**
 * One operation as a response body: its {@code @odata.context} first, as OData's JSON format asks,
 * then the generated model's properties in the model's order. Written by Jackson straight to bytes:
 * through a JsonObject, the model was turned into a map and the map encoded again, a tenth of a
 * read's CPU time.
 */
final class EntityJson {

  @JsonPropertyOrder({"@odata.context"})
  private record Entity(@JsonProperty("@odata.context") String context, @JsonUnwrapped LongRunningOperation item) {
  }

  /** The model's own @odata.context is for items in a collection, which have none. */
  @JsonIgnoreProperties("@odata.context")
  private interface WithoutItsOwnContext {
  }

  private final ObjectWriter writer;

  /** Made once the service's Jackson mapper is configured (JsonMapping), whose settings it copies. */
  EntityJson() {
    this.writer = DatabindCodec.mapper().copy().addMixIn(LongRunningOperation.class, WithoutItsOwnContext.class)
      .writerFor(Entity.class);
  }

  Buffer write(String context, LongRunningOperation item) {
    try {
      return Buffer.buffer(writer.writeValueAsBytes(new Entity(context, item)));
    } catch (JsonProcessingException e) {
      throw new EncodeException("Failed to encode an operation: " + e.getMessage(), e);
    }
  }
}
