package com.contoso.lro.operations;

import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.stream.Stream;

/** The RFC 7240 Prefer header, as far as Graph's operations honour it. */
final class Preferences {

  /** The longest wait a client may ask for. */
  static final int MAX_WAIT_SECONDS = 60;

  private Preferences() {
  }

  /**
   * The seconds of a {@code wait=N} preference, at most {@link #MAX_WAIT_SECONDS}; empty without
   * one, and for {@code wait=0}, which asks for no wait at all.
   */
  static OptionalInt waitSeconds(String prefer) {
    if (prefer == null) {
      // Most reads carry no Prefer: spare them the stream's pipeline.
      return OptionalInt.empty();
    }
    return preferences(prefer)
      .filter(preference -> preference.matches("wait=\\d{1,9}"))
      .mapToInt(preference -> Math.min(MAX_WAIT_SECONDS, Integer.parseInt(preference.substring(5))))
      .filter(seconds -> seconds > 0)
      .findFirst();
  }

  /** Whether the client prefers {@code return=minimal}: 204 without a body. */
  static boolean returnMinimal(String prefer) {
    return preferences(prefer).anyMatch("return=minimal"::equals);
  }

  /** Each preference's token=value, lower-cased and without parameters or spaces. */
  private static Stream<String> preferences(String prefer) {
    return prefer == null ? Stream.empty() : Arrays.stream(prefer.split(","))
      .map(preference -> preference.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).replace(" ", ""));
  }
}
