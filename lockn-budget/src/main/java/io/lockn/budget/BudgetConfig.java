package io.lockn.budget;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads budgets from a JSON file, for {@link Budgets.Builder#addConfig}. Numbers are read as exact decimals. Every
 * field is checked; an unknown field is an error.
 *
 * <pre>{@code
 * {
 *   "budgets": [
 *     {
 *       "name": "tenant-monthly",
 *       "scope": "each app.tenant_id",          // global (default) | each KEY | KEY=VALUE | agent=NAME | each agent
 *                                                // | model=NAME | each model (Scope.parse)
 *       "unit": "usd",                           // usd | tokens
 *       "limit": 100.00,                         // a number or a decimal string; whole tokens for token budgets
 *       "period": { "kind": "month", "zone": "Europe/Paris" },
 *                                                // per-call | rolling (+ "window": "PT1H") | day | week | month
 *                                                // (+ "zone", required) | per-trace (+ "idle": "PT1H", optional)
 *                                                // (Period.parse; per_call and trace still read, deprecated)
 *       "thresholds": [ { "percent": 80, "action": "alert" }, { "percent": 100, "action": "block" } ],
 *       "approvalAbove": 2.50,                   // optional, in the budget's unit
 *       "throttle": { "type": "delay", "duration": "PT2S" },
 *                                                // optional: downgrade (default) | delay (+ "duration")
 *                                                // | concurrency (+ "permits", + "maxWait")
 *       "maxReservationPercent": 10              // optional: cap of a call without max_tokens, % of the limit
 *     }
 *   ],
 *   "downgrades": { "gpt-4o": "gpt-4o-mini" },
 *   "approval": { "aboveUsd": 5, "timeout": "PT2M", "onTimeout": "deny" },
 *   "outputReserve": { "tokens": 2000, "models": { "gpt-4o": 1000 } }
 *                                                // optional: output tokens a call without max_tokens reserves
 * }
 * }</pre>
 *
 * The approval policy itself is code: {@link Budgets.Builder#setApprovalPolicy}. This class reads the file's syntax;
 * each budget's values go through {@link BudgetSpec}, which checks them as it does for every other front end, and
 * an error names the budget's field as the file spells it ({@code limit}, {@code period.kind}, {@code
 * thresholds[1].percent}, {@code approvalAbove}, {@code maxReservationPercent}). The output reserve goes through
 * {@link Budgets.Builder#setOutputReserve} and {@link Budgets.Builder#addOutputReserve}, whose rules it names {@code
 * outputReserve.tokens} and {@code outputReserve.models.MODEL}.
 */
final class BudgetConfig {

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final Set<String> TOP = Set.of("budgets", "downgrades", "approval", "outputReserve");
  private static final Set<String> BUDGET = Set.of("name", "scope", "unit", "limit", "period", "thresholds",
      "approvalAbove", "throttle", "maxReservationPercent");
  private static final Set<String> OUTPUT_RESERVE = Set.of("tokens", "models");
  private static final Set<String> PERIOD = Set.of("kind", "zone", "window", "idle");
  private static final Set<String> THROTTLE = Set.of("type", "duration", "permits", "maxWait");
  private static final Set<String> THRESHOLD = Set.of("percent", "action");
  private static final Set<String> APPROVAL = Set.of("aboveUsd", "timeout", "onTimeout");

  final List<Budget> budgets = new ArrayList<>();
  final Map<String, String> downgrades = new LinkedHashMap<>();
  @Nullable BigDecimal approvalAboveUsd;
  @Nullable Duration approvalTimeout;
  ApprovalPolicy.Decision onTimeout = ApprovalPolicy.Decision.deny("no approval decision in time");
  @Nullable Long outputReserve;
  final Map<String, Long> outputReserves = new LinkedHashMap<>();
  private final String file;

  private BudgetConfig(String file) {
    this.file = file;
  }

  /** Reads and validates a file; nothing is applied. */
  static BudgetConfig read(Path path) {
    String file = path.toString();
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readString(path));
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "JSON"
          : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new BudgetConfigException(file, where, null, "invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read budget configuration " + file, e);
    }
    BudgetConfig config = new BudgetConfig(file);
    config.parse(root);
    return config;
  }

  /** Applies a validated file to the builder, after checking it against what the builder already holds. */
  void applyTo(Budgets.Builder builder) {
    for (int i = 0; i < budgets.size(); i++) {
      Budget b = budgets.get(i);
      if (builder.hasBudget(b.name())) {
        throw fail(budgetLocation(i, b.name()), "name", "a budget named " + b.name() + " was already added");
      }
    }
    budgets.forEach(builder::addBudget);
    builder.addDowngrades(downgrades);
    if (approvalAboveUsd != null) {
      builder.setApprovalAboveUsd(approvalAboveUsd);
    }
    if (approvalTimeout != null) {
      builder.setApprovalTimeout(approvalTimeout, onTimeout);
    }
    if (outputReserve != null) {
      builder.setOutputReserve(outputReserve);
    }
    outputReserves.forEach(builder::addOutputReserve);
  }

  private void parse(@Nullable JsonNode root) {
    if (root == null || !root.isObject()) {
      throw fail("document", null, "the top level must be a JSON object");
    }
    checkFields(root, TOP, "document", "");
    JsonNode list = root.get("budgets");
    Set<String> names = new HashSet<>();
    if (list != null) {
      if (!list.isArray()) {
        throw fail("document", "budgets", "must be an array");
      }
      for (int i = 0; i < list.size(); i++) {
        Budget b = budget(list.get(i), i);
        if (!names.add(b.name())) {
          throw fail(budgetLocation(i, b.name()), "name", "repeats the name of an earlier budget in the file");
        }
        budgets.add(b);
      }
    }
    JsonNode down = root.get("downgrades");
    if (down != null) {
      if (!down.isObject()) {
        throw fail("downgrades", null, "must be an object from request model to cheaper model");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = down.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String to = text(e.getValue(), "downgrades", e.getKey());
        if (e.getKey().isBlank() || to.isBlank()) {
          throw fail("downgrades", e.getKey(), "a model is blank");
        }
        if (e.getKey().equals(to)) {
          throw fail("downgrades", e.getKey(), "downgrades to itself");
        }
        downgrades.put(e.getKey(), to);
      }
    }
    JsonNode reserve = root.get("outputReserve");
    if (reserve != null) {
      outputReserve(reserve);
    }
    JsonNode approval = root.get("approval");
    if (approval != null) {
      if (!approval.isObject()) {
        throw fail("approval", null, "must be an object");
      }
      checkFields(approval, APPROVAL, "approval", "");
      if (approval.has("aboveUsd")) {
        BigDecimal above = decimal(approval.get("aboveUsd"), "approval", "aboveUsd");
        if (above.signum() < 0) {
          throw fail("approval", "aboveUsd", "must not be negative: " + above.toPlainString());
        }
        try {
          above.movePointRight(9).longValueExact();
        } catch (ArithmeticException e) {
          throw fail("approval", "aboveUsd", "is finer than a nano-USD or too large: " + above.toPlainString());
        }
        approvalAboveUsd = above;
      }
      if (approval.has("onTimeout")) {
        String d = text(approval.get("onTimeout"), "approval", "onTimeout").toLowerCase(Locale.ROOT);
        if (!d.equals("approve") && !d.equals("deny")) {
          throw fail("approval", "onTimeout", "must be approve or deny: " + d);
        }
        onTimeout = d.equals("approve")
            ? ApprovalPolicy.Decision.approve("no approval decision in time")
            : ApprovalPolicy.Decision.deny("no approval decision in time");
        approvalTimeout = Duration.ofSeconds(30);
      }
      if (approval.has("timeout")) {
        Duration t = duration(approval.get("timeout"), "approval", "timeout");
        if (t.isNegative()) {
          throw fail("approval", "timeout", "must not be negative: " + t);
        }
        approvalTimeout = t;
      }
    }
  }

  /** The output reserve, checked now by the builder's own rules, so that an invalid file applies nothing. */
  private void outputReserve(JsonNode node) {
    if (!node.isObject()) {
      throw fail("outputReserve", null, "must be an object with tokens and/or models");
    }
    checkFields(node, OUTPUT_RESERVE, "outputReserve", "");
    if (node.has("tokens")) {
      long tokens = wholeNumber(node.get("tokens"), "outputReserve", "tokens");
      try {
        Budgets.Builder.checkOutputReserve(null, tokens);
      } catch (BudgetConfigException e) {
        throw fail("outputReserve", "tokens", e.problem());
      }
      outputReserve = tokens;
    }
    JsonNode models = node.get("models");
    if (models != null) {
      if (!models.isObject()) {
        throw fail("outputReserve", "models", "must be an object from model to output tokens");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String field = "models." + e.getKey();
        long tokens = wholeNumber(e.getValue(), "outputReserve", field);
        try {
          Budgets.Builder.checkOutputReserve(e.getKey(), tokens);
        } catch (BudgetConfigException ex) {
          throw fail("outputReserve", field, ex.problem());
        }
        outputReserves.put(e.getKey(), tokens);
      }
    }
  }

  private long wholeNumber(JsonNode node, String where, String field) {
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw fail(where, field, "must be a whole number of tokens: " + node);
    }
    return node.longValue();
  }

  private Budget budget(JsonNode node, int index) {
    String where = "budgets[" + index + "]";
    if (!node.isObject()) {
      throw fail(where, null, "must be an object");
    }
    String name = text(required(node, "name", where), where, "name");
    if (!name.isBlank()) {
      where = budgetLocation(index, name);
    }
    checkFields(node, BUDGET, where, "");
    // The file's own syntax (types, units, actions, durations, zones, throttles) is read here; every rule of the
    // budget itself is BudgetSpec's, whose field this file names its own way (fileField).
    BudgetSpec spec = BudgetSpec.named(name).origin(file + ": " + where);
    if (node.has("scope")) {
      spec.scope(text(node.get("scope"), where, "scope"));
    }
    String unit = text(required(node, "unit", where), where, "unit").toLowerCase(Locale.ROOT);
    BigDecimal limit = decimal(required(node, "limit", where), where, "limit");
    if (unit.equals("usd")) {
      spec.limitUsd(limit);
    } else if (unit.equals("tokens")) {
      spec.limitTokens(limit);
    } else {
      throw fail(where, "unit", "must be usd or tokens: " + unit);
    }
    period(required(node, "period", where), where, spec);
    JsonNode thresholds = node.get("thresholds");
    if (thresholds != null) {
      if (!thresholds.isArray()) {
        throw fail(where, "thresholds", "must be an array");
      }
      for (int i = 0; i < thresholds.size(); i++) {
        String field = "thresholds[" + i + "]";
        JsonNode t = thresholds.get(i);
        if (!t.isObject()) {
          throw fail(where, field, "must be an object with percent and action");
        }
        checkFields(t, THRESHOLD, where, field + ".");
        BigDecimal percent = decimal(required(t, "percent", where, field + ".percent"), where, field + ".percent");
        String action = text(required(t, "action", where, field + ".action"), where, field + ".action");
        Action a;
        try {
          a = Action.valueOf(action.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw fail(where, field + ".action", "must be alert, throttle or block: " + action);
        }
        spec.threshold(percent, a);
      }
    }
    if (node.has("approvalAbove")) {
      spec.approvalAbove(decimal(node.get("approvalAbove"), where, "approvalAbove"));
    }
    if (node.has("throttle")) {
      spec.throttle(throttle(node.get("throttle"), where));
    }
    if (node.has("maxReservationPercent")) {
      spec.maxReservationPercent(decimal(node.get("maxReservationPercent"), where, "maxReservationPercent"));
    }
    try {
      return spec.toBudget();
    } catch (BudgetConfigException e) {
      throw fail(where, fileField(e.field()), e.problem());
    }
  }

  /** The file's name of a {@link BudgetSpec} field. */
  private static @Nullable String fileField(@Nullable String specField) {
    if (specField == null) {
      return null;
    }
    if (specField.startsWith("thresholds[")) {
      return specField + ".percent";
    }
    return switch (specField) {
      case "period" -> "period.kind";
      case "limit-usd", "limit-tokens" -> "limit";
      case "approval-above" -> "approvalAbove";
      case "max-reservation-percent" -> "maxReservationPercent";
      default -> specField;
    };
  }

  private void period(JsonNode node, String where, BudgetSpec spec) {
    if (!node.isObject()) {
      throw fail(where, "period", "must be an object with a kind");
    }
    checkFields(node, PERIOD, where, "period.");
    if (node.has("kind")) {
      spec.period(text(node.get("kind"), where, "period.kind"));
    }
    if (node.has("zone")) {
      String zoneName = text(node.get("zone"), where, "period.zone");
      try {
        spec.zone(ZoneId.of(zoneName));
      } catch (DateTimeException e) {
        throw fail(where, "period.zone", "unknown time zone: " + zoneName);
      }
    }
    if (node.has("window")) {
      spec.window(duration(node.get("window"), where, "period.window"));
    }
    if (node.has("idle")) {
      spec.idle(duration(node.get("idle"), where, "period.idle"));
    }
  }

  private ThrottlePolicy throttle(JsonNode node, String where) {
    if (!node.isObject()) {
      throw fail(where, "throttle", "must be an object with a type");
    }
    checkFields(node, THROTTLE, where, "throttle.");
    String type = text(required(node, "type", where, "throttle.type"), where, "throttle.type").toLowerCase(Locale.ROOT);
    switch (type) {
      case "downgrade":
        noThrottleField(node, "duration", where, type);
        noThrottleField(node, "permits", where, type);
        noThrottleField(node, "maxWait", where, type);
        return ThrottlePolicy.downgrade();
      case "delay": {
        noThrottleField(node, "permits", where, type);
        noThrottleField(node, "maxWait", where, type);
        Duration d = duration(required(node, "duration", where, "throttle.duration"), where, "throttle.duration");
        try {
          return ThrottlePolicy.delay(d);
        } catch (IllegalArgumentException e) {
          throw fail(where, "throttle.duration", e.getMessage());
        }
      }
      case "concurrency": {
        noThrottleField(node, "duration", where, type);
        JsonNode p = required(node, "permits", where, "throttle.permits");
        if (!p.isIntegralNumber() || !p.canConvertToInt() || p.intValue() < 1) {
          throw fail(where, "throttle.permits", "must be a whole number >= 1: " + p);
        }
        Duration maxWait = duration(required(node, "maxWait", where, "throttle.maxWait"), where, "throttle.maxWait");
        try {
          return ThrottlePolicy.limitConcurrency(p.intValue(), maxWait);
        } catch (IllegalArgumentException e) {
          throw fail(where, "throttle.maxWait", e.getMessage());
        }
      }
      default:
        throw fail(where, "throttle.type", "unknown throttle: " + type + " (downgrade, delay or concurrency)");
    }
  }

  private void noThrottleField(JsonNode node, String field, String where, String type) {
    if (node.has(field)) {
      throw fail(where, "throttle." + field, "does not apply to a " + type + " throttle");
    }
  }

  private void checkFields(JsonNode node, Set<String> allowed, String where, String prefix) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw fail(where, prefix + f, "unknown field (expected one of " + new java.util.TreeSet<>(allowed) + ")");
      }
    }
  }

  private JsonNode required(JsonNode node, String field, String where) {
    return required(node, field, where, field);
  }

  private JsonNode required(JsonNode node, String field, String where, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw fail(where, path, "is required");
    }
    return v;
  }

  private String text(JsonNode node, String where, String field) {
    if (!node.isTextual()) {
      throw fail(where, field, "must be a string");
    }
    return node.textValue();
  }

  private BigDecimal decimal(JsonNode node, String where, String field) {
    if (node.isNumber()) {
      return node.decimalValue();
    }
    if (node.isTextual()) {
      try {
        return new BigDecimal(node.textValue().trim());
      } catch (NumberFormatException e) {
        throw fail(where, field, "is not a decimal: " + node.textValue());
      }
    }
    throw fail(where, field, "must be a number or a decimal string");
  }

  private Duration duration(JsonNode node, String where, String field) {
    String s = text(node, where, field);
    try {
      return Duration.parse(s);
    } catch (DateTimeParseException e) {
      throw fail(where, field, "is not an ISO-8601 duration such as PT1H: " + s);
    }
  }

  private static String budgetLocation(int index, String name) {
    return "budgets[" + index + "] (" + name + ")";
  }

  private BudgetConfigException fail(String where, @Nullable String field, @Nullable String problem) {
    return new BudgetConfigException(file, where, field, problem == null ? "invalid" : problem);
  }
}
