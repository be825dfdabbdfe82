package io.lockn.budget;

import io.lockn.core.spi.CallRequest;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which calls a budget counts, and how they are grouped into accounts.
 *
 * <ul>
 *   <li>{@link #global()}: every call, one account.
 *   <li>{@link #attribute(String, String)}: calls whose attribution (from Baggage) has the key with the value, for
 *       example tenant {@code acme}; one account.
 *   <li>{@link #each(String)}: calls that carry the attribution key, one account per value: every tenant gets its own
 *       budget.
 *   <li>{@link #agent(String)} / {@link #eachAgent()}: calls inside the named agent, or one account per agent.
 *   <li>{@link #model(String)} / {@link #eachModel()}: calls requesting the model, or one account per request model.
 * </ul>
 *
 * <p>Configuration writes a scope as an expression, which {@link #parse} reads and {@link #expression()} writes:
 * {@code global}, {@code each KEY} or {@code KEY=VALUE}, where KEY is an attribution key, {@code agent} or {@code
 * model} ({@code each app.tenant_id}, {@code app.tenant_id=acme}, {@code agent=triage}, {@code each model}). So that
 * every scope has an expression, an attribution key is never {@code agent} or {@code model} and contains no
 * whitespace and no {@code =} (a Baggage key cannot either), and no key or value starts or ends with whitespace.
 *
 * <p>Immutable.
 */
public final class Scope {

  /** The kind of scope. */
  public enum Kind {
    /** Every call. */
    GLOBAL,
    /** One attribution value. */
    ATTRIBUTE,
    /** Each value of an attribution key. */
    EACH_ATTRIBUTE,
    /** One agent. */
    AGENT,
    /** Each agent. */
    EACH_AGENT,
    /** One request model. */
    MODEL,
    /** Each request model. */
    EACH_MODEL
  }

  private static final String AGENT_KEY = "agent";
  private static final String MODEL_KEY = "model";
  private static final String EACH = "each";
  private static final String GRAMMAR =
      "must be global, each KEY or KEY=VALUE, where KEY is an attribution key, agent or model";
  private static final Scope GLOBAL = new Scope(Kind.GLOBAL, "", null);
  private static final Scope EACH_AGENT = new Scope(Kind.EACH_AGENT, AGENT_KEY, null);
  private static final Scope EACH_MODEL = new Scope(Kind.EACH_MODEL, MODEL_KEY, null);

  private final Kind kind;
  private final String key;
  private final @Nullable String value;

  private Scope(Kind kind, String key, @Nullable String value) {
    this.kind = kind;
    this.key = key;
    this.value = value;
  }

  /**
   * Every call.
   *
   * @return the global scope
   */
  public static Scope global() {
    return GLOBAL;
  }

  /**
   * Calls whose attribution has {@code key} equal to {@code value}, for example {@code attribute("app.tenant_id",
   * "acme")}.
   *
   * @param key an attribution key (see {@link io.lockn.core.AttributionKeys})
   * @param value the value
   * @return the scope
   * @throws IllegalArgumentException if the key or value is blank or starts or ends with whitespace, the key contains
   *     whitespace or {@code =}, or the key is {@code agent} or {@code model} (use {@link #agent} or {@link #model})
   */
  public static Scope attribute(String key, String value) {
    return new Scope(Kind.ATTRIBUTE, attributionKey(key), nonBlank(value, "scope value"));
  }

  /**
   * Calls that carry the attribution {@code key}, one account per value.
   *
   * @param key an attribution key, for example {@code app.tenant_id}
   * @return the scope
   * @throws IllegalArgumentException if the key is blank, contains whitespace or {@code =}, or is {@code agent} or
   *     {@code model} (use {@link #eachAgent} or {@link #eachModel})
   */
  public static Scope each(String key) {
    return new Scope(Kind.EACH_ATTRIBUTE, attributionKey(key), null);
  }

  /**
   * Calls made inside the agent {@code name}.
   *
   * @param name the agent name
   * @return the scope
   * @throws IllegalArgumentException if the name is blank or starts or ends with whitespace
   */
  public static Scope agent(String name) {
    return new Scope(Kind.AGENT, AGENT_KEY, nonBlank(name, "scope agent"));
  }

  /**
   * Calls made inside an agent, one account per agent.
   *
   * @return the scope
   */
  public static Scope eachAgent() {
    return EACH_AGENT;
  }

  /**
   * Calls requesting {@code model}.
   *
   * @param model the request model, as the caller names it
   * @return the scope
   * @throws IllegalArgumentException if the model is blank or starts or ends with whitespace
   */
  public static Scope model(String model) {
    return new Scope(Kind.MODEL, MODEL_KEY, nonBlank(model, "scope model"));
  }

  /**
   * Calls requesting a model, one account per request model.
   *
   * @return the scope
   */
  public static Scope eachModel() {
    return EACH_MODEL;
  }

  /**
   * Reads a scope expression: {@code global}, {@code each KEY} or {@code KEY=VALUE}, where KEY is an attribution key,
   * {@code agent} (the agent name) or {@code model} (the request model). Whitespace around the expression, the KEY
   * and the VALUE is ignored; the VALUE of {@code KEY=VALUE} is everything after the first {@code =}.
   *
   * <pre>{@code
   * Scope.parse("each app.tenant_id")   // Scope.each("app.tenant_id")
   * Scope.parse("app.tenant_id=acme")   // Scope.attribute("app.tenant_id", "acme")
   * Scope.parse("agent=triage")         // Scope.agent("triage")
   * Scope.parse("each model")           // Scope.eachModel()
   * }</pre>
   *
   * @param expression the expression
   * @return the scope; {@code parse(s.expression())} equals {@code s} for every scope {@code s}
   * @throws IllegalArgumentException if the expression is none of these; the message quotes it and says what is
   *     allowed
   */
  public static Scope parse(String expression) {
    Objects.requireNonNull(expression, "expression");
    String s = expression.trim();
    if (s.equals("global")) {
      return GLOBAL;
    }
    try {
      if (s.startsWith(EACH) && (s.length() == EACH.length() || Character.isWhitespace(s.charAt(EACH.length())))) {
        String key = s.substring(EACH.length()).trim();
        return key.equals(AGENT_KEY) ? EACH_AGENT : key.equals(MODEL_KEY) ? EACH_MODEL : each(key);
      }
      int eq = s.indexOf('=');
      if (eq >= 0) {
        String key = s.substring(0, eq).trim();
        String value = s.substring(eq + 1).trim();
        return key.equals(AGENT_KEY) ? agent(value) : key.equals(MODEL_KEY) ? model(value) : attribute(key, value);
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid scope \"" + expression + "\" (" + e.getMessage() + "): " + GRAMMAR, e);
    }
    throw new IllegalArgumentException("invalid scope \"" + expression + "\": " + GRAMMAR);
  }

  /**
   * The scope as an expression, which {@link #parse} reads back into an equal scope: {@code global}, {@code each
   * KEY} or {@code KEY=VALUE}.
   *
   * @return the expression
   */
  public String expression() {
    return switch (kind) {
      case GLOBAL -> "global";
      case EACH_ATTRIBUTE, EACH_AGENT, EACH_MODEL -> EACH + ' ' + key;
      default -> key + '=' + value;
    };
  }

  /**
   * The kind of scope.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The attribution key, {@code agent} or {@code model}; empty for the global scope.
   *
   * @return the key
   */
  public String key() {
    return key;
  }

  /**
   * The fixed value of a single-account scope.
   *
   * @return the value, or {@code null} for global and "each" scopes
   */
  public @Nullable String value() {
    return value;
  }

  /**
   * The value that names {@code request}'s account under this scope ({@code global} for the global scope): for one
   * scope, distinct values name distinct accounts, so it can key a per-budget cache without building the account's
   * scope string ({@link #scopeOf}) per call.
   *
   * @param request the call
   * @return the value, or {@code null} when the scope does not match the call
   */
  @Nullable String valueOf(CallRequest request) {
    String actual;
    switch (kind) {
      case GLOBAL:
        return "global";
      case ATTRIBUTE:
      case EACH_ATTRIBUTE:
        actual = request.attribution().get(key);
        break;
      case AGENT:
      case EACH_AGENT:
        actual = request.agentName();
        break;
      default:
        actual = request.requestModel();
        break;
    }
    if (actual == null || actual.isEmpty() || (value != null && !value.equals(actual))) {
      return null;
    }
    return actual;
  }

  /**
   * The account's scope for a value {@link #valueOf} returned.
   *
   * @param actual the value
   * @return {@code global}, or {@code key=value}
   */
  String scopeOf(String actual) {
    return kind == Kind.GLOBAL ? "global" : key + '=' + actual;
  }

  /** Not blank, and without the surrounding whitespace that {@link #parse} trims, so that an expression keeps it. */
  private static String nonBlank(String s, String field) {
    Objects.requireNonNull(s, field);
    if (s.isBlank()) {
      throw new IllegalArgumentException(field + " is blank");
    }
    if (!s.trim().equals(s)) {
      throw new IllegalArgumentException(field + " starts or ends with whitespace: \"" + s + "\"");
    }
    return s;
  }

  /**
   * An attribution key that an expression can name: {@code agent} and {@code model} mean the agent name and the
   * request model there, and whitespace or {@code =} would end the key.
   */
  private static String attributionKey(String key) {
    nonBlank(key, "scope key");
    if (key.equals(AGENT_KEY) || key.equals(MODEL_KEY)) {
      throw new IllegalArgumentException("scope key " + key + " is reserved for the " + key
          + " scopes: use Scope." + key + "(...) or Scope.each" + (key.equals(AGENT_KEY) ? "Agent" : "Model") + "()");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '=' || c <= ' ' || Character.isWhitespace(c)) {
        throw new IllegalArgumentException("scope key contains whitespace or '=': \"" + key + "\"");
      }
    }
    return key;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Scope s && s.kind == kind && s.key.equals(key) && Objects.equals(s.value, value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, key, value);
  }

  /**
   * The {@link #expression()}.
   *
   * @return the expression
   */
  @Override
  public String toString() {
    return expression();
  }
}
