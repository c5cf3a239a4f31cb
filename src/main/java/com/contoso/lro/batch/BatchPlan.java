package com.contoso.lro.batch;

import com.contoso.lro.contract.model.BatchRequest;
import com.contoso.lro.contract.model.BatchRequestItem;
import com.contoso.lro.graph.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A JSON batch read into the requests to send, or refused whole with 400 when it is malformed, as
 * Graph refuses it: ids unique ignoring case, each {@code dependsOn} naming requests of the batch
 * without a cycle, a {@code body} only with a {@code Content-Type}, and each {@code url} relative
 * to the version prefix, without dot segments and not itself a {@code $batch}. The contract's
 * schema has already bounded the rest (at most 20 requests, the methods, the header names and values).
 */
public record BatchPlan(List<Step> steps) {

  /** Headers that belong to a connection or to the batch, never taken from a request of it. */
  private static final Set<String> NOT_FORWARDED = Set.of("authorization", "host", "content-length", "transfer-encoding",
    "connection", "keep-alive", "te", "trailer", "upgrade", "expect", "proxy-authorization", "proxy-connection");

  /**
   * One request of the batch, ready to send.
   *
   * @param target    the path and query relative to the version prefix, without a leading '/', percent-encoded
   * @param dependsOn indexes in {@link #steps} of the requests that must succeed first
   * @param body      the bytes to send, or null
   */
  public record Step(String id, String method, String target, List<Map.Entry<String, String>> headers, Buffer body,
                     List<Integer> dependsOn) {
  }

  public static BatchPlan of(BatchRequest batch) {
    List<BatchRequestItem> items = batch.getRequests();
    Map<String, Integer> indexById = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      String id = items.get(i).getId();
      if (indexById.putIfAbsent(id.toLowerCase(Locale.ROOT), i) != null) {
        throw refused("Two requests of the batch have the id '" + id + "': ids are unique in a batch, ignoring case.");
      }
    }
    List<Step> steps = new ArrayList<>(items.size());
    for (BatchRequestItem item : items) {
      List<Integer> dependsOn = new ArrayList<>();
      for (String named : item.getDependsOn() == null ? List.<String>of() : item.getDependsOn()) {
        Integer index = indexById.get(named.toLowerCase(Locale.ROOT));
        if (index == null) {
          throw refused("Request '" + item.getId() + "' depends on '" + named + "', which is not a request of the batch.");
        }
        dependsOn.add(index);
      }
      steps.add(new Step(item.getId(), item.getMethod().getValue(), target(item), headers(item), body(item), List.copyOf(dependsOn)));
    }
    refuseCycles(steps);
    return new BatchPlan(List.copyOf(steps));
  }

  /**
   * The url as a target under the version prefix. Graph takes it with or without its leading '/';
   * characters a URL may not hold as they are (a space in a $filter, as Graph's own examples write
   * them) are percent-encoded, and escapes already there are kept.
   */
  static String target(BatchRequestItem item) {
    String url = item.getUrl();
    if (url.startsWith("//") || url.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      throw refused("The url of request '" + item.getId() + "' must be relative to /beta, e.g. /me/authentication/operations.");
    }
    if (url.indexOf('#') >= 0) {
      throw refused("The url of request '" + item.getId() + "' has a fragment ('#').");
    }
    String relative = url.startsWith("/") ? url.substring(1) : url;
    int query = relative.indexOf('?');
    String path = query < 0 ? relative : relative.substring(0, query);
    String[] segments = path.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String segment = decode(segments[i], item);
      if (segment.equals(".") || segment.equals("..")) {
        throw refused("The url of request '" + item.getId() + "' has a '" + segment + "' segment.");
      }
      if (i == 0 && segment.equalsIgnoreCase("$batch")) {
        throw refused("Request '" + item.getId() + "' is a $batch: batches do not nest.");
      }
    }
    return encode(relative);
  }

  private static List<Map.Entry<String, String>> headers(BatchRequestItem item) {
    Map<String, String> given = item.getHeaders() == null ? Map.of() : item.getHeaders();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    given.forEach((name, value) -> {
      if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
        headers.add(Map.entry(name, value));
      }
    });
    return List.copyOf(headers);
  }

  /** A JSON body as JSON; with another media type, the bytes a base64 string stands for. */
  private static Buffer body(BatchRequestItem item) {
    Object body = item.getBody();
    if (body == null) {
      return null;
    }
    String contentType = new LinkedHashMap<>(item.getHeaders() == null ? Map.<String, String>of() : item.getHeaders())
      .entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase("content-type")).map(Map.Entry::getValue)
      .findFirst().orElse(null);
    if (contentType == null) {
      throw refused("Request '" + item.getId() + "' has a body but no Content-Type header: a body needs one.");
    }
    if (isJson(contentType) || !(body instanceof String text)) {
      return Buffer.buffer(Json.encode(body));
    }
    try {
      return Buffer.buffer(Base64.getMimeDecoder().decode(text.replace('-', '+').replace('_', '/')));
    } catch (IllegalArgumentException notBase64) {
      throw refused("The body of request '" + item.getId() + "' is not JSON, so it must be base64: " + notBase64.getMessage());
    }
  }

  static boolean isJson(String contentType) {
    String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.endsWith("+json");
  }

  /** Depth-first, colouring each request: one met again while its own dependencies are walked closes a cycle. */
  private static void refuseCycles(List<Step> steps) {
    int[] state = new int[steps.size()]; // 0 unvisited, 1 on the path, 2 done
    for (int i = 0; i < steps.size(); i++) {
      visit(i, steps, state);
    }
  }

  private static void visit(int index, List<Step> steps, int[] state) {
    if (state[index] == 2) {
      return;
    }
    if (state[index] == 1) {
      throw refused("The dependsOn of request '" + steps.get(index).id() + "' makes a cycle.");
    }
    state[index] = 1;
    for (int dependency : steps.get(index).dependsOn()) {
      visit(dependency, steps, state);
    }
    state[index] = 2;
  }

  private static String decode(String segment, BatchRequestItem item) {
    try {
      return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException badEscape) {
      throw refused("The url of request '" + item.getId() + "' has a malformed percent-escape.");
    }
  }

  /** Percent-encodes, as UTF-8, each character that a URL's path or query may not hold as it is. */
  private static String encode(String target) {
    StringBuilder encoded = new StringBuilder(target.length());
    for (byte b : target.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && "\"<>\\^`{|}".indexOf(c) < 0) {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
          .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return encoded.toString();
  }

  private static ApiException refused(String message) {
    return ApiException.badRequest(message, "requests");
  }
}
