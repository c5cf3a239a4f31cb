package com.contoso.lro.config;

import java.util.Map;
import java.util.Optional;

/** Reads typed values from environment variables; a blank variable counts as unset. */
final class EnvReader {

  private final Map<String, String> env;

  EnvReader(Map<String, String> env) {
    this.env = env;
  }

  Optional<String> optional(String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim).filter(value -> !value.isEmpty());
  }

  String string(String name, String fallback) {
    return optional(name).orElse(fallback);
  }

  int integer(String name, int fallback) {
    return optional(name).map(value -> {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
      }
    }).orElse(fallback);
  }

  /** A finite decimal number, such as {@code 0.5}. */
  double decimal(String name, double fallback) {
    return optional(name).map(value -> {
      try {
        double number = Double.parseDouble(value);
        if (Double.isFinite(number)) {
          return number;
        }
      } catch (NumberFormatException e) {
        // answered below
      }
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
    }).orElse(fallback);
  }

  /** {@code true} or {@code false}, in any case; anything else is refused rather than read as false. */
  boolean bool(String name, boolean fallback) {
    return optional(name).map(value -> {
      if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(value);
      }
      throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
    }).orElse(fallback);
  }
}
