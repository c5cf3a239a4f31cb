package com.contoso.lro.contract;

import com.contoso.lro.ServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The words of every kind of refusal by the contract, byte for byte, as users get them: a body's bad
 * enum, type, const, pattern, format, length, an undeclared property, a body that is not JSON or not
 * an object or missing; a parameter's minimum and maximum, type, enum (of an array's item), length,
 * and a value that does not decode. The words are the API's: a client may show or match them.
 */
class RefusalWordsTest extends ServiceTest {

  private static final String OPERATIONS = "/beta/user/authentication/operations";
  private static final String ITEM = OPERATIONS + "/op-1";
  private static final String STATUSES = "[\"notStarted\",\"running\",\"succeeded\",\"failed\",\"unknownFutureValue\"]";
  private static final String SELECTABLE =
    "[\"id\",\"createdDateTime\",\"lastActionDateTime\",\"status\",\"statusDetail\",\"resourceLocation\"]";
  private static final String ORDERABLE = "[\"id\",\"id asc\",\"id desc\",\"createdDateTime\",\"createdDateTime asc\","
    + "\"createdDateTime desc\",\"lastActionDateTime\",\"lastActionDateTime asc\",\"lastActionDateTime desc\",\"status\","
    + "\"status asc\",\"status desc\",\"statusDetail\",\"statusDetail asc\",\"statusDetail desc\",\"resourceLocation\","
    + "\"resourceLocation asc\",\"resourceLocation desc\"]";
  private static final String ID_PATTERN =
    "^(?:[A-Za-z0-9._~-]{3,128}|[A-Za-z0-9_~-][A-Za-z0-9._~-]?|\\.[A-Za-z0-9_~-])$";
  private static final String OFFSET_NEEDED =
    "a date-time needs an offset, e.g. 2026-11-28T10:15:30Z or 2026-11-28T11:15:30+01:00";

  /** A request, and the message and target of the 400 it gets. */
  record Refusal(HttpMethod method, String path, String header, String body, String message, String target) {
    @Override
    public String toString() {
      String shown = method + " " + path + (header == null ? "" : " [" + header + "]") + (body == null ? "" : " " + body);
      return shown.length() > 120 ? shown.substring(0, 100) + "… (" + shown.length() + " characters)" : shown;
    }
  }

  static Stream<Refusal> refusals() {
    return Stream.of(
      // A body: each property's schema.
      create("{\"status\": \"bogus\"}", "Property 'status' is invalid: the value does not match any of " + STATUSES + ".", "status"),
      create("{\"status\": 3}", "Property 'status' is invalid: the value type number is invalid. Expected string.", "status"),
      create("{\"status\": null}", "Property 'status' is invalid: the value type null is invalid. Expected string.", "status"),
      create("{\"statusDetail\": 42}",
        "Property 'statusDetail' is invalid: the value type number is invalid. Expected string, null.", "statusDetail"),
      create("{\"statusDetail\": [\"a\"]}",
        "Property 'statusDetail' is invalid: the value type array is invalid. Expected string, null.", "statusDetail"),
      create("{\"statusDetail\": \"" + "x".repeat(4097) + "\"}",
        "Property 'statusDetail' is invalid: String is too long (4097 > 4096).", "statusDetail"),
      create("{\"@odata.type\": \"#microsoft.graph.user\"}",
        "Property '@odata.type' is invalid: the value does not match \"#microsoft.graph.longRunningOperation\".", "@odata.type"),
      create("{\"@odata.type\": 5}", "Property '@odata.type' is invalid: the value type number is invalid. Expected string.",
        "@odata.type"),
      create("{\"id\": \"has a space\"}", "Property 'id' is invalid: the value does not match the pattern " + ID_PATTERN + ".", "id"),
      create("{\"id\": 5}", "Property 'id' is invalid: the value type number is invalid. Expected string.", "id"),
      create("{\"resourceLocation\": \"javascript:alert(1)\"}",
        "Property 'resourceLocation' is invalid: the value does not match the pattern ^[Hh][Tt][Tt][Pp][Ss]?://[^/?#].",
        "resourceLocation"),
      create("{\"resourceLocation\": \"https:///no/host\"}",
        "Property 'resourceLocation' is invalid: the value does not match the pattern ^[Hh][Tt][Tt][Pp][Ss]?://[^/?#].",
        "resourceLocation"),
      create("{\"resourceLocation\": \"not a uri\"}", "Property 'resourceLocation' is invalid: the value is not a valid uri.",
        "resourceLocation"),
      create("{\"resourceLocation\": 42}",
        "Property 'resourceLocation' is invalid: the value type number is invalid. Expected string, null.", "resourceLocation"),
      create("{\"lastActionDateTime\": \"2026-11-28T10:15:30\"}", "Property 'lastActionDateTime' is invalid: " + OFFSET_NEEDED + ".",
        "lastActionDateTime"),
      create("{\"lastActionDateTime\": \"yesterday\"}", "Property 'lastActionDateTime' is invalid: " + OFFSET_NEEDED + ".",
        "lastActionDateTime"),
      create("{\"lastActionDateTime\": 5}",
        "Property 'lastActionDateTime' is invalid: the value type number is invalid. Expected string.", "lastActionDateTime"),
      // A body: what the object allows.
      create("{\"color\": \"blue\"}", "Property 'color' does not exist on this resource.", "color"),
      create("{\"color\": \"blue\", \"size\": 2}", "Property 'color' does not exist on this resource.", "color"),
      create("{\"color\": \"blue\", \"status\": \"bogus\"}",
        "Property 'status' is invalid: the value does not match any of " + STATUSES + ".", "status"),
      create("{\"status\": \"bogus\", \"color\": \"blue\"}",
        "Property 'status' is invalid: the value does not match any of " + STATUSES + ".", "status"),
      create("{\"statusDetail\": 42, \"status\": \"bogus\"}",
        "Property 'status' is invalid: the value does not match any of " + STATUSES + ".", "status"),
      create("{\"status\": \"bogus\", \"id\": \"has a space\"}",
        "Property 'id' is invalid: the value does not match the pattern " + ID_PATTERN + ".", "id"),
      create("{\"color\": \"blue\", \"id\": \"has a space\"}",
        "Property 'id' is invalid: the value does not match the pattern " + ID_PATTERN + ".", "id"),
      update("{\"status\": \"bogus\"}", "Property 'status' is invalid: the value does not match any of " + STATUSES + ".", "status"),
      update("{\"color\": \"blue\"}", "Property 'color' does not exist on this resource.", "color"),
      update("{\"lastActionDateTime\": \"2026-11-28T10:15:30\"}", "Property 'lastActionDateTime' is invalid: " + OFFSET_NEEDED + ".",
        "lastActionDateTime"),
      // A body as a whole.
      create("{\"status\": \"running\"", "The request body is not valid JSON.", null),
      create("[]", "The request body is invalid: the value type array is invalid. Expected object.", null),
      create("null", "The request body is invalid: the value type null is invalid. Expected object.", null),
      create("\"running\"", "The request body is invalid: the value type string is invalid. Expected object.", null),
      create("42", "The request body is invalid: the value type number is invalid. Expected object.", null),
      create("", "The related request does not contain the required body.", null),
      update("", "The related request does not contain the required body.", null),
      // Query options that are not strings: an integer's bounds and type, a boolean, an array's items.
      list("$top=0", "The query parameter '$top' is invalid: 0 is less than 1.", "$top"),
      list("$top=-1", "The query parameter '$top' is invalid: -1 is less than 1.", "$top"),
      list("$top=1000", "The query parameter '$top' is invalid: 1000 is greater than 999.", "$top"),
      list("$top=1e3", "The query parameter '$top' is invalid: 1000.0 is greater than 999.", "$top"),
      list("$top=ten", "The query parameter '$top' is invalid: the value type string is invalid. Expected integer.", "$top"),
      list("$top=", "The query parameter '$top' is invalid: the value type string is invalid. Expected integer.", "$top"),
      list("$top=%221%22", "The query parameter '$top' is invalid: the value type string is invalid. Expected integer.", "$top"),
      list("$top=1&$top=2", "The query parameter '$top' is invalid: the value type string is invalid. Expected integer.", "$top"),
      list("$top=1.5", "The query parameter '$top' is invalid: the value type number is invalid. Expected integer.", "$top"),
      list("$top=true", "The query parameter '$top' is invalid: the value type boolean is invalid. Expected integer.", "$top"),
      list("$top=%5B1%5D", "The query parameter '$top' is invalid: the value type array is invalid. Expected integer.", "$top"),
      list("$top=%221", "The value of query parameter $top can't be decoded.", null),
      list("$top=0&$skip=-1", "The query parameter '$top' is invalid: 0 is less than 1.", "$top"),
      list("$skip=-1", "The query parameter '$skip' is invalid: -1 is less than 0.", "$skip"),
      list("$skip=10001", "The query parameter '$skip' is invalid: 10001 is greater than 10000.", "$skip"),
      list("$skip=4294967296", "The query parameter '$skip' is invalid: 4294967296 is greater than 10000.", "$skip"),
      list("$skip=99999999999999999999",
        "The query parameter '$skip' is invalid: 99999999999999999999 is greater than 10000.", "$skip"),
      list("$count=maybe", "The query parameter '$count' is invalid: the value type string is invalid. Expected boolean.", "$count"),
      list("$count=TRUE", "The query parameter '$count' is invalid: the value type string is invalid. Expected boolean.", "$count"),
      list("$count=", "The query parameter '$count' is invalid: the value type string is invalid. Expected boolean.", "$count"),
      list("$select=color", "The query parameter '$select' is invalid: the value does not match any of " + SELECTABLE + ".",
        "$select"),
      list("$select=status,color",
        "The query parameter '$select' is invalid: the value does not match any of " + SELECTABLE + ".", "$select"),
      list("$select=id,,status",
        "The query parameter '$select' is invalid: the value does not match any of " + SELECTABLE + ".", "$select"),
      list("$select=%22a", "The value of query parameter $select can't be decoded.", null),
      read("$select=color", "The query parameter '$select' is invalid: the value does not match any of " + SELECTABLE + ".",
        "$select"),
      list("$orderby=status%20sideways",
        "The query parameter '$orderby' is invalid: the value does not match any of " + ORDERABLE + ".", "$orderby"),
      list("$expand=x", "The query parameter '$expand' is invalid: the value does not match any of [\"*\"].", "$expand"),
      read("$expand=x", "The query parameter '$expand' is invalid: the value does not match any of [\"*\"].", "$expand"),
      // String parameters: their length, in the query, the path and headers.
      list("$filter=" + "a".repeat(2049), "The query parameter '$filter' is invalid: String is too long (2049 > 2048).", "$filter"),
      new Refusal(HttpMethod.GET, OPERATIONS + "/$count?$filter=" + "a".repeat(2049), null, null,
        "The query parameter '$filter' is invalid: String is too long (2049 > 2048).", "$filter"),
      list("$skiptoken=" + "a".repeat(4097),
        "The query parameter '$skiptoken' is invalid: String is too long (4097 > 4096).", "$skiptoken"),
      new Refusal(HttpMethod.GET, OPERATIONS + "/" + "i".repeat(129), null, null,
        "The path parameter 'longRunningOperationId' is invalid: String is too long (129 > 128).", "longRunningOperationId"),
      new Refusal(HttpMethod.POST, OPERATIONS, "Idempotency-Key: " + "k".repeat(256), "{}",
        "The header parameter 'Idempotency-Key' is invalid: String is too long (256 > 255).", "Idempotency-Key"),
      new Refusal(HttpMethod.POST, OPERATIONS, "Idempotency-Key: ", "{}",
        "The header parameter 'Idempotency-Key' is invalid: String is too short (0 < 1).", "Idempotency-Key"),
      new Refusal(HttpMethod.PATCH, ITEM, "If-Match: " + "e".repeat(1025), "{\"status\": \"running\"}",
        "The header parameter 'If-Match' is invalid: String is too long (1025 > 1024).", "If-Match"),
      new Refusal(HttpMethod.PATCH, ITEM, "Prefer: " + "p".repeat(257), "{\"status\": \"running\"}",
        "The header parameter 'Prefer' is invalid: String is too long (257 > 256).", "Prefer"),
      new Refusal(HttpMethod.GET, ITEM, "Prefer: " + "p".repeat(257), null,
        "The header parameter 'Prefer' is invalid: String is too long (257 > 256).", "Prefer"),
      new Refusal(HttpMethod.GET, ITEM, "If-None-Match: " + "e".repeat(1025), null,
        "The header parameter 'If-None-Match' is invalid: String is too long (1025 > 1024).", "If-None-Match"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void a_refused_request_gets_the_same_words_as_before(Refusal refusal) {
    HttpResponse<Buffer> response = send(refusal);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("badRequest");
    assertThat(error.getString("message")).isEqualTo(refusal.message());
    assertThat(error.getString("target")).isEqualTo(refusal.target());
  }

  @Test
  void a_resource_location_longer_than_its_limit_is_refused_for_its_length_not_answered_500() {
    HttpResponse<Buffer> response = send(create("{\"resourceLocation\": \"https://a" + "x".repeat(2100) + "\"}", null, null));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message"))
      .isEqualTo("Property 'resourceLocation' is invalid: String is too long (2109 > 2048).");
  }

  @Test
  void values_that_pass_are_not_refused() {
    for (String query : new String[] {"$top=1.0", "$select=", "$count=true", "$select=id,status", "$orderby=status%20desc,id"}) {
      HttpResponse<Buffer> response = send(new Refusal(HttpMethod.GET, OPERATIONS + "?" + query, null, null, null, null));

      assertThat(response.statusCode()).as(query + ": " + response.bodyAsString()).isEqualTo(200);
    }
  }

  private static Refusal create(String body, String message, String target) {
    return new Refusal(HttpMethod.POST, OPERATIONS, null, body, message, target);
  }

  private static Refusal update(String body, String message, String target) {
    return new Refusal(HttpMethod.PATCH, ITEM, null, body, message, target);
  }

  private static Refusal list(String query, String message, String target) {
    return new Refusal(HttpMethod.GET, OPERATIONS + "?" + query, null, null, message, target);
  }

  private static Refusal read(String query, String message, String target) {
    return new Refusal(HttpMethod.GET, ITEM + "?" + query, null, null, message, target);
  }

  private static HttpResponse<Buffer> send(Refusal refusal) {
    HttpRequest<Buffer> request = service.request(refusal.method(), refusal.path())
      .bearerTokenAuthentication(service.tokens.user().sign());
    if (refusal.header() != null) {
      String[] field = refusal.header().split(": ", 2);
      request.putHeader(field[0], field[1]);
    }
    if (refusal.body() == null) {
      return await(request.send());
    }
    return await(request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(refusal.body())));
  }
}
