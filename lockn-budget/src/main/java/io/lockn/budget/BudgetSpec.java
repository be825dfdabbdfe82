package io.lockn.budget;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One budget as configuration gives it, in raw values: what a budget file ({@link Budgets.Builder#addConfig}), the
 * Spring Boot properties {@code lockn.budgets.items[i].*} or code set. {@link #toBudget()} checks every value, in this
 * one place, and builds the {@link Budget}.
 *
 * <pre>{@code
 * Budget b = BudgetSpec.named("tenant-monthly")
 *     .scope("each app.tenant_id")
 *     .limitUsd(new BigDecimal("100"))
 *     .period("month").zone(ZoneId.of("Europe/Paris"))
 *     .threshold(BigDecimal.valueOf(80), Action.ALERT)
 *     .threshold(BigDecimal.valueOf(100), Action.BLOCK)
 *     .toBudget();
 * }</pre>
 *
 * <p>A problem is a {@link BudgetConfigException} whose {@linkplain BudgetConfigException#field() field} is one of
 * these, whatever the front end; a front end names the field its own way, and keeps the {@linkplain
 * BudgetConfigException#problem() problem} as it is, so that the same mistake reads the same everywhere:
 *
 * <ul>
 *   <li>{@code name}, {@code scope} (a {@link Scope#parse} expression);
 *   <li>{@code limit-usd}, {@code limit-tokens}: exactly one is required;
 *   <li>{@code period} (the kind), {@code period.zone}, {@code period.window}, {@code period.idle}: see {@link
 *       Period#parse};
 *   <li>{@code thresholds[i]}: the i-th threshold {@linkplain #threshold added}; {@code thresholds}: the thresholds
 *       together (a repeated one);
 *   <li>{@code approval-above};
 *   <li>{@code max-reservation-percent}: {@link Budget.Builder#maxReservationPercent}.
 * </ul>
 *
 * Not thread-safe; a specification can be turned into budgets any number of times.
 */
public final class BudgetSpec {

  private final @Nullable String name;
  private @Nullable String scope;
  private @Nullable BigDecimal limitUsd;
  private @Nullable BigDecimal limitTokens;
  private @Nullable String period;
  private @Nullable ZoneId zone;
  private @Nullable ZoneId defaultZone;
  private @Nullable Duration window;
  private @Nullable Duration idle;
  private final List<RawThreshold> thresholds = new ArrayList<>();
  private @Nullable BigDecimal approvalAbove;
  private @Nullable ThrottlePolicy throttle;
  private @Nullable BigDecimal maxReservationPercent;
  private @Nullable String origin;

  private record RawThreshold(@Nullable BigDecimal percent, Action action) {}

  private BudgetSpec(@Nullable String name) {
    this.name = name;
  }

  /**
   * A specification of the budget {@code name}.
   *
   * @param name the budget's name, unique within a {@link Budgets}; {@code null} when the configuration has none,
   *     which {@link #toBudget()} reports
   * @return the specification
   */
  public static BudgetSpec named(@Nullable String name) {
    return new BudgetSpec(name);
  }

  /**
   * Sets the scope expression, for example {@code each app.tenant_id} ({@link Scope#parse}). Defaults to {@code
   * global}.
   *
   * @param expression the expression, or {@code null} for the default
   * @return this specification
   */
  public BudgetSpec scope(@Nullable String expression) {
    this.scope = expression;
    return this;
  }

  /**
   * Sets a limit in USD, exact to the nano-dollar.
   *
   * @param usd the limit, or {@code null} for none
   * @return this specification
   */
  public BudgetSpec limitUsd(@Nullable BigDecimal usd) {
    this.limitUsd = usd;
    return this;
  }

  /**
   * Sets a limit in tokens (input plus output), a whole number.
   *
   * @param tokens the limit, or {@code null} for none
   * @return this specification
   */
  public BudgetSpec limitTokens(@Nullable BigDecimal tokens) {
    this.limitTokens = tokens;
    return this;
  }

  /**
   * Sets the period's kind: {@code per-call}, {@code per-trace}, {@code rolling}, {@code day}, {@code week} or {@code
   * month} ({@link Period#parse}). Required.
   *
   * @param kind the kind
   * @return this specification
   */
  public BudgetSpec period(@Nullable String kind) {
    this.period = kind;
    return this;
  }

  /**
   * Sets the time zone of a calendar period.
   *
   * @param zone the zone, or {@code null} for none
   * @return this specification
   */
  public BudgetSpec zone(@Nullable ZoneId zone) {
    this.zone = zone;
    return this;
  }

  /**
   * Sets the time zone a calendar period has when no {@link #zone} is set; without one, a calendar period requires a
   * zone. A front end's default, such as the Spring properties' UTC: it does not apply to other periods.
   *
   * @param zone the zone, or {@code null} for none
   * @return this specification
   */
  public BudgetSpec defaultZone(@Nullable ZoneId zone) {
    this.defaultZone = zone;
    return this;
  }

  /**
   * Sets the window of a rolling period.
   *
   * @param window the window, or {@code null} for none
   * @return this specification
   */
  public BudgetSpec window(@Nullable Duration window) {
    this.window = window;
    return this;
  }

  /**
   * Sets the idle time of a per-trace period.
   *
   * @param idle the idle time, or {@code null} for the default
   * @return this specification
   */
  public BudgetSpec idle(@Nullable Duration idle) {
    this.idle = idle;
    return this;
  }

  /**
   * Adds a threshold: field {@code thresholds[i]} for the i-th one added. Without any, the budget blocks at 100%.
   *
   * @param percent the percentage of the limit, in (0, 100]; {@code null} when the configuration has none, which
   *     {@link #toBudget()} reports
   * @param action the action
   * @return this specification
   */
  public BudgetSpec threshold(@Nullable BigDecimal percent, Action action) {
    thresholds.add(new RawThreshold(percent, Objects.requireNonNull(action, "action")));
    return this;
  }

  /**
   * Requires approval for calls whose estimate is above {@code amount}, in the limit's unit (USD, or whole tokens).
   *
   * @param amount the amount, or {@code null} for none
   * @return this specification
   */
  public BudgetSpec approvalAbove(@Nullable BigDecimal amount) {
    this.approvalAbove = amount;
    return this;
  }

  /**
   * Sets what the budget does past its throttle threshold ({@link Budget.Builder#throttle}).
   *
   * @param policy the policy, or {@code null} for the default downgrade
   * @return this specification
   */
  public BudgetSpec throttle(@Nullable ThrottlePolicy policy) {
    this.throttle = policy;
    return this;
  }

  /**
   * Sets the most one call without {@code max_tokens} reserves, as a percentage of the limit ({@link
   * Budget.Builder#maxReservationPercent}).
   *
   * @param percent the percentage, in (0, 100], or {@code null} for the default ({@value
   *     Budget#DEFAULT_MAX_RESERVATION_PERCENT})
   * @return this specification
   */
  public BudgetSpec maxReservationPercent(@Nullable BigDecimal percent) {
    this.maxReservationPercent = percent;
    return this;
  }

  /**
   * Says where the specification comes from, for warnings about it (a deprecated period spelling): for example a
   * file and budget, or a property prefix.
   *
   * @param origin the origin, or {@code null}
   * @return this specification
   */
  public BudgetSpec origin(@Nullable String origin) {
    this.origin = origin;
    return this;
  }

  /**
   * Checks every value and builds the budget.
   *
   * @return the budget
   * @throws BudgetConfigException naming the first invalid field, in the vocabulary of this class
   */
  public Budget toBudget() {
    if (name == null) {
      throw new BudgetConfigException("name", "is required");
    }
    Budget.Builder b;
    try {
      b = Budget.builder(name);
    } catch (IllegalArgumentException e) {
      throw new BudgetConfigException("name", String.valueOf(e.getMessage()));
    }
    if (scope != null) {
      try {
        b.scope(Scope.parse(scope));
      } catch (IllegalArgumentException e) {
        throw new BudgetConfigException("scope", String.valueOf(e.getMessage()));
      }
    }
    BudgetUnit unit = limit(b);
    Period.Kind kind = Period.kind(period, origin);
    b.period(Period.of(kind, zone == null && kind.isCalendar() ? defaultZone : zone, window, idle));
    for (int i = 0; i < thresholds.size(); i++) {
      RawThreshold t = thresholds.get(i);
      String field = "thresholds[" + i + "]";
      if (t.percent() == null) {
        throw new BudgetConfigException(field, "a percent is required");
      }
      try {
        b.threshold(new Threshold(t.percent(), t.action()));
      } catch (IllegalArgumentException e) {
        throw new BudgetConfigException(field, String.valueOf(e.getMessage()));
      }
    }
    if (approvalAbove != null) {
      try {
        if (unit == BudgetUnit.USD) {
          b.approvalAboveUsd(approvalAbove);
        } else {
          b.approvalAboveTokens(wholeTokens(approvalAbove, "approval-above"));
        }
      } catch (BudgetConfigException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new BudgetConfigException("approval-above", String.valueOf(e.getMessage()));
      }
    }
    if (throttle != null) {
      b.throttle(throttle);
    }
    if (maxReservationPercent != null) {
      try {
        b.maxReservationPercent(maxReservationPercent);
      } catch (IllegalArgumentException e) {
        throw new BudgetConfigException("max-reservation-percent", String.valueOf(e.getMessage()));
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The limit, the period and the approval unit are settled above: what is left is a repeated threshold.
      throw new BudgetConfigException("thresholds", String.valueOf(e.getMessage()));
    }
  }

  private BudgetUnit limit(Budget.Builder b) {
    if (limitUsd == null && limitTokens == null) {
      throw new BudgetConfigException("limit-usd", "a limit is required: limit-usd or limit-tokens");
    }
    if (limitUsd != null && limitTokens != null) {
      throw new BudgetConfigException("limit-tokens", "set limit-usd or limit-tokens, not both");
    }
    String field = limitUsd != null ? "limit-usd" : "limit-tokens";
    try {
      if (limitUsd != null) {
        b.limitUsd(limitUsd);
        return BudgetUnit.USD;
      }
      b.limitTokens(wholeTokens(Objects.requireNonNull(limitTokens), field));
      return BudgetUnit.TOKENS;
    } catch (BudgetConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new BudgetConfigException(field, String.valueOf(e.getMessage()));
    }
  }

  private static long wholeTokens(BigDecimal d, String field) {
    BigInteger whole;
    try {
      whole = d.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new BudgetConfigException(field, "must be a whole number of tokens: " + d.toPlainString());
    }
    if (whole.bitLength() > 63) {
      throw new BudgetConfigException(field, "is too large: " + d.toPlainString());
    }
    return whole.longValue();
  }
}
