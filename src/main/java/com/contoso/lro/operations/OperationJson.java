package com.contoso.lro.operations;

import com.contoso.lro.contract.model.LongRunningOperation;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.jackson.DatabindCodec;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Operations as response bodies, written by Jackson straight to bytes: one entity, its
 * {@code @odata.context} first as OData's JSON format asks, then the generated model's properties
 * in the model's order; or a collection page. Through a JsonObject, each model was turned into a
 * map and the map encoded again, for every item of a page (bench/README.md#response-bodies).
 */
final class OperationJson {

  @JsonPropertyOrder({"@odata.context"})
  private record Entity(@JsonProperty("@odata.context") String context, @JsonUnwrapped LongRunningOperation item) {
  }

  /**
   * A page of a collection, in the order Graph writes it; count and nextLink only when there are.
   *
   * @param value models, or the maps of items cut to $select
   */
  @JsonPropertyOrder({"@odata.context", "@odata.count", "value", "@odata.nextLink"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  private record Collection(@JsonProperty("@odata.context") String context, @JsonProperty("@odata.count") Long count,
                            @JsonProperty("value") List<?> value, @JsonProperty("@odata.nextLink") String nextLink) {
  }

  /** The model's own @odata.context is for items in a collection, which have none. */
  @JsonIgnoreProperties("@odata.context")
  private interface WithoutItsOwnContext {
  }

  /** About what one operation takes, with its links and details: most are smaller. */
  private static final int BYTES_PER_ITEM = 512;

  private final ObjectWriter entityWriter;
  private final ObjectWriter collectionWriter;

  /** Made once the service's Jackson mapper is configured (JsonMapping), whose settings it copies. */
  OperationJson() {
    ObjectMapper mapper = DatabindCodec.mapper().copy().addMixIn(LongRunningOperation.class, WithoutItsOwnContext.class);
    this.entityWriter = mapper.writerFor(Entity.class);
    this.collectionWriter = mapper.writerFor(Collection.class);
  }

  Buffer entity(String context, LongRunningOperation item) {
    List<Buffer> slices = write(entityWriter, new Entity(context, item), BYTES_PER_ITEM);
    if (slices.size() == 1) {
      return slices.get(0);
    }
    Buffer whole = Buffer.buffer(slices.size() * SlicedBodies.SLICE_BYTES);
    slices.forEach(whole::appendBuffer);
    return whole;
  }

  /**
   * A page as slices of at most {@link SlicedBodies#SLICE_BYTES}, in order. A page of 999 items of
   * 4,096-character values is 4.4 MB: as one array it was a humongous object to G1 in the service's
   * 128 MB heap, and a few at a time drove it to a full collection (bench/README.md#the-hostile-phase).
   * {@code count} and {@code nextLink} may be null: they are then left out.
   */
  List<Buffer> collection(String context, Long count, List<?> items, String nextLink) {
    return write(collectionWriter, new Collection(context, count, items, nextLink), BYTES_PER_ITEM * (items.size() + 1));
  }

  /**
   * Jackson's output goes straight into the response's buffers, the first sized up front:
   * writeValueAsBytes copied it twice more (its segments into one array, the array into a Buffer).
   */
  private static List<Buffer> write(ObjectWriter writer, Object body, int expectedBytes) {
    Slicing slices = new Slicing(Math.min(SlicedBodies.SLICE_BYTES, expectedBytes));
    try {
      writer.writeValue(slices, body);
      return slices.written;
    } catch (IOException e) {
      throw new EncodeException("Failed to encode operations: " + e.getMessage(), e);
    }
  }

  /** Jackson's output into buffers of at most SLICE_BYTES each. */
  private static final class Slicing extends OutputStream {

    private final List<Buffer> written = new ArrayList<>();
    private Buffer current;

    Slicing(int firstCapacity) {
      current = Buffer.buffer(firstCapacity);
      written.add(current);
    }

    @Override
    public void write(int b) {
      room().appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      int from = offset;
      int end = offset + length;
      while (from < end) {
        Buffer into = room();
        int part = Math.min(end - from, SlicedBodies.SLICE_BYTES - into.length());
        into.appendBytes(bytes, from, part);
        from += part;
      }
    }

    private Buffer room() {
      if (current.length() == SlicedBodies.SLICE_BYTES) {
        current = Buffer.buffer(SlicedBodies.SLICE_BYTES);
        written.add(current);
      }
      return current;
    }
  }
}
