package com.contoso.lro.operations;

import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalInt;

/** The RFC 7240 Prefer header, as far as Graph's operations honour it. */
final class Preferences {

  private Preferences() {
  }

  /** The longest wait a client may ask for. */
  static final int MAX_WAIT_SECONDS = 60;

  /** The seconds of a {@code wait=N} preference, at most {@link #MAX_WAIT_SECONDS}; empty without one. */
  static OptionalInt waitSeconds(String prefer) {
    if (prefer == null) {
      return OptionalInt.empty();
    }
    return Arrays.stream(prefer.split(","))
      .map(preference -> preference.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).replace(" ", ""))
      .filter(preference -> preference.matches("wait=\\d{1,9}"))
      .mapToInt(preference -> Math.min(MAX_WAIT_SECONDS, Integer.parseInt(preference.substring(5))))
      .findFirst();
  }

  /** Whether the client prefers {@code return=minimal}: 204 without a body. */
  static boolean returnMinimal(String prefer) {
    return prefer != null && Arrays.stream(prefer.split(","))
      .map(preference -> preference.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).replace(" ", ""))
      .anyMatch("return=minimal"::equals);
  }
}
