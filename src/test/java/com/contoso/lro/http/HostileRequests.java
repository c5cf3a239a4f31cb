package com.contoso.lro.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;

/**
 * Makes malformed and mutated requests for every operation of the contract, from one seeded
 * {@link Random}: the same seed gives the same requests (but for the tokens' signatures). Each request
 * starts as a valid call of one operation and gets one to three mutations of its body, headers,
 * path, query or method.
 */
final class HostileRequests {

  /** One of the contract's 18 operations, as a method and a path under one of the three roots. */
  record Endpoint(String operationId, String method, String root, String suffix) {

    boolean item() {
      return suffix.equals("/{id}");
    }

    boolean writesBody() {
      return method.equals("POST") || method.equals("PATCH");
    }
  }

  /**
   * A request as bytes, and what it is for a failure message.
   *
   * @param mayBeCut whether the server may close the connection without an answer: the request is over
   *                 (or near) one of its limits, or says its body is chunked when it is not (Vert.x closes a
   *                 connection whose chunked framing breaks, and may do so before its answer to the head leaves)
   */
  record Request(Endpoint endpoint, String method, String target, List<String[]> headers, byte[] body,
                 List<String> mutations, boolean mayBeCut) {

    byte[] bytes() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes((method + " " + target + " HTTP/1.1\r\n").getBytes(StandardCharsets.UTF_8));
      for (String[] header : headers) {
        out.writeBytes((header[0] + ": " + header[1] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      }
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(body);
      return out.toByteArray();
    }

    boolean expectsBody() {
      return !method.equals("HEAD");
    }

    String describe() {
      String shownTarget = target.length() > 200 ? target.substring(0, 200) + "…(" + target.length() + ")" : target;
      return endpoint.operationId() + " " + mutations + ": " + method + " " + shownTarget;
    }
  }

  static final List<Endpoint> ENDPOINTS = endpoints();

  private static final String COLLECTION = "/authentication/operations";
  private static final String[] VALID_FILTERS = {
    "status eq 'running'", "status in ('notStarted','running') and createdDateTime ge 2026-11-01T00:00:00Z",
    "not (statusDetail eq null) or startswith(statusDetail,'Reset')", "lastActionDateTime lt 2030-01-01T00:00:00.000Z",
    "id in ('a','b') and contains(resourceLocation,'graph')", "status ge 'running' and endswith(statusDetail, 'x')"};
  private static final String[] PROPERTIES = {"id", "status", "statusDetail", "resourceLocation", "createdDateTime",
    "lastActionDateTime", "@odata.type"};

  private final Random random;
  private final String ownId;
  private final String existingId;
  private final Function<Random, String> authorizations;

  /**
   * @param ownId          the caller's object id, for /users/{id}
   * @param existingId     an operation of the caller's, for the item paths
   * @param authorizations an Authorization header value, valid or not, for a draw of the random
   */
  HostileRequests(Random random, String ownId, String existingId, Function<Random, String> authorizations) {
    this.random = random;
    this.ownId = ownId;
    this.existingId = existingId;
    this.authorizations = authorizations;
  }

  /** A valid call of {@code endpoint}, mutated one to three times. */
  Request next(Endpoint endpoint) {
    Draft draft = new Draft(endpoint);
    int mutations = 1 + random.nextInt(3);
    for (int i = 0; i < mutations; i++) {
      switch (random.nextInt(endpoint.writesBody() ? 5 : 4)) {
        case 0 -> mutateHeaders(draft);
        case 1 -> mutatePath(draft);
        case 2 -> mutateQuery(draft);
        case 3 -> mutateMethodOrBody(draft);
        default -> mutateBody(draft);
      }
    }
    return draft.build();
  }

  private final class Draft {
    final Endpoint endpoint;
    String method;
    String userSegment;
    String idSegment;
    String suffix;
    final List<String> query = new ArrayList<>();
    final List<String[]> headers = new ArrayList<>();
    byte[] body;
    boolean contentLength = true;
    final List<String> mutations = new ArrayList<>();

    Draft(Endpoint endpoint) {
      this.endpoint = endpoint;
      this.method = endpoint.method();
      this.userSegment = endpoint.root().equals("/users") ? "/users/" + ownId : endpoint.root();
      this.idSegment = existingId;
      this.suffix = endpoint.suffix();
      headers.add(new String[] {"Host", "localhost"});
      headers.add(new String[] {"Authorization", authorizations.apply(random)});
      if (endpoint.writesBody()) {
        headers.add(new String[] {"Content-Type", "application/json"});
        body = validBody().getBytes(StandardCharsets.UTF_8);
      } else {
        body = new byte[0];
        if (!endpoint.item() && random.nextBoolean()) {
          query.add("$filter=" + encode(pick(VALID_FILTERS)));
        }
      }
    }

    Request build() {
      String path = "/beta" + userSegment + COLLECTION + suffix.replace("{id}", idSegment);
      String target = query.isEmpty() ? path : path + "?" + String.join("&", query);
      List<String[]> all = new ArrayList<>(headers);
      if (contentLength && (body.length > 0 || endpoint.writesBody())) {
        all.add(new String[] {"Content-Length", String.valueOf(body.length)});
      }
      int headerBytes = all.stream().mapToInt(header -> header[0].length() + header[1].length() + 4).sum();
      boolean brokenChunks = all.stream().anyMatch(header -> header[0].equalsIgnoreCase("Transfer-Encoding")
        && header[1].contains("chunked"));
      boolean mayBeCut = brokenChunks || body.length > ApiRouter.MAX_BODY_BYTES
        || target.length() > ServerOptions.MAX_REQUEST_LINE_BYTES - 20 || headerBytes > ServerOptions.MAX_HEADER_BYTES - 100;
      return new Request(endpoint, method, target, all, body, List.copyOf(mutations), mayBeCut);
    }
  }

  private String validBody() {
    StringBuilder json = new StringBuilder("{\"@odata.type\":\"#microsoft.graph.longRunningOperation\"");
    if (random.nextBoolean()) {
      json.append(",\"status\":\"").append(pick("notStarted", "running", "succeeded", "failed")).append('"');
    }
    if (random.nextBoolean()) {
      json.append(",\"statusDetail\":\"detail ").append(random.nextInt(1000)).append('"');
    }
    if (random.nextBoolean()) {
      json.append(",\"resourceLocation\":\"https://graph.microsoft.com/beta/users/").append(ownId).append('"');
    }
    return json.append('}').toString();
  }

  // --- bodies: wrong types, deep nesting, huge strings, invalid UTF-8, out-of-range numbers, duplicate keys

  private void mutateBody(Draft draft) {
    int kind = random.nextInt(9);
    draft.mutations.add("body#" + kind);
    draft.body = switch (kind) {
      case 0 -> utf8("{\"" + pick(PROPERTIES) + "\":" + anyJsonValue(0) + "}");
      case 1 -> utf8(nested(pickInt(100, 1_000, 5_000, 20_000), random.nextBoolean()));
      case 2 -> {
        int length = pickInt(4_097, 30_000, 65_000, 70_000, 200_000);
        yield utf8("{\"statusDetail\":\"" + "x".repeat(length) + "\"}");
      }
      case 3 -> invalidUtf8();
      case 4 -> utf8("{\"" + pick("status", "statusDetail", "lastActionDateTime", "id") + "\":"
        + pick("1e400", "-1e400", "123456789012345678901234567890", "NaN", "Infinity", "-0", "0x10", "1.7976931348623157e309",
          "\"99999-12-31T00:00:00Z\"", "\"2026-13-45T25:61:61Z\"", "\"+1000000000-01-01T00:00:00Z\"",
          "\"2026-11-28T10:15:30+25:00\"", "-9223372036854775809") + "}");
      case 5 -> utf8(pick("{\"status\":\"running\",\"status\":\"succeeded\"}", "{\"id\":\"a\",\"id\":\"b\"}",
        "{\"statusDetail\":null,\"statusDetail\":\"x\",\"statusDetail\":1}", "{\"@odata.type\":1,\"@odata.type\":\"#microsoft.graph.longRunningOperation\"}"));
      case 6 -> utf8(pick("", "null", "[]", "\"text\"", "42", "{", "{\"status\"", "{\"status\":}", "}{", "{}{}",
        "{\"statusDetail\":\"\\ud800\"}", "{\"statusDetail\":\"\\u0000\"}", "{\"statusDetail\":\"\\uZZZZ\"}", "{'status':'running'}",
        "{\"status\":\"running\",}", "/* comment */ {}", "\uFEFF{}", "{\"a\":" .repeat(50)));
      case 7 -> randomBytes(random.nextInt(2_000));
      default -> {
        byte[] valid = draft.body.length > 0 ? draft.body : utf8(validBody());
        yield java.util.Arrays.copyOf(valid, random.nextInt(valid.length + 1));
      }
    };
    if (random.nextInt(4) == 0) {
      replaceHeader(draft, "Content-Type", pick("text/plain", "application/json; charset=utf-16", "application/json;;;",
        "*/*", "application/json\u00ff", "application/xml", "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded"));
    }
  }

  private String anyJsonValue(int depth) {
    return switch (random.nextInt(depth > 3 ? 5 : 7)) {
      case 0 -> String.valueOf(random.nextLong());
      case 1 -> String.valueOf(random.nextDouble() * 1e300);
      case 2 -> String.valueOf(random.nextBoolean());
      case 3 -> "null";
      case 4 -> "\"" + pick("running", "", "x".repeat(5_000), "2026-11-28T10:15:30Z", "é😀", "\\\"") + "\"";
      case 5 -> "[" + anyJsonValue(depth + 1) + "," + anyJsonValue(depth + 1) + "]";
      default -> "{\"" + pick(PROPERTIES) + "\":" + anyJsonValue(depth + 1) + "}";
    };
  }

  private static String nested(int depth, boolean arrays) {
    return arrays ? "[".repeat(depth) + "]".repeat(depth) : "{\"status\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  private byte[] invalidUtf8() {
    byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8("{\"" + pick("statusDetail", "status", "resourceLocation") + "\":\"a"));
    out.writeBytes(bad[random.nextInt(bad.length)]);
    out.writeBytes(utf8("b\"}"));
    return out.toByteArray();
  }

  // --- headers: huge, repeated, malformed Authorization and others

  private void mutateHeaders(Draft draft) {
    int kind = random.nextInt(9);
    draft.mutations.add("headers#" + kind);
    switch (kind) {
      case 0 -> {
        int size = pickInt(1_000, 4_000, 7_000, 9_000, 20_000);
        draft.headers.add(new String[] {pick("X-Padding", "client-request-id", "Idempotency-Key", "Prefer"), "h".repeat(size)});
      }
      case 1 -> {
        int times = pickInt(2, 10, 100, 400);
        String name = pick("Authorization", "Content-Type", "client-request-id", "If-Match", "Prefer", "Host");
        for (int i = 0; i < times; i++) {
          draft.headers.add(new String[] {name, name.equals("Authorization") ? authorizations.apply(random) : "v" + i});
        }
      }
      case 2 -> replaceHeader(draft, "Authorization", pick("Bearer", "Bearer ", "bearer x", "Basic dXNlcjpwYXNz",
        "Bearer a.b.c", "Bearer ..", "Bearer " + base64(40) + "." + base64(200) + "." + base64(60),
        "Bearer " + "e".repeat(6_000), "Bearer \u00ff\u00fe", "Bearer  " + base64(10), "Negotiate abc", "",
        "Bearer eyJhbGciOiJub25lIn0.eyJvaWQiOiJ4In0.", authorizations.apply(random) + "x"));
      case 3 -> draft.headers.add(new String[] {pick("If-Match", "If-None-Match"), pick("\"", "W/\"1\"", "*", "\"99999999999999999999\"",
        "\"-1\"", "\"1\", \"2\"", "W/", ",,,", "\"abc\"", "\"" + "9".repeat(500) + "\"")});
      case 4 -> draft.headers.add(new String[] {"Prefer", pick("wait=abc", "wait=-1", "wait=99999999999999999999", "wait=",
        "return=minimal", "wait=0", "wait=1.5", "respond-async, wait=x", "return=representation; x", ";;;,,,", "odata.maxpagesize=0")});
      case 5 -> draft.headers.add(new String[] {"Idempotency-Key", pick("", "k".repeat(5_000), "\u00e9\u00e8", " ", "a,b", UUID.randomUUID().toString())});
      case 6 -> {
        draft.contentLength = false;
        draft.headers.add(new String[] {pick("Content-Length", "Transfer-Encoding"), pick("-1", "abc", "1, 2", "99999999999999999999",
          "chunked, gzip", "gzip", "identity", "0x10")});
      }
      case 7 -> replaceHeader(draft, "Host", pick("", "a b", "[::1", "localhost:99999", "h".repeat(300), "évil.example",
        "localhost:8080:80", "[::1]:80", "user@localhost", "localhost/../x"));
      default -> draft.headers.add(new String[] {pick("Bad Header", "X-Ctl", "X-Nul", ":empty", "X-Fold"),
        pick("a\u0001b", "a\u007fb", "\u00ff\u00fe", "line\tx", "v")});
    }
  }

  private void replaceHeader(Draft draft, String name, String value) {
    draft.headers.removeIf(header -> header[0].equalsIgnoreCase(name));
    draft.headers.add(new String[] {name, value});
  }

  // --- paths: encoded traversal, very long ids, odd users and spellings

  private void mutatePath(Draft draft) {
    int kind = random.nextInt(5);
    draft.mutations.add("path#" + kind);
    switch (kind) {
      case 0 -> draft.idSegment = pick("..%2F..%2Fhealth%2Fready", "%2e%2e%2f%2e%2e%2fmetrics", "..;", "%252e%252e%252f",
        "%00", "%ff", "%", "%zz", "%c0%ae%c0%ae", ".", "..", "a%2Fb", "%20", "caf\u00e9", "$count", "%24count", "{id}");
      case 1 -> {
        int length = pickInt(128, 129, 1_000, 7_000, 9_000);
        draft.idSegment = "i".repeat(length);
      }
      case 2 -> draft.userSegment = "/users/" + pick("", "%2F", "..", "me", UUID.randomUUID().toString(), "u".repeat(3_000),
        "user%40contoso.test", "%00", "'", "x'%20or%20'1'='1");
      case 3 -> draft.suffix = pick("/", "//", "/$COUNT", "/%24count", "/{id}/", "/{id}/extra", "/../../health/ready",
        "/./", "/$count/x", "/$count?");
      default -> draft.userSegment = pick("/ME", "/me/", "/user//", "//me", "/me/../user", "/users", "/users/", "/usersx/1");
    }
  }

  // --- queries: broken $filter, $orderby, $skiptoken and the others

  private void mutateQuery(Draft draft) {
    int kind = random.nextInt(6);
    draft.mutations.add("query#" + kind);
    switch (kind) {
      case 0 -> draft.query.add("$filter=" + encode(brokenFilter()));
      case 1 -> draft.query.add("$orderby=" + encode(pick("", ",", "status asc asc", "foo", "status,status",
        String.join(",", java.util.Collections.nCopies(100, "status desc")), "createdDateTime desc desc", "id desc,",
        " ", "status%", "statusDetail nulls first", "@odata.type")));
      case 2 -> draft.query.add("$skiptoken=" + pick(base64(random.nextInt(300)), "", "%zz", "a".repeat(5_000), "eyJ9", "....",
        encode("{\"k\":[1,2]}"), "%00"));
      case 3 -> draft.query.add(pick("$top", "$skip") + "=" + pick("-1", "0", "1000", "99999999999999999999", "abc", "1.5", "", "1e3", "%00"));
      case 4 -> draft.query.add(pick("$count=yes", "$count=TRUE", "$select=,,", "$select=id,,status", "$select=unknown",
        "$select=*", "$expand=x", "$expand=*,*", "$search=x", "$foo=1", "$top=1&$top=2", "$filter", "&&&", "=", "%zz=1",
        "$filter=%", "$filter=%ZZ", "$orderby=%E9", "a=" + "b".repeat(7_000)));
      default -> draft.query.add("$filter=" + encode(pick("(".repeat(5_000), "not ".repeat(1_000) + "true",
        "id eq 'a' or ".repeat(300) + "id eq 'b'", "statusDetail eq '" + "q".repeat(3_000) + "'")));
    }
  }

  private String brokenFilter() {
    StringBuilder filter = new StringBuilder(pick(VALID_FILTERS));
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits; i++) {
      int at = random.nextInt(filter.length() + 1);
      switch (random.nextInt(4)) {
        case 0 -> filter.setLength(at);
        case 1 -> filter.insert(at, pick("(", ")", "'", "''", " and ", " or", "not", "eq", ",", "\u0000", "é", "\\", "%", "9999-99-99"));
        case 2 -> {
          if (at < filter.length()) {
            filter.deleteCharAt(at);
          }
        }
        default -> filter.append(filter, 0, Math.min(at, filter.length()));
      }
    }
    return filter.toString();
  }

  // --- methods, and bodies where none belongs

  private void mutateMethodOrBody(Draft draft) {
    draft.mutations.add("method");
    draft.method = pick("HEAD", "OPTIONS", "PUT", "TRACE", "get", "FOO", "POST", "PATCH", "DELETE", "GET");
    if (random.nextBoolean()) {
      draft.body = utf8(validBody());
      if (draft.headers.stream().noneMatch(header -> header[0].equals("Content-Type"))) {
        draft.headers.add(new String[] {"Content-Type", "application/json"});
      }
    }
  }

  // --- helpers

  @SafeVarargs
  private <T> T pick(T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private int pickInt(int... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private String base64(int bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Percent-encodes what a URL cannot hold as it is, and leaves everything else, '%' included. */
  private static String encode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (c > 0x20 && c < 0x7F && c != '#' && c != '&' && c != '+') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  private static List<Endpoint> endpoints() {
    List<Endpoint> endpoints = new ArrayList<>();
    String[][] roots = {{"/me", "My"}, {"/user", ""}, {"/users", "User"}};
    for (String[] root : roots) {
      endpoints.add(new Endpoint("list" + root[1] + "Operations", "GET", root[0], ""));
      endpoints.add(new Endpoint("create" + root[1] + "Operation", "POST", root[0], ""));
      endpoints.add(new Endpoint("count" + root[1] + "Operations", "GET", root[0], "/$count"));
      endpoints.add(new Endpoint("get" + root[1] + "Operation", "GET", root[0], "/{id}"));
      endpoints.add(new Endpoint("update" + root[1] + "Operation", "PATCH", root[0], "/{id}"));
      endpoints.add(new Endpoint("delete" + root[1] + "Operation", "DELETE", root[0], "/{id}"));
    }
    return List.copyOf(endpoints);
  }
}
