package com.contoso.lro.operations;

import java.util.Arrays;
import java.util.Locale;

/** The RFC 7240 Prefer header, as far as Graph's operations honour it. */
final class Preferences {

  private Preferences() {
  }

  /** Whether the client prefers {@code return=minimal}: 204 without a body. */
  static boolean returnMinimal(String prefer) {
    return prefer != null && Arrays.stream(prefer.split(","))
      .map(preference -> preference.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).replace(" ", ""))
      .anyMatch("return=minimal"::equals);
  }
}
