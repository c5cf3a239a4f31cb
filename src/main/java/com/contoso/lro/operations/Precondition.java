package com.contoso.lro.operations;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An If-Match or If-None-Match header (RFC 9110 13.1): "*", or a list of entity tags. The service's
 * ETag is the operation's version in quotes, e.g. "3".
 */
public final class Precondition {

  private final boolean any;
  private final List<Long> versions;

  private Precondition(boolean any, List<Long> versions) {
    this.any = any;
    this.versions = List.copyOf(versions);
  }

  /** The ETag of a version. */
  public static String etag(long version) {
    return "\"" + version + "\"";
  }

  /**
   * @param header the header's value, or null when absent
   * @param weak   whether weak tags (W/"3") match too: yes for If-None-Match, no for If-Match
   */
  public static Optional<Precondition> parse(String header, boolean weak) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    if (header.trim().equals("*")) {
      return Optional.of(new Precondition(true, List.of()));
    }
    List<Long> versions = new ArrayList<>();
    for (String tag : header.split(",")) {
      String trimmed = tag.trim();
      if (trimmed.startsWith("W/")) {
        if (!weak) {
          continue;
        }
        trimmed = trimmed.substring(2);
      }
      if (trimmed.matches("\"\\d{1,18}\"")) {
        versions.add(Long.parseLong(trimmed.substring(1, trimmed.length() - 1)));
      }
    }
    return Optional.of(new Precondition(false, versions));
  }

  public boolean matches(long version) {
    return any || versions.contains(version);
  }

  /** For SQL: null matches any version, else the versions that match (possibly none). */
  Long[] versionsOrNull() {
    return any ? null : versions.toArray(Long[]::new);
  }
}
