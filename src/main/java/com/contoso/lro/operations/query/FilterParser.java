package com.contoso.lro.operations.query;

import com.contoso.lro.operations.query.FilterTokenizer.Kind;
import com.contoso.lro.operations.query.FilterTokenizer.Token;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses an OData $filter expression into a SQL boolean condition over the operations table, by
 * recursive descent over this grammar (keywords are lowercase and case-sensitive, as in OData):
 *
 * <pre>
 * filter     = or END
 * or         = and *( "or" and )
 * and        = unary *( "and" unary )
 * unary      = "not" unary / "(" or ")" / function / comparison
 * function   = ( "startswith" / "endswith" / "contains" ) "(" property "," string ")"
 * comparison = property ( ( "eq" / "ne" / "gt" / "ge" / "lt" / "le" ) literal
 *                       / "in" "(" literal *( "," literal ) ")" )
 * literal    = "null" / string / dateTimeOffset / typedEnum
 * </pre>
 *
 * <p>OData's logic is two-valued: a comparison with a null property is false, never unknown, so
 * every condition this produces is TRUE or FALSE on every row and {@code not} negates it exactly.
 */
public final class FilterParser {

  static final int MAX_LENGTH = 2048;
  /** Bounds the recursion through parentheses and {@code not}, so no expression can exhaust the stack. */
  static final int MAX_DEPTH = 32;
  /**
   * Bounds on what one statement costs the database (measured in bench/README.md): each string
   * function reads its property's whole value on every row of the caller, which for a long
   * statusDetail means reading it back from TOAST again.
   */
  public static final int MAX_FUNCTIONS = 4;
  /** The longest string that startswith, endswith or contains takes. */
  public static final int MAX_PATTERN_LENGTH = 256;
  /** Comparisons, 'in' lists and functions in one expression. */
  public static final int MAX_TERMS = 32;

  private static final String STATUS_TYPE = "microsoft.graph.longRunningOperationStatus";
  private static final Map<String, String> COMPARISONS =
    Map.of("eq", "=", "ne", "<>", "gt", ">", "ge", ">=", "lt", "<", "le", "<=");
  private static final Set<String> FUNCTIONS = Set.of("startswith", "endswith", "contains");

  private final FilterTokenizer tokens;
  private final SqlParameters parameters;
  private int depth;
  private int terms;
  private int functions;

  private FilterParser(String filter, SqlParameters parameters) {
    this.tokens = new FilterTokenizer(filter);
    this.parameters = parameters;
  }

  /**
   * The condition, for use as {@code WHERE owner_id = $1 AND (<condition>)}; its values are added to
   * {@code parameters}, which after an error may hold some of them and is to be discarded.
   *
   * @throws QueryOptionException for "$filter", with the 1-based position and the reason
   */
  public static String toSql(String filter, SqlParameters parameters) {
    if (filter.length() > MAX_LENGTH) {
      throw invalid(MAX_LENGTH + 1, "the expression is longer than " + MAX_LENGTH + " characters");
    }
    FilterParser parser = new FilterParser(filter, parameters);
    String sql = parser.or();
    Token rest = parser.tokens.next();
    if (rest.kind() == Kind.CLOSE) {
      throw invalid(rest.position(), "')' has no matching '('");
    }
    if (rest.kind() != Kind.END) {
      throw invalid(rest.position(), "expected 'and', 'or' or the end of the expression, found " + rest.describe());
    }
    return sql;
  }

  static QueryOptionException invalid(int position, String reason) {
    return new QueryOptionException("$filter", "Invalid $filter at position " + position + ": " + reason);
  }

  private String or() {
    List<String> operands = new ArrayList<>(List.of(and()));
    while (tokens.peek().isWord("or")) {
      tokens.next();
      operands.add(and());
    }
    return join(operands, " OR ");
  }

  private String and() {
    List<String> operands = new ArrayList<>(List.of(unary()));
    while (tokens.peek().isWord("and")) {
      tokens.next();
      operands.add(unary());
    }
    return join(operands, " AND ");
  }

  private static String join(List<String> operands, String operator) {
    return operands.size() == 1 ? operands.get(0) : "(" + String.join(operator, operands) + ")";
  }

  private String unary() {
    Token token = tokens.next();
    if (token.isWord("not")) {
      enter(token);
      String sql = "NOT (" + unary() + ")";
      depth--;
      return sql;
    }
    if (token.kind() == Kind.OPEN) {
      enter(token);
      String sql = or();
      Token close = tokens.next();
      if (close.kind() != Kind.CLOSE) {
        throw invalid(close.position(),
          "expected ')' to close the '(' at position " + token.position() + ", found " + close.describe());
      }
      depth--;
      return sql;
    }
    if (token.kind() == Kind.WORD && FUNCTIONS.contains(token.text())) {
      count(token);
      if (++functions > MAX_FUNCTIONS) {
        throw invalid(token.position(), "more than " + MAX_FUNCTIONS
          + " calls of contains, startswith and endswith, this service's limit on the cost of a filter");
      }
      return function(token);
    }
    if (token.kind() == Kind.WORD) {
      count(token);
      return comparison(token);
    }
    throw invalid(token.position(), "expected a property, a function, 'not' or '(', found " + token.describe());
  }

  private void count(Token token) {
    if (++terms > MAX_TERMS) {
      throw invalid(token.position(), "more than " + MAX_TERMS
        + " comparisons and functions, this service's limit on the cost of a filter");
    }
  }

  private void enter(Token token) {
    if (++depth > MAX_DEPTH) {
      throw invalid(token.position(), "more than " + MAX_DEPTH + " nested parentheses and 'not'");
    }
  }

  private String function(Token name) {
    expect(Kind.OPEN, "'(' after '" + name.text() + "'");
    Token argument = tokens.next();
    OperationProperty property = property(argument);
    if (property.type() != OperationProperty.Type.STRING) {
      throw invalid(argument.position(),
        "'" + name.text() + "' works on string properties only (id, statusDetail, resourceLocation)");
    }
    expect(Kind.COMMA, "',' after the property");
    Token string = tokens.next();
    if (string.kind() != Kind.STRING) {
      throw invalid(string.position(),
        "'" + name.text() + "' takes a string such as 'abc' after the property, found " + string.describe());
    }
    if (((String) string.value()).length() > MAX_PATTERN_LENGTH) {
      throw invalid(string.position(), "the string of '" + name.text() + "' is longer than " + MAX_PATTERN_LENGTH
        + " characters, this service's limit");
    }
    expect(Kind.CLOSE, "')' after the string");
    String column = property.sql();
    String value = parameters.add(string.value());
    // Plain string functions rather than LIKE, whose wildcards the value would have to escape.
    String sql = switch (name.text()) {
      case "startswith" -> "starts_with(" + column + ", " + value + ")";
      case "endswith" -> "right(" + column + ", char_length(" + value + ")) = " + value;
      default -> "strpos(" + column + ", " + value + ") > 0";
    };
    return property.nullable() ? "COALESCE(" + sql + ", false)" : sql;
  }

  private String comparison(Token name) {
    OperationProperty property = property(name);
    Token operator = tokens.next();
    if (operator.isWord("in")) {
      return in(property, operator);
    }
    String sqlOperator = operator.kind() == Kind.WORD ? COMPARISONS.get(operator.text()) : null;
    if (sqlOperator == null) {
      throw invalid(operator.position(),
        "expected eq, ne, gt, ge, lt, le or in after '" + name.text() + "', found " + operator.describe());
    }
    Token literal = tokens.next();
    Object value = value(property, literal, operator);
    String column = property.sql();
    if (value == null) {
      return switch (operator.text()) {
        case "eq" -> column + " IS NULL";
        case "ne" -> column + " IS NOT NULL";
        default -> throw invalid(literal.position(), "'" + operator.text() + "' cannot compare with null, only eq and ne can");
      };
    }
    String placeholder = parameters.add(value);
    if (!property.nullable()) {
      return column + " " + sqlOperator + " " + placeholder;
    }
    // SQL's comparisons are NULL on a null column; OData's are false (and so 'ne' is true).
    return switch (operator.text()) {
      case "eq" -> column + " IS NOT DISTINCT FROM " + placeholder;
      case "ne" -> column + " IS DISTINCT FROM " + placeholder;
      default -> "COALESCE(" + column + " " + sqlOperator + " " + placeholder + ", false)";
    };
  }

  private String in(OperationProperty property, Token in) {
    if (property != OperationProperty.ID && property != OperationProperty.STATUS) {
      throw invalid(in.position(), "'in' works on status and id only");
    }
    Token separator = expect(Kind.OPEN, "'(' after 'in'");
    List<Object> values = new ArrayList<>();
    do {
      Object value = value(property, tokens.next(), separator);
      // id and status are never null, so a null member matches nothing; leaving it out of the
      // array also keeps '= ANY' from yielding NULL instead of false.
      if (value != null) {
        values.add(value);
      }
      separator = tokens.next();
    } while (separator.kind() == Kind.COMMA);
    if (separator.kind() != Kind.CLOSE) {
      throw invalid(separator.position(), "expected ',' or ')' in the 'in' list, found " + separator.describe());
    }
    Object array = property == OperationProperty.STATUS ? values.toArray(Integer[]::new) : values.toArray(String[]::new);
    return property.sql() + " = ANY(" + parameters.add(array) + ")";
  }

  private OperationProperty property(Token name) {
    if (name.kind() != Kind.WORD) {
      throw invalid(name.position(), "expected a property, found " + name.describe());
    }
    return OperationProperty.named(name.text()).orElseThrow(() -> invalid(name.position(),
      (tokens.opensNext() ? "unknown function '" : "unknown property '") + name.text() + "'"));
  }

  /** The literal's value as the property's SQL compares it (null for {@code null}), or an error if it does not fit. */
  private Object value(OperationProperty property, Token literal, Token after) {
    boolean isLiteral = switch (literal.kind()) {
      case STRING, DATE_TIME, NUMBER, TYPED -> true;
      case WORD -> literal.text().equals("null");
      default -> false;
    };
    if (!isLiteral) {
      throw invalid(literal.position(), "expected a literal after '" + after.text() + "', found " + literal.describe());
    }
    if (literal.kind() == Kind.NUMBER) {
      throw invalid(literal.position(), "numbers are not supported, as no property is numeric: " + literal.text());
    }
    if (literal.kind() == Kind.WORD) {
      return null;
    }
    return switch (property.type()) {
      case STRING -> {
        if (literal.kind() != Kind.STRING) {
          throw mismatch(property, literal, "a string such as 'abc'");
        }
        yield literal.value();
      }
      case DATE_TIME -> dateTime(property, literal);
      case STATUS -> statusPosition(property, literal);
    };
  }

  /** A DateTimeOffset, written bare or, as some clients do, quoted. */
  private static OffsetDateTime dateTime(OperationProperty property, Token literal) {
    String example = "a DateTimeOffset such as 2026-11-28T10:15:30Z";
    if (literal.kind() == Kind.DATE_TIME) {
      return (OffsetDateTime) literal.value();
    }
    if (literal.kind() != Kind.STRING) {
      throw mismatch(property, literal, example);
    }
    try {
      return OffsetDateTime.parse((String) literal.value());
    } catch (DateTimeParseException e) {
      throw mismatch(property, literal, example);
    }
  }

  /** A member, written as a string or typed; compared by its position, as OData orders enum members. */
  private static Integer statusPosition(OperationProperty property, Token literal) {
    boolean typed = literal.kind() == Kind.TYPED;
    if (literal.kind() != Kind.STRING && !typed) {
      throw mismatch(property, literal, "a longRunningOperationStatus such as 'running'");
    }
    if (typed && !literal.text().startsWith(STATUS_TYPE + "'")) {
      throw invalid(literal.position(), "status takes members of " + STATUS_TYPE + ", not " + literal.describe());
    }
    String member = (String) literal.value();
    // The source page spells the first member in lowercase.
    String canonical = member.equals("notstarted") ? "notStarted" : member;
    return OperationProperty.statusPosition(canonical).orElseThrow(() -> invalid(literal.position(),
      "status has no member '" + member + "'; its members are " + String.join(", ", OperationProperty.STATUS_MEMBERS)));
  }

  private static QueryOptionException mismatch(OperationProperty property, Token literal, String expected) {
    return invalid(literal.position(), property.odataName() + " takes " + expected + ", not " + literal.describe());
  }

  private Token expect(Kind kind, String what) {
    Token token = tokens.next();
    if (token.kind() != kind) {
      throw invalid(token.position(), "expected " + what + ", found " + token.describe());
    }
    return token;
  }
}
