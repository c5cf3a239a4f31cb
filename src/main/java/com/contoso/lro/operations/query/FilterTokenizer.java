package com.contoso.lro.operations.query;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Splits a $filter expression into tokens, one at a time on demand, so that errors are reported in
 * reading order: a parse error early in the text wins over a bad token later on.
 */
final class FilterTokenizer {

  enum Kind { WORD, STRING, DATE_TIME, NUMBER, TYPED, OPEN, CLOSE, COMMA, END }

  /**
   * @param text the token as written, e.g. {@code 'it''s'}
   * @param value a STRING's content, a DATE_TIME's OffsetDateTime, a TYPED literal's quoted part
   * @param position 1-based, as error messages count
   */
  record Token(Kind kind, String text, Object value, int position) {

    boolean isWord(String word) {
      return kind == Kind.WORD && text.equals(word);
    }

    /** The token for an error message: literals as written, other tokens quoted. */
    String describe() {
      return switch (kind) {
        case END -> "the end of the expression";
        case STRING, DATE_TIME, NUMBER, TYPED -> text;
        default -> "'" + text + "'";
      };
    }
  }

  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

  private final String input;
  private int index;
  private Token peeked;

  FilterTokenizer(String input) {
    this.input = input;
  }

  Token peek() {
    if (peeked == null) {
      peeked = read();
    }
    return peeked;
  }

  Token next() {
    Token token = peek();
    peeked = null;
    return token;
  }

  /** Whether '(' comes next, found without reading a token, so without failing on a bad one. */
  boolean opensNext() {
    if (peeked != null) {
      return peeked.kind() == Kind.OPEN;
    }
    skipWhitespace();
    return index < input.length() && input.charAt(index) == '(';
  }

  private void skipWhitespace() {
    while (index < input.length() && Character.isWhitespace(input.charAt(index))) {
      index++;
    }
  }

  private Token read() {
    skipWhitespace();
    int start = index;
    if (start == input.length()) {
      return new Token(Kind.END, "", null, start + 1);
    }
    char c = input.charAt(start);
    return switch (c) {
      case '(' -> single(Kind.OPEN);
      case ')' -> single(Kind.CLOSE);
      case ',' -> single(Kind.COMMA);
      case '\'' -> {
        String value = quoted();
        yield new Token(Kind.STRING, input.substring(start, index), value, start + 1);
      }
      default -> {
        if (Character.isDigit(c) || c == '-' && start + 1 < input.length() && Character.isDigit(input.charAt(start + 1))) {
          yield unquotedLiteral();
        }
        if (Character.isLetter(c) || c == '_') {
          yield word();
        }
        throw FilterParser.invalid(start + 1, "unexpected character '" + c + "'");
      }
    };
  }

  private Token single(Kind kind) {
    index++;
    return new Token(kind, input.substring(index - 1, index), null, index);
  }

  /** A name, which a quote right after turns into a typed literal such as {@code ns.Type'member'}. */
  private Token word() {
    int start = index;
    while (index < input.length() && isNameChar(input.charAt(index))) {
      index++;
    }
    if (index < input.length() && input.charAt(index) == '\'') {
      String value = quoted();
      return new Token(Kind.TYPED, input.substring(start, index), value, start + 1);
    }
    return new Token(Kind.WORD, input.substring(start, index), null, start + 1);
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.';
  }

  /** Reads from the opening quote at {@code index} past the closing one; {@code ''} stands for a quote. */
  private String quoted() {
    int opening = index;
    StringBuilder value = new StringBuilder();
    index++;
    while (true) {
      if (index >= input.length()) {
        throw FilterParser.invalid(opening + 1, "unterminated string: no closing quote");
      }
      char c = input.charAt(index++);
      if (c != '\'') {
        value.append(c);
      } else if (index < input.length() && input.charAt(index) == '\'') {
        value.append('\'');
        index++;
      } else {
        return value.toString();
      }
    }
  }

  /** A DateTimeOffset such as 2026-11-28T10:15:30.123+01:00, or a number. */
  private Token unquotedLiteral() {
    int start = index;
    while (index < input.length() && (Character.isLetterOrDigit(input.charAt(index)) || ":.+-".indexOf(input.charAt(index)) >= 0)) {
      index++;
    }
    String text = input.substring(start, index);
    if (text.indexOf('T') >= 0) {
      try {
        return new Token(Kind.DATE_TIME, text, OffsetDateTime.parse(text), start + 1);
      } catch (DateTimeParseException e) {
        throw FilterParser.invalid(start + 1,
          text + " is not a DateTimeOffset such as 2026-11-28T10:15:30Z (the offset is required)");
      }
    }
    if (NUMBER.matcher(text).matches()) {
      return new Token(Kind.NUMBER, text, null, start + 1);
    }
    throw FilterParser.invalid(start + 1, "'" + text + "' is not a literal this service understands");
  }
}
