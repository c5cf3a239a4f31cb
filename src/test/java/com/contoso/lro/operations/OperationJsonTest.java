package com.contoso.lro.operations;

import com.contoso.lro.contract.model.LongRunningOperation;
import com.contoso.lro.contract.model.LongRunningOperationStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A page as response bodies: whole, however large, yet never one array larger than a slice. */
class OperationJsonTest {

  private static final OffsetDateTime AT = OffsetDateTime.of(2026, 12, 6, 10, 0, 0, 0, ZoneOffset.UTC);
  private final OperationJson json = configured();

  private static OperationJson configured() {
    com.contoso.lro.config.JsonMapping.configure();
    return new OperationJson();
  }

  @Test
  void a_page_of_999_items_of_4096_characters_comes_in_slices_of_at_most_64_KB_that_make_the_whole_page() {
    List<LongRunningOperation> items = IntStream.range(0, 999).mapToObj(i -> item("op-" + i, "d".repeat(4_096))).toList();

    List<Buffer> slices = json.collection("ctx", 999L, items, "next");

    assertThat(slices).hasSizeGreaterThan(60).allSatisfy(slice ->
      assertThat(slice.length()).isPositive().isLessThanOrEqualTo(SlicedBodies.SLICE_BYTES));
    JsonObject page = join(slices).toJsonObject();
    assertThat(page.getString("@odata.context")).isEqualTo("ctx");
    assertThat(page.getLong("@odata.count")).isEqualTo(999);
    assertThat(page.getString("@odata.nextLink")).isEqualTo("next");
    assertThat(page.getJsonArray("value")).hasSize(999);
    assertThat(page.getJsonArray("value").getJsonObject(998).getString("statusDetail")).hasSize(4_096);
  }

  @Test
  void a_small_page_is_one_slice() {
    List<Buffer> slices = json.collection("ctx", null, List.of(item("op-1", "Done")), null);

    assertThat(slices).hasSize(1);
    assertThat(slices.get(0).toJsonObject().fieldNames()).containsExactly("@odata.context", "value");
  }

  private static LongRunningOperation item(String id, String detail) {
    return new LongRunningOperation(null, "W/\"1\"", AT).id(id).lastActionDateTime(AT)
      .status(LongRunningOperationStatus.RUNNING).statusDetail(detail);
  }

  private static Buffer join(List<Buffer> slices) {
    Buffer whole = Buffer.buffer();
    slices.forEach(whole::appendBuffer);
    return whole;
  }
}
