package io.lockn.budget;

import io.lockn.core.BudgetExceededException;
import io.lockn.core.CallCost;
import io.lockn.core.LockNAttributes;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallRequest;
import io.lockn.core.spi.EndedCall;
import io.lockn.core.spi.UsageLogger;
import io.lockn.pricing.ModelMatch;
import io.lockn.pricing.PriceCatalog;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.TraceId;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Budgets enforced before model calls: the {@link CallAdmission} to give {@link
 * io.lockn.core.LockNBuilder#setCallAdmission}.
 *
 * <p>Admission of one call, on the calling thread:
 *
 * <ol>
 *   <li>RUNAWAY: with a kill switch ({@link Builder#setRunawayKillSwitch}), a call in a trace the {@link
 *       RunawayDetector} killed is blocked at once with a {@link RunawayAgentException}.
 *   <li>Estimate the call's maximum: {@code estimatedInputTokens x input price + outputTokens x output price} (the
 *       higher of the output and reasoning prices) from the {@link PriceCatalog}, at the current time, for USD
 *       budgets; {@code estimatedInputTokens + outputTokens} for token budgets. {@code outputTokens} is the call's
 *       {@code max_tokens}; without one, the <b>output reserve</b>: the tokens configured for the model ({@link
 *       Builder#addOutputReserve}), else for every model ({@link Builder#setOutputReserve}), else the model's maximum
 *       output in the catalog ({@link io.lockn.pricing.ModelPrice#maxOutputTokens()}), else {@value
 *       #DEFAULT_OUTPUT_RESERVE_TOKENS}. The amount reserved on each budget is the whole estimate when {@code
 *       max_tokens} is set. Without it the estimate is no bound of the call, so the call reserves {@code max(input,
 *       min(estimate, cap, left))}: the estimate, capped at the budget's {@link Budget#maxReservationPercent()} of its
 *       limit (10% by default) so that one huge estimate does not lock a small budget, and cut to what is neither
 *       spent nor reserved ({@code left}) so that a call that may fit is not refused; it is refused only when its
 *       input alone does not fit. The input tokens are the caller's count (LockN's {@link
 *       io.lockn.core.spi.TokenCounter}, else {@link io.lockn.core.spi.TokenCounter#approximate()}).
 *       An unpriced model is estimated, and later charged, at $0 (logged once); token budgets still apply to it.
 *   <li>THROTTLE: if a matching budget's spending plus the estimate would pass its throttle threshold, the first such
 *       budget's {@link ThrottlePolicy} applies. With {@link ThrottlePolicy#downgrade()} (the default) and a cheaper
 *       model configured for the request model ({@link Builder#addDowngrade}), the call is admitted with that model
 *       ({@link io.lockn.core.LlmCall#admittedModel()}) and estimated at its prices; without a downgrade the call
 *       proceeds unchanged. {@link ThrottlePolicy#delay} and {@link ThrottlePolicy#limitConcurrency} block the calling
 *       thread; the latter may BLOCK the call.
 *   <li>APPROVAL: if the estimate is above a matching budget's approval threshold ({@link
 *       Budget#approvalAbove()}) or the global one ({@link Builder#setApprovalAboveUsd}), the {@link ApprovalPolicy}
 *       decides, within the configured timeout; a denial throws an {@link ApprovalDeniedException} before anything
 *       is reserved or the provider called. The decision is set on the span ({@link BudgetAttributes}).
 *   <li>Reserve the estimate on every matching budget, all or nothing: if any budget refuses, the reservations
 *       already made are released and a {@link BudgetExceededException} is thrown (BLOCK) before the provider is
 *       called.
 *   <li>ALERT: listeners hear of each alert threshold the account reached, once per threshold, account and period,
 *       whether the reservation reached it at admission or the actual cost at settlement. Every alert, throttle,
 *       forecast alert and approval decision is a span event ({@link BudgetAttributes#ALERT_EVENT}, {@link
 *       BudgetAttributes#THROTTLE_EVENT}, {@link BudgetAttributes#FORECAST_EVENT}, {@link
 *       BudgetAttributes#APPROVAL_EVENT}) on the span of {@link CallRequest#span()} (the call's span, or its nearest
 *       recording ancestor), whichever adapter admitted the call; a block is the {@code lockn.budget.exceeded} event
 *       its exception gets there. Every alert, throttle, block and forecast alert counts on the {@link
 *       BudgetAttributes#ACTIONS_METRIC} counter.
 *   <li>When the call ends, the reservation is replaced by its actual cost ({@link Admission#complete}): the one cost
 *       LockN priced the call at (its {@code CallPricing}), which its span, the cost metric and the ledger also carry,
 *       or its usage for token budgets; a call that failed without usage releases its reservation ({@link
 *       Admission#release()}). Without a configured pricing, the call is priced here by the same rules ({@link
 *       PriceCatalog#price}). For calendar periods the committed balance then feeds the account's {@link BudgetForecast}; listeners hear once per account and
 *       period when a forecast first exceeds the limit, after at least one forecast interval of the period has
 *       elapsed ({@link BudgetListener#onForecast}).
 * </ol>
 *
 * <p><b>Overshoot bound.</b> The ledger grants a reservation only if {@code spent + reserved + estimate <= limit},
 * atomically, so concurrent calls can never together reserve past the limit, whatever their number. Spending can
 * exceed the limit only when a call's actual cost is above its reservation, and then by no more than the sum of those
 * excesses: at every instant of a period,
 *
 * <pre>{@code
 * spent + reserved  <=  limit + SUM over calls c committed so far in the period of max(0, actual(c) - reserved(c))
 * }</pre>
 *
 * (by induction: a grant keeps the left side at most {@code limit}; a commit adds {@code actual - reserved}; a release
 * only lowers it). Once the limit is reached every further call is refused, so in practice the excess comes from the
 * calls in flight when it was reached: if {@code z} is the last call admitted in the period and {@code F} the calls in
 * flight when it was admitted, {@code z} included, the period ends with
 *
 * <pre>{@code
 * spent  <=  limit + SUM over c in F of max(0, actual(c) - reserved(c))
 * }</pre>
 *
 * In particular, when every reservation is an upper bound of the actual cost (the input tokens are counted, the
 * output reserve is at least the output, the model is priced, the admitted model is the one called and neither the
 * cap nor what was left cut the reservation), spending never exceeds the limit, under any concurrency. With {@code
 * max_tokens} set, or with the model's maximum output from the catalog as the reserve, the output part always holds;
 * a reservation the cap cut can fall short by {@code actual(c) - cap}, one cut to what was left by {@code actual(c) -
 * left}: one call at a time, {@code spent <= limit + actual(z) - left(z)} for the last call, and only when it cost
 * more than was left. This holds per ledger: with the {@link InMemoryBudgetLedger}, per JVM.
 *
 * <p>Thread-safe; build once and share.
 */
public final class Budgets implements CallAdmission {

  /**
   * The output tokens a call without {@code max_tokens} reserves when neither the configuration nor the catalog gives
   * its model's maximum output.
   */
  public static final long DEFAULT_OUTPUT_RESERVE_TOKENS = 4096;

  private static final int MAX_TRACKED_ACCOUNTS = 10_000;
  // Bound of each budget's cache of current calendar accounts (see currentAccounts).
  static final int MAX_CACHED_ACCOUNTS = 10_000;

  private final List<Budget> budgets;
  private final PriceCatalog catalog;
  private final BudgetLedger ledger;
  private final Clock clock;
  private final Map<String, String> downgrades;
  // The output tokens a call without max_tokens reserves: per model, then for every model (0: none configured).
  private final Map<String, Long> outputReserves;
  private final long outputReserve;
  private final List<BudgetListener> listeners;
  private final @Nullable GuardedApprovalPolicy approvalPolicy;
  private final long approvalTimeoutNanos;
  private final ApprovalPolicy.Decision onNoDecision;
  private final long approvalAboveUsd;
  private final boolean anyApproval;
  private final Map<Period.Kind, Duration> forecastIntervals;
  private final BigDecimal smoothing;
  private final LongCounter actions;
  private final @Nullable RunawayDetector killSwitch;
  private final ThrottlePolicy.Sleeper sleeper;
  // budget|action -> the metric's attributes, built once.
  private final Map<String, Attributes> actionAttributes = new HashMap<>();
  // budget|scope -> the forecast state of the account's current period.
  private final ConcurrentHashMap<String, Forecaster> forecasters = new ConcurrentHashMap<>();
  // budget|scope -> period start (epoch millis) of the last forecast alert.
  private final ConcurrentHashMap<String, Long> forecastAlerted = new ConcurrentHashMap<>();
  // budget|scope -> (budget, scope): the accounts status() reports.
  private final ConcurrentHashMap<String, Tracked> tracked = new ConcurrentHashMap<>();
  // budget|scope|trace|threshold -> when the per-trace alert's account expires (epoch millis).
  private final ConcurrentHashMap<String, Long> traceAlerted = new ConcurrentHashMap<>();
  // budget|scope|threshold -> period start (epoch millis) of the last alert of a calendar budget.
  private final ConcurrentHashMap<String, Long> alerted = new ConcurrentHashMap<>();
  // budget|scope|threshold -> when a rolling budget's alert fired (absent: armed again); see checkAlerts.
  private final ConcurrentHashMap<String, RollingAlert> rollingAlerted = new ConcurrentHashMap<>();
  // Per budget (same index as budgets), for day, week and month budgets only: scope -> the account of the period
  // last seen. Building an account per call (the zoned calendar window, the ledger key with the period's start, the
  // budget|scope key of the forecast and status maps) was most of admission's cost; an entry is reused only while
  // the call's instant is inside its period, so a call past midnight or the month's end builds the new period's
  // account. Bounded: past MAX_CACHED_ACCOUNTS entries, ended periods are dropped and, if that is not enough, a
  // new scope's account is built per call without being cached.
  private final List<ConcurrentHashMap<String, CurrentAccount>> currentAccounts;

  private Budgets(Builder b) {
    this.budgets = List.copyOf(b.budgets.values());
    List<ConcurrentHashMap<String, CurrentAccount>> caches = new ArrayList<>(budgets.size());
    for (int i = 0; i < budgets.size(); i++) {
      caches.add(new ConcurrentHashMap<>());
    }
    this.currentAccounts = List.copyOf(caches);
    this.catalog = b.catalog;
    this.ledger = b.ledger;
    this.clock = b.clock;
    this.downgrades = Map.copyOf(b.downgrades);
    this.outputReserves = Map.copyOf(b.outputReserves);
    this.outputReserve = b.outputReserve;
    this.listeners = GuardedBudgetListener.wrapAll(b.listeners);
    this.approvalPolicy = GuardedApprovalPolicy.wrap(b.approvalPolicy);
    this.approvalTimeoutNanos = b.approvalTimeout.toNanos();
    this.onNoDecision = b.onNoDecision;
    this.approvalAboveUsd = b.approvalAboveUsd;
    boolean any = b.approvalAboveUsd != Long.MAX_VALUE;
    for (Budget budget : budgets) {
      any |= budget.approvalAbove() != Long.MAX_VALUE;
    }
    this.anyApproval = any && b.approvalPolicy != null;
    this.forecastIntervals = new EnumMap<>(b.forecastIntervals);
    this.smoothing = b.smoothing;
    this.killSwitch = b.killSwitch;
    this.sleeper = b.sleeper;
    this.actions = b.meterProvider.get("io.lockn.budget").counterBuilder(BudgetAttributes.ACTIONS_METRIC)
        .setDescription("Budget alerts, throttles, blocks and forecast alerts").setUnit("{action}").build();
    for (Budget budget : budgets) {
      for (String action : new String[] {"alert", "throttle", "block", "forecast"}) {
        actionAttributes.put(budget.name() + '|' + action, Attributes.of(
            LockNAttributes.BUDGET_NAME, budget.name(), BudgetAttributes.ACTION, action));
      }
    }
    for (Budget budget : budgets) {
      Scope s = budget.scope();
      if (budget.period().kind() != Period.Kind.PER_CALL && budget.period().kind() != Period.Kind.TRACE
          && (s.kind() == Scope.Kind.GLOBAL || s.value() != null)) {
        String scope = s.kind() == Scope.Kind.GLOBAL ? "global" : s.key() + '=' + s.value();
        tracked.put(budget.name() + '|' + scope, new Tracked(budget, scope));
      }
    }
  }

  /**
   * A builder.
   *
   * @param catalog the prices used to estimate and reconcile USD budgets
   * @return the builder
   */
  public static Builder builder(PriceCatalog catalog) {
    return new Builder(Objects.requireNonNull(catalog, "catalog"));
  }

  /**
   * The budgets, in the order they were added.
   *
   * @return the budgets
   */
  public List<Budget> budgets() {
    return budgets;
  }

  @Override
  public Admission admit(CallRequest request) {
    RunawayDetector k = killSwitch;
    if (k != null) {
      Runaway runaway = k.killedBy(request.traceId());
      if (runaway != null) {
        throw new RunawayAgentException(runaway);
      }
    }
    // Milliseconds, not an Instant: a cached calendar account needs no object; others build one from this.
    long nowMillis = clock.millis();
    // The usual case is one matching budget: a one-element List.of, not an ArrayList and its array.
    @Nullable Charge first = null;
    @Nullable List<Charge> more = null;
    for (int i = 0; i < budgets.size(); i++) {
      Budget budget = budgets.get(i);
      // The scope's value, not yet the scope string: a cached calendar account is found without building it.
      String value = budget.scope().valueOf(request);
      if (value != null) {
        Charge c = charge(i, budget, value, request.traceId(), nowMillis);
        if (first == null) {
          first = c;
        } else {
          if (more == null) {
            more = new ArrayList<>(budgets.size());
            more.add(first);
          }
          more.add(c);
        }
      }
    }
    @Nullable List<Charge> charges = more != null ? more : first != null ? List.of(first) : null;
    boolean globalApproval = approvalPolicy != null && approvalAboveUsd != Long.MAX_VALUE;
    if (charges == null) {
      if (!globalApproval) {
        return Admission.allowed();
      }
      charges = List.of();
    }
    String requestModel = request.requestModel();
    Span span = request.span();
    long in = request.estimatedInputTokens();
    // Without max_tokens the call reserves a documented output estimate (outputReserve), capped per budget.
    boolean estimated = request.maxOutputTokens() < 0;
    long out = estimated ? outputReserve(request.provider(), requestModel) : request.maxOutputTokens();
    long tokens = saturatedAdd(in, out);
    // Token budgets need no price: the estimate (and its "unpriced" warning) only when a USD amount is compared.
    boolean needUsd = anyApproval || globalApproval;
    for (int i = 0; !needUsd && i < charges.size(); i++) {
      needUsd = charges.get(i).budget.unit() == BudgetUnit.USD;
    }
    long usd = needUsd ? estimateNanos(request.provider(), requestModel, in, out, nowMillis) : 0;
    long usdIn = needUsd && estimated ? estimateNanos(request.provider(), requestModel, in, 0, nowMillis) : usd;
    for (int i = 0; i < charges.size(); i++) {
      charges.get(i).estimate(estimated, usd, usdIn, tokens, in);
    }

    if (first != null && more == null && !anyApproval) {
      BudgetAdmission fast = admitUnderThrottle(request, charges, first, span, nowMillis);
      if (fast != null) {
        return fast;
      }
    }
    String model = requestModel;
    @Nullable Charge throttledBy = null;
    for (Charge c : charges) {
      if (c.budget.throttleAt() != Long.MAX_VALUE && used(c) + c.reserved > c.budget.throttleAt()) {
        throttledBy = c;
        break;
      }
    }
    ThrottlePolicy.@Nullable Throttle throttle = null;
    if (throttledBy != null) {
      long before = used(throttledBy);
      ThrottlePolicy.Context context = new ThrottlePolicy.Context(throttledBy.budget, throttledBy.scope, requestModel,
          downgrades.get(requestModel), before, throttledBy.reserved, sleeper);
      try {
        throttle = throttledBy.budget.throttle().throttle(context);
      } catch (BudgetExceededException e) {
        act(Action.BLOCK, event(throttledBy, Action.BLOCK, threshold(throttledBy.budget, Action.THROTTLE),
            before, throttledBy.reserved, requestModel, requestModel), span, BudgetAttributes.ADMISSION);
        throw e;
      }
      String throttledModel = throttle == null ? null : throttle.model();
      if (throttledModel != null && !throttledModel.isEmpty() && !throttledModel.equals(requestModel)) {
        model = throttledModel;
        if (estimated) {
          out = outputReserve(request.provider(), model);
          tokens = saturatedAdd(in, out);
        }
        usd = needUsd ? estimateNanos(request.provider(), model, in, out, nowMillis) : 0;
        usdIn = needUsd && estimated ? estimateNanos(request.provider(), model, in, 0, nowMillis) : usd;
        for (int i = 0; i < charges.size(); i++) {
          charges.get(i).estimate(estimated, usd, usdIn, tokens, in);
        }
      }
      Threshold t = threshold(throttledBy.budget, Action.THROTTLE);
      act(Action.THROTTLE, event(throttledBy, Action.THROTTLE, t, used(throttledBy), throttledBy.reserved,
          requestModel, model), span, BudgetAttributes.ADMISSION);
    }

    Attributes approval;
    try {
      approval = anyApproval ? approve(request, charges, model, usd, tokens, span) : Attributes.empty();
    } catch (Throwable e) {
      releaseThrottle(throttle);
      throw e;
    }

    int granted = 0;
    try {
      for (Charge c : charges) {
        long amount = c.reserved;
        long limit = c.budget.blockAt();
        long used;
        long spent = 0;
        boolean ok;
        if (c.perCall) {
          // Without max_tokens, what is left of the limit, as long as the input alone fits.
          amount = estimated && amount > limit && c.need(usdIn, in) <= limit ? limit : amount;
          used = amount;
          ok = amount <= limit;
        } else {
          BudgetLedger.Reservation r = ledger.reserve(c.account, amount, limit);
          // Without max_tokens the estimate is not a bound of the call: a call may fit in what is left, so it is
          // admitted on what is left, as long as its input alone fits. A few tries, as other calls move the balance.
          for (int tries = 0; !r.granted() && estimated && tries < 3; tries++) {
            long left = limit - r.used();
            if (left < c.need(usdIn, in)) {
              break;
            }
            amount = Math.min(c.reserved, left);
            r = ledger.reserve(c.account, amount, limit);
          }
          ok = r.granted();
          used = r.used();
          spent = r.spent();
        }
        if (!ok && estimated) {
          // Refused because the input alone does not fit: that is what the call needed.
          amount = c.need(usdIn, in);
        }
        if (!ok) {
          long before = c.perCall ? 0 : used;
          rollback(charges, granted);
          act(Action.BLOCK, event(c, Action.BLOCK, threshold(c.budget, Action.BLOCK), before, amount, requestModel,
              model), span, BudgetAttributes.ADMISSION);
          // The period end, when the block lifts by itself; none for a per-call or per-trace account.
          throw new BudgetExceededException(c.budget.name(), c.scope,
              c.budget.unit() == BudgetUnit.USD
                  ? BudgetExceededException.Unit.NANO_USD : BudgetExceededException.Unit.TOKENS,
              limit, before, amount,
              c.perCall || c.budget.period().kind() == Period.Kind.TRACE ? null : c.account.periodEnd());
        }
        c.reserved = amount;
        granted++;
        track(c);
        checkAlerts(c, used, spent, amount, requestModel, model, span, BudgetAttributes.ADMISSION);
      }
    } catch (BudgetExceededException e) {
      releaseThrottle(throttle);
      throw e;
    } catch (Throwable e) {
      // A failing ledger must not leak the reservations already made; LockN logs the failure and admits the call.
      rollback(charges, granted);
      releaseThrottle(throttle);
      throw e;
    }
    return new BudgetAdmission(this, request.provider(), requestModel, model, nowMillis, charges, approval, span,
        throttle);
  }

  /**
   * The usual call, one budget below its throttle threshold, in one ledger operation: reserving up to the throttle
   * threshold (or the block threshold, if lower) answers "not throttled" and reserves at once, instead of reading the
   * balance first. When that is refused, nothing changed and the full path decides (throttle, downgrade or block).
   * Returns {@code null} then, and for budgets without a throttle threshold (the full path reads no balance for them).
   */
  private @Nullable BudgetAdmission admitUnderThrottle(
      CallRequest request, List<Charge> charges, Charge c, Span span, long nowMillis) {
    long throttleAt = c.budget.throttleAt();
    if (c.perCall || throttleAt == Long.MAX_VALUE) {
      return null;
    }
    long amount = c.reserved;
    BudgetLedger.Reservation r = ledger.reserve(c.account, amount, Math.min(throttleAt, c.budget.blockAt()));
    if (!r.granted()) {
      return null;
    }
    try {
      c.reserved = amount;
      track(c);
      String model = request.requestModel();
      checkAlerts(c, r.used(), r.spent(), amount, model, model, span, BudgetAttributes.ADMISSION);
      return new BudgetAdmission(this, request.provider(), model, model, nowMillis, charges, Attributes.empty(), span,
          null);
    } catch (Throwable e) {
      rollback(charges, 1);
      throw e;
    }
  }

  /**
   * Asks the approval policy when the estimate is above a threshold; returns the span attributes of the decision
   * (empty when no approval was needed) or throws {@link ApprovalDeniedException}.
   */
  private Attributes approve(
      CallRequest request, List<Charge> charges, String model, long usd, long tokens, Span span) {
    GuardedApprovalPolicy policy = Objects.requireNonNull(approvalPolicy);
    @Nullable List<String> triggers = null;
    String firstScope = "global";
    BudgetUnit firstUnit = BudgetUnit.USD;
    long firstThreshold = approvalAboveUsd;
    if (approvalAboveUsd != Long.MAX_VALUE && usd > approvalAboveUsd) {
      triggers = new ArrayList<>(2);
      triggers.add("global");
    }
    for (Charge c : charges) {
      long above = c.budget.approvalAbove();
      if (above != Long.MAX_VALUE && c.reserved > above) {
        if (triggers == null) {
          triggers = new ArrayList<>(2);
          firstScope = c.scope;
          firstUnit = c.budget.unit();
          firstThreshold = above;
        }
        triggers.add(c.budget.name());
      }
    }
    if (triggers == null) {
      return Attributes.empty();
    }
    ApprovalPolicy.@Nullable Decision decision =
        policy.decide(new ApprovalPolicy.Request(request, model, usd, tokens, triggers), approvalTimeoutNanos);
    // No decision in time, or a failing policy: the configured default, recorded as not decided in time.
    boolean timedOut = decision == null;
    if (decision == null) {
      decision = onNoDecision;
    }
    recordEvent(span, BudgetAttributes.APPROVAL_EVENT,
        BudgetAttributes.approvalEvent(triggers.get(0), firstScope, decision.approved(), decision.reason(), timedOut));
    if (!decision.approved()) {
      throw new ApprovalDeniedException(triggers.get(0), firstScope,
          firstUnit == BudgetUnit.USD ? BudgetExceededException.Unit.NANO_USD : BudgetExceededException.Unit.TOKENS,
          firstThreshold, firstUnit == BudgetUnit.USD ? usd : tokens, decision.reason(), timedOut);
    }
    return BudgetAttributes.approval(true, decision.reason(), timedOut);
  }

  /**
   * The balances of every account seen so far (and of every single-account budget), now. Per-call budgets keep no
   * balance and are not listed.
   *
   * @return one status per budget and scope value
   */
  public List<BudgetStatus> status() {
    Instant now = clock.instant();
    List<BudgetStatus> result = new ArrayList<>();
    for (Tracked t : tracked.values()) {
      result.add(status(t.budget, t.scope, now));
    }
    result.sort(java.util.Comparator.comparing(BudgetStatus::budget).thenComparing(BudgetStatus::scope));
    return result;
  }

  /**
   * The balance of one account now.
   *
   * @param budgetName the budget's name
   * @param scope the account's scope: {@code global} or {@code key=value}, for example {@code app.tenant_id=acme}
   * @return the status
   * @throws IllegalArgumentException if there is no such budget, or it is per call
   */
  public BudgetStatus status(String budgetName, String scope) {
    for (Budget b : budgets) {
      if (b.name().equals(budgetName)) {
        if (b.period().kind() == Period.Kind.PER_CALL) {
          throw new IllegalArgumentException("budget " + budgetName + " is per call and keeps no balance");
        }
        if (b.period().kind() == Period.Kind.TRACE) {
          throw new IllegalArgumentException("budget " + budgetName + " is per trace; use status(name, scope, traceId)");
        }
        return status(b, Objects.requireNonNull(scope, "scope"), clock.instant());
      }
    }
    throw new IllegalArgumentException("no budget named " + budgetName);
  }

  /**
   * The balance of one trace's account of a per-trace budget now. Its period is {@code [now, now + idle)}.
   *
   * @param budgetName the budget's name
   * @param scope the account's scope: {@code global} or {@code key=value}
   * @param traceId the trace id
   * @return the status; its scope is {@code scope|trace=traceId}
   * @throws IllegalArgumentException if there is no such budget, or it is not per trace
   */
  public BudgetStatus status(String budgetName, String scope, String traceId) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(traceId, "traceId");
    for (Budget b : budgets) {
      if (b.name().equals(budgetName)) {
        if (b.period().kind() != Period.Kind.TRACE) {
          throw new IllegalArgumentException("budget " + budgetName + " is not per trace");
        }
        return status(b, traceScope(scope, traceId), clock.instant());
      }
    }
    throw new IllegalArgumentException("no budget named " + budgetName);
  }

  private BudgetStatus status(Budget budget, String scope, Instant now) {
    BudgetAccount account = account(budget, scope, now);
    BudgetLedger.Balance b = ledger.snapshot(account);
    long remaining = Math.max(0, budget.limit() - b.spent() - b.reserved());
    return new BudgetStatus(budget.name(), scope, budget.unit(), budget.limit(), b.spent(), b.reserved(), remaining,
        account.periodStart(), account.periodEnd());
  }

  // ---- internals shared with BudgetAdmission ----

  void complete(BudgetAdmission a, EndedCall call, CallCost cost) {
    releaseThrottle(a.throttle);
    long usd = 0;
    boolean needUsd = false;
    for (Charge c : a.charges) {
      needUsd |= c.budget.unit() == BudgetUnit.USD;
    }
    if (needUsd) {
      usd = usdCharged(call, cost);
    }
    long tokens = call.usage().totalTokens();
    for (Charge c : a.charges) {
      if (c.perCall) {
        continue;
      }
      long actual = c.budget.unit() == BudgetUnit.USD ? usd : tokens;
      try {
        boolean calendar = isCalendar(c.budget.period().kind());
        if (c.budget.hasAlerts() || calendar) {
          BudgetLedger.Balance balance = ledger.commitAndSnapshot(c.account, c.reserved, actual);
          if (c.budget.hasAlerts()) {
            // An alert the actual cost crossed: as visible as one found at admission, on the same span.
            checkAlerts(c, balance.used(), balance.spent(), actual, a.requestModel, a.model, a.span,
                BudgetAttributes.SETTLEMENT);
          }
          if (calendar) {
            forecast(c.budget, c.scope, c.key(), c.account, balance.spent(), clock.millis(), true, c.current, a.span);
          }
        } else {
          ledger.commit(c.account, c.reserved, actual);
        }
      } catch (RuntimeException e) {
        UsageLogger.failed("committing budget " + c.budget.name() + " for " + c.scope, e);
      }
    }
  }

  /**
   * What a USD budget is charged for a call: the cost LockN priced it at, the same the span carries. Only when LockN
   * has no pricing configured ({@link CallCost.Status#NOT_PRICED}) is the call priced here, by the same rules ({@link
   * PriceCatalog#price}). An unpriced call is charged $0, and said so once per model.
   */
  private long usdCharged(EndedCall call, CallCost cost) {
    CallCost charged = cost.status() == CallCost.Status.NOT_PRICED && call.hasUsage() ? catalog.price(call) : cost;
    if (charged.status() == CallCost.Status.UNPRICED) {
      String model = call.responseModel() != null ? call.responseModel() : call.admittedModel();
      UsageLogger.warn("model " + call.provider() + "/" + model + " is unpriced; USD budgets count its calls as $0");
    }
    return charged.isPriced() ? charged.totalNanos() : 0;
  }

  void release(BudgetAdmission a) {
    releaseThrottle(a.throttle);
    for (Charge c : a.charges) {
      if (!c.perCall) {
        try {
          ledger.release(c.account, c.reserved);
        } catch (RuntimeException e) {
          UsageLogger.failed("releasing budget " + c.budget.name() + " for " + c.scope, e);
        }
      }
    }
  }

  private void rollback(List<Charge> charges, int granted) {
    for (int i = 0; i < granted; i++) {
      Charge c = charges.get(i);
      if (!c.perCall) {
        try {
          ledger.release(c.account, c.reserved);
        } catch (RuntimeException e) {
          UsageLogger.failed("releasing budget " + c.budget.name() + " for " + c.scope, e);
        }
      }
    }
  }

  private static void releaseThrottle(ThrottlePolicy.@Nullable Throttle throttle) {
    if (throttle != null) {
      try {
        throttle.release();
      } catch (RuntimeException e) {
        UsageLogger.failed("releasing a budget throttle", e);
      }
    }
  }

  private static boolean isCalendar(Period.Kind kind) {
    return kind == Period.Kind.DAY || kind == Period.Kind.WEEK || kind == Period.Kind.MONTH;
  }

  private long used(Charge c) {
    return c.perCall ? 0 : ledger.snapshot(c.account).used();
  }

  private static @Nullable Threshold threshold(Budget budget, Action action) {
    for (Threshold t : budget.thresholds()) {
      if (t.action() == action) {
        return t;
      }
    }
    return null;
  }

  /**
   * Acts on the alert thresholds {@code used} reached (once per threshold, account and period): each is an {@link
   * #act action} on {@code span}. A rolling budget's alert re-arms once {@code used} is below the threshold again and
   * either the committed {@code spent} is below what it was when the alert fired or a whole window has passed since:
   * spending that left the window, not a reservation settled for less than it reserved, which used to re-arm it at
   * every settlement and alert again at the next admission.
   */
  private void checkAlerts(Charge c, long used, long spent, long requested, String requestModel, String model,
      Span span, String phase) {
    List<Threshold> thresholds = c.budget.thresholds();
    boolean rolling = c.budget.period().kind() == Period.Kind.ROLLING;
    for (int i = 0; i < thresholds.size(); i++) {
      Threshold t = thresholds.get(i);
      if (t.action() != Action.ALERT) {
        continue;
      }
      long amount = c.budget.thresholdAmount(i);
      if (used < amount) {
        if (rolling) {
          String key = c.budget.name() + '|' + c.scope + '|' + i;
          RollingAlert fired = rollingAlerted.get(key);
          if (fired != null
              && (spent < fired.spent || c.account.bucket() - fired.bucket >= Period.ROLLING_BUCKETS)) {
            rollingAlerted.remove(key, fired);
          }
        }
        continue;
      }
      // Built only past the threshold: below it, on most calls, the key is not needed.
      String key = c.budget.name() + '|' + c.scope + '|' + i;
      boolean fire;
      if (c.perCall) {
        fire = true;
      } else if (c.budget.period().kind() == Period.Kind.TRACE) {
        fire = traceAlert(key, c.account);
      } else if (rolling) {
        fire = !rollingAlerted.containsKey(key)
            && rollingAlerted.putIfAbsent(key, new RollingAlert(spent, c.account.bucket())) == null;
      } else {
        long period = c.account.periodStart().toEpochMilli();
        Long previous = alerted.get(key);
        if (previous == null) {
          fire = alerted.putIfAbsent(key, period) == null;
        } else {
          fire = previous != period && alerted.replace(key, previous, period);
        }
      }
      if (fire) {
        act(Action.ALERT, event(c, Action.ALERT, t, used, requested, requestModel, model), span, phase);
      }
    }
  }

  /**
   * Whether a per-trace alert fires: once per trace and threshold while the trace's account lives. The entries expire
   * with the account and are pruned past {@code MAX_TRACKED_ACCOUNTS}, so memory stays bounded.
   */
  private boolean traceAlert(String key, BudgetAccount account) {
    long start = account.periodStart().toEpochMilli();
    long end = account.periodEnd().toEpochMilli();
    if (traceAlerted.size() >= MAX_TRACKED_ACCOUNTS && !traceAlerted.containsKey(key)) {
      traceAlerted.values().removeIf(expiry -> expiry <= start);
    }
    boolean[] fire = new boolean[1];
    traceAlerted.compute(key, (k, expiry) -> {
      fire[0] = expiry == null || expiry <= start;
      return expiry == null ? end : Math.max(expiry, end);
    });
    return fire[0];
  }

  private BudgetEvent event(
      Charge c, Action action, @Nullable Threshold t, long used, long requested, String requestModel, String model) {
    return new BudgetEvent(c.budget.name(), c.scope, action, t, c.budget.unit(), c.budget.limit(), used, requested,
        requestModel, model, c.account.periodStart(), c.account.periodEnd());
  }

  /**
   * The one place a budget action of a call is made visible, whichever adapter admitted the call and whether it was
   * found at admission or at settlement: it counts on {@link BudgetAttributes#ACTIONS_METRIC}, becomes a span event
   * on the call's span or its nearest recording ancestor ({@link CallRequest#span()}; alerts and throttles here, a
   * block as the {@code lockn.budget.exceeded} event its exception gets), and reaches the listeners, which are
   * guarded ({@link GuardedBudgetListener}). Forecast alerts take the same three steps in {@link #forecastAlert}.
   */
  private void act(Action action, BudgetEvent event, Span span, String phase) {
    count(event.budget(), action.name().toLowerCase(Locale.ROOT));
    switch (action) {
      case ALERT -> {
        recordEvent(span, BudgetAttributes.ALERT_EVENT, BudgetAttributes.event(event, phase));
        for (BudgetListener l : listeners) {
          l.onAlert(event);
        }
      }
      case THROTTLE -> {
        recordEvent(span, BudgetAttributes.THROTTLE_EVENT, BudgetAttributes.event(event, phase));
        for (BudgetListener l : listeners) {
          l.onThrottle(event);
        }
      }
      case BLOCK -> {
        for (BudgetListener l : listeners) {
          l.onBlock(event);
        }
      }
    }
  }

  /** A forecast that first ends its period above the limit: counted, a span event, and the listeners told. */
  private void forecastAlert(BudgetForecast forecast, Span span) {
    count(forecast.budget(), "forecast");
    recordEvent(span, BudgetAttributes.FORECAST_EVENT, BudgetAttributes.forecast(forecast));
    for (BudgetListener l : listeners) {
      l.onForecast(forecast);
    }
  }

  /** Adds an event to a span; nothing when none is recording, and a failure is LockN's own, logged. */
  private static void recordEvent(Span span, String name, Attributes attributes) {
    if (!span.isRecording()) {
      return;
    }
    try {
      span.addEvent(name, attributes);
    } catch (RuntimeException e) {
      UsageLogger.failed("recording a budget event", e);
    }
  }

  private void count(String budget, String action) {
    try {
      Attributes attributes = actionAttributes.get(budget + '|' + action);
      if (attributes != null) {
        actions.add(1, attributes);
      }
    } catch (RuntimeException e) {
      UsageLogger.failed("counting a budget action", e);
    }
  }

  // ---- forecasts ----

  /**
   * The period-end forecast of one account of a calendar (day, week or month) budget, now. It also observes the
   * account's committed balance, as each commit does, and may alert listeners ({@link BudgetListener#onForecast}).
   *
   * @param budgetName the budget's name
   * @param scope the account's scope: {@code global} or {@code key=value}
   * @return the forecast
   * @throws IllegalArgumentException if there is no such budget, or its period is per call or rolling
   */
  public BudgetForecast forecast(String budgetName, String scope) {
    Objects.requireNonNull(scope, "scope");
    for (Budget b : budgets) {
      if (b.name().equals(budgetName)) {
        Period.Kind kind = b.period().kind();
        if (!isCalendar(kind)) {
          throw new IllegalArgumentException("budget " + budgetName + " has a " + kind.name().toLowerCase(Locale.ROOT)
              + " period; only day, week and month budgets have forecasts");
        }
        long nowMillis = clock.millis();
        BudgetAccount account = account(b, scope, Instant.ofEpochMilli(nowMillis));
        return Objects.requireNonNull(forecast(b, scope, b.name() + '|' + scope, account,
            ledger.snapshot(account).spent(), nowMillis, false, null, Span.getInvalid()));
      }
    }
    throw new IllegalArgumentException("no budget named " + budgetName);
  }

  /**
   * The forecasts of every calendar-period account {@link #status()} lists, now.
   *
   * @return one forecast per day, week or month budget and scope value
   */
  public List<BudgetForecast> forecasts() {
    List<BudgetForecast> result = new ArrayList<>();
    for (BudgetStatus s : status()) {
      for (Budget b : budgets) {
        if (b.name().equals(s.budget()) && isCalendar(b.period().kind())) {
          result.add(forecast(b.name(), s.scope()));
        }
      }
    }
    return result;
  }

  /**
   * Observes an account's committed balance and alerts when its forecast first exceeds the limit; returns the
   * forecast, or with {@code onlyIfExceeds} (a commit, which needs it only to alert) null when it does not exceed it.
   */
  private @Nullable BudgetForecast forecast(Budget budget, String scope, String key, BudgetAccount account, long spent,
      long nowMillis, boolean onlyIfExceeds, @Nullable CurrentAccount current, Span span) {
    long start = account.periodStart().toEpochMilli();
    @Nullable Forecaster f = current != null ? current.forecaster : null;
    if (f == null || f.periodStart() != start) {
      f = forecasters.get(key);
    }
    if (f == null || f.periodStart() != start) {
      if (f != null || forecasters.size() < MAX_TRACKED_ACCOUNTS) {
        // A new period replaces the state of an older one; a stale caller (older period) leaves the newer in place.
        f = forecasters.compute(key, (k, old) -> old != null && old.periodStart() >= start
            ? old : new Forecaster(account.periodStart(), account.periodEnd(), interval(budget), smoothing));
      }
      if (f == null || f.periodStart() != start) {
        // Too many accounts, or a stale period: a one-off forecast from the balance alone.
        f = new Forecaster(account.periodStart(), account.periodEnd(), interval(budget), smoothing);
      }
    }
    if (current != null && current.forecaster != f && f.periodStart() == current.startMillis
        && forecasters.get(key) == f) {
      // Only the map's own forecaster (never a one-off), which no later call replaces within its period.
      current.forecaster = f;
    }
    @Nullable BudgetForecast forecast = f.observe(budget, scope, spent, nowMillis, onlyIfExceeds);
    if (forecast != null && forecast.exceedsLimit() && f.warmedUp(nowMillis)) {
      Long previous = forecastAlerted.get(key);
      boolean fire = previous == null
          ? forecastAlerted.putIfAbsent(key, start) == null
          : previous != start && forecastAlerted.replace(key, previous, start);
      if (fire) {
        forecastAlert(forecast, span);
      }
    }
    return forecast;
  }

  private long interval(Budget budget) {
    Duration d = forecastIntervals.get(budget.period().kind());
    if (d != null) {
      return d.toMillis();
    }
    return budget.period().kind() == Period.Kind.DAY ? 3_600_000L : 86_400_000L;
  }

  private void track(Charge c) {
    if (c.perCall || c.budget.period().kind() == Period.Kind.TRACE || (c.current != null && c.current.tracked)) {
      return;
    }
    String key = c.key();
    if (!tracked.containsKey(key)) {
      if (tracked.size() >= MAX_TRACKED_ACCOUNTS) {
        UsageLogger.warn("more than " + MAX_TRACKED_ACCOUNTS + " budget accounts; status() lists only the first");
        return;
      }
      tracked.putIfAbsent(key, new Tracked(c.budget, c.scope));
    }
    if (c.current != null) {
      c.current.tracked = true;
    }
  }

  /**
   * The output tokens a call to {@code model} that sets no {@code max_tokens} reserves: the reserve configured for the
   * model, else the one configured for every model, else the model's maximum output from the catalog ({@link
   * io.lockn.pricing.ModelPrice#maxOutputTokens()}), else {@link #DEFAULT_OUTPUT_RESERVE_TOKENS}.
   */
  private long outputReserve(String provider, String model) {
    Long configured = outputReserves.isEmpty() ? null : outputReserves.get(model);
    if (configured != null) {
      return configured;
    }
    if (outputReserve > 0) {
      return outputReserve;
    }
    ModelMatch match = catalog.resolve(provider, model);
    Long max = match == null ? null : match.entry().maxOutputTokens();
    return max != null ? max : DEFAULT_OUTPUT_RESERVE_TOKENS;
  }

  private long estimateNanos(String provider, String model, long in, long out, long epochMillis) {
    // The resolver remembers the last model: most calls repeat it.
    ModelMatch match = catalog.resolve(provider, model);
    if (match == null) {
      UsageLogger.warn("model " + provider + "/" + model + " is unpriced; USD budgets count its calls as $0");
      return 0;
    }
    long max = catalog.maxCostNanos(match, in, out, epochMillis);
    if (max == PriceCatalog.UNPRICED_NANOS) {
      UsageLogger.warn("model " + provider + "/" + model + " has no price in force; USD budgets count its calls as $0");
      return 0;
    }
    return max;
  }

  /** One budget's part in a call: per-trace budgets get the trace's account, or none without a valid trace id. */
  private Charge charge(int index, Budget budget, String value, String traceId, long nowMillis) {
    if (isCalendar(budget.period().kind())) {
      CurrentAccount current = currentAccount(currentAccounts.get(index), budget, value, nowMillis);
      return new Charge(budget, current.scope, current.account, false, current);
    }
    Instant now = Instant.ofEpochMilli(nowMillis);
    String scope = budget.scope().scopeOf(value);
    if (budget.period().kind() != Period.Kind.TRACE) {
      return new Charge(budget, scope, account(budget, scope, now), budget.period().kind() == Period.Kind.PER_CALL);
    }
    if (!TraceId.isValid(traceId)) {
      // No trace (tracing off): the call is checked on its own, as a per-call budget would.
      return new Charge(budget, scope, account(budget, scope, now), true);
    }
    String traceScope = traceScope(scope, traceId);
    return new Charge(budget, traceScope, account(budget, traceScope, now), false);
  }

  /**
   * The account of a calendar budget for {@code scope} at {@code now}: the cached one while {@code now} is inside its
   * period, else built (as {@link #account}) and cached. Entries are immutable, so a race only builds one twice; an
   * entry of another period is never used, whatever order threads store them in.
   */
  static CurrentAccount currentAccount(ConcurrentHashMap<String, CurrentAccount> cache, Budget budget, String value,
      long nowMillis) {
    CurrentAccount cached = cache.get(value);
    if (cached != null && cached.startMillis <= nowMillis && nowMillis < cached.endMillis) {
      return cached;
    }
    String scope = budget.scope().scopeOf(value);
    CurrentAccount fresh = new CurrentAccount(account(budget, scope, Instant.ofEpochMilli(nowMillis)), scope,
        budget.name() + '|' + scope);
    if (cached == null && cache.size() >= MAX_CACHED_ACCOUNTS) {
      cache.values().removeIf(e -> e.endMillis <= nowMillis);
      if (cache.size() >= MAX_CACHED_ACCOUNTS) {
        return fresh;
      }
    }
    cache.put(value, fresh);
    return fresh;
  }

  /**
   * A calendar account cached for its period, with its scope and budget|scope key, and what the hot path would
   * otherwise look up by that key on every call: whether {@code status()} tracks it, and its forecaster.
   */
  static final class CurrentAccount {
    final BudgetAccount account;
    final String scope;
    final String key;
    final long startMillis;
    final long endMillis;
    // Racy caches: a lost write means one more map lookup, never a wrong result.
    boolean tracked;
    @Nullable Forecaster forecaster;

    CurrentAccount(BudgetAccount account, String scope, String key) {
      this.account = account;
      this.scope = scope;
      this.key = key;
      this.startMillis = account.periodStart().toEpochMilli();
      this.endMillis = account.periodEnd().toEpochMilli();
    }
  }

  private static String traceScope(String scope, String traceId) {
    return scope + "|trace=" + traceId;
  }

  static BudgetAccount account(Budget budget, String scope, Instant now) {
    Period period = budget.period();
    Period.Window w = period.windowAt(now);
    if (period.kind() == Period.Kind.TRACE) {
      // One key per trace; its end, an idle time after now, moves with every call, and the ledger expires it then.
      return new BudgetAccount(budget.name() + '|' + scope, w.start(), w.end(), 1, 0);
    }
    if (period.kind() == Period.Kind.ROLLING) {
      long bucket = Math.floorDiv(now.toEpochMilli(), period.bucketMillis());
      return new BudgetAccount(budget.name() + '|' + scope, w.start(), w.end(), Period.ROLLING_BUCKETS, bucket);
    }
    return new BudgetAccount(budget.name() + '|' + scope + '|' + w.start().toEpochMilli(), w.start(), w.end(), 1, 0);
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  /** One budget's part in one call. */
  static final class Charge {
    final Budget budget;
    final String scope;
    final BudgetAccount account;
    // Checked on its own, keeping no balance: a per-call budget, or a per-trace one without a trace.
    final boolean perCall;
    // The cached calendar account this charge is on, if any: its budget|scope key is built already; see key().
    final @Nullable CurrentAccount current;
    // What the call asks to reserve on this budget (set by estimate()) until the ledger grants it, then what was
    // granted: one field, so that a charge costs admission no more bytes than before estimates had a cap.
    long reserved;

    Charge(Budget budget, String scope, BudgetAccount account, boolean perCall) {
      this(budget, scope, account, perCall, null);
    }

    Charge(Budget budget, String scope, BudgetAccount account, boolean perCall, @Nullable CurrentAccount current) {
      this.budget = budget;
      this.scope = scope;
      this.account = account;
      this.perCall = perCall;
      this.current = current;
    }

    /**
     * Sets what the call asks to reserve ({@link #reserved}, until granted) from its estimate in both units: the whole
     * estimate when the call set {@code max_tokens}; otherwise the estimate up to the budget's {@link
     * Budget#reservationCap()}, never less than the input alone ({@link #need}).
     */
    void estimate(boolean estimated, long usd, long usdInput, long tokens, long inputTokens) {
      long whole = budget.unit() == BudgetUnit.USD ? usd : tokens;
      reserved = estimated ? Math.max(need(usdInput, inputTokens), Math.min(whole, budget.reservationCap())) : whole;
    }

    /** What a call without {@code max_tokens} needs at least: its input alone. */
    long need(long usdInput, long inputTokens) {
      return budget.unit() == BudgetUnit.USD ? usdInput : inputTokens;
    }

    /** The key of the forecast and status maps: {@code budget|scope}. */
    String key() {
      return current != null ? current.key : budget.name() + '|' + scope;
    }
  }

  private record Tracked(Budget budget, String scope) {}

  /** When a rolling budget's alert fired: the committed spending then, and the bucket of its window. */
  private record RollingAlert(long spent, long bucket) {}

  /** Builds {@link Budgets}; fails fast, naming the field. Not thread-safe. */
  public static final class Builder {
    private final PriceCatalog catalog;
    private final Map<String, Budget> budgets = new LinkedHashMap<>();
    private BudgetLedger ledger = new InMemoryBudgetLedger();
    private Clock clock = Clock.systemUTC();
    private final Map<String, String> downgrades = new LinkedHashMap<>();
    private final Map<String, Long> outputReserves = new LinkedHashMap<>();
    private long outputReserve;
    private final List<BudgetListener> listeners = new ArrayList<>();
    private @Nullable ApprovalPolicy approvalPolicy;
    private Duration approvalTimeout = Duration.ofSeconds(30);
    private ApprovalPolicy.Decision onNoDecision = ApprovalPolicy.Decision.deny("no approval decision in time");
    private long approvalAboveUsd = Long.MAX_VALUE;
    private final Map<Period.Kind, Duration> forecastIntervals = new EnumMap<>(Period.Kind.class);
    private BigDecimal smoothing = new BigDecimal("0.3");
    private MeterProvider meterProvider = MeterProvider.noop();
    private @Nullable RunawayDetector killSwitch;
    private ThrottlePolicy.Sleeper sleeper = ThrottlePolicy.Sleeper.system();

    private Builder(PriceCatalog catalog) {
      this.catalog = catalog;
    }

    /**
     * Adds a budget.
     *
     * @param budget the budget
     * @return this builder
     * @throws IllegalArgumentException if a budget with the same name was added
     */
    public Builder addBudget(Budget budget) {
      Objects.requireNonNull(budget, "budget");
      if (budgets.putIfAbsent(budget.name(), budget) != null) {
        throw new IllegalArgumentException("name: a budget named " + budget.name() + " was already added");
      }
      return this;
    }

    /**
     * Sets the ledger. Defaults to a new {@link InMemoryBudgetLedger}.
     *
     * @param ledger the ledger
     * @return this builder
     */
    public Builder setLedger(BudgetLedger ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /**
     * Sets the clock that dates calls and periods. Defaults to {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets how {@link ThrottlePolicy#delay} waits. Defaults to {@link ThrottlePolicy.Sleeper#system()}; tests give a
     * sleeper that records the delay instead.
     *
     * @param sleeper the sleeper
     * @return this builder
     */
    public Builder setSleeper(ThrottlePolicy.Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Configures the cheaper model a throttled call to {@code requestModel} is admitted with.
     *
     * @param requestModel the model as callers request it, for example {@code gpt-4o}
     * @param cheaperModel the model to use instead, for example {@code gpt-4o-mini}
     * @return this builder
     * @throws IllegalArgumentException if a model is blank or both are the same
     */
    public Builder addDowngrade(String requestModel, String cheaperModel) {
      Objects.requireNonNull(requestModel, "requestModel");
      Objects.requireNonNull(cheaperModel, "cheaperModel");
      if (requestModel.isBlank() || cheaperModel.isBlank()) {
        throw new IllegalArgumentException("downgrade: a model is blank");
      }
      if (requestModel.equals(cheaperModel)) {
        throw new IllegalArgumentException("downgrade: " + requestModel + " downgrades to itself");
      }
      downgrades.put(requestModel, cheaperModel);
      return this;
    }

    /**
     * Configures every downgrade of a map from request model to cheaper model.
     *
     * @param downgrades the downgrades
     * @return this builder
     */
    public Builder addDowngrades(Map<String, String> downgrades) {
      Objects.requireNonNull(downgrades, "downgrades").forEach(this::addDowngrade);
      return this;
    }

    /**
     * Sets the output tokens every call without {@code max_tokens} reserves, instead of its model's maximum output
     * from the catalog ({@link io.lockn.pricing.ModelPrice#maxOutputTokens()}); a reserve set for the model with
     * {@link #addOutputReserve} still wins. Smaller reserves hold less: see the bound on {@link Budgets}.
     *
     * @param tokens the output tokens, at least 1
     * @return this builder
     * @throws BudgetConfigException (field {@code output-reserve.tokens}) if {@code tokens < 1}
     */
    public Builder setOutputReserve(long tokens) {
      checkOutputReserve(null, tokens);
      this.outputReserve = tokens;
      return this;
    }

    /**
     * Sets the output tokens a call to {@code model} without {@code max_tokens} reserves, before any other rule.
     *
     * @param model the model as callers request it (or as a throttle downgrades it), for example {@code gpt-4o}
     * @param tokens the output tokens, at least 1
     * @return this builder
     * @throws BudgetConfigException (field {@code output-reserve.models[MODEL]}) if the model is blank or {@code tokens
     *     < 1}
     */
    public Builder addOutputReserve(String model, long tokens) {
      checkOutputReserve(Objects.requireNonNull(model, "model"), tokens);
      outputReserves.put(model, tokens);
      return this;
    }

    /** The rules of an output reserve, for every front end: for every model when {@code model} is null. */
    static void checkOutputReserve(@Nullable String model, long tokens) {
      if (model != null && model.isBlank()) {
        throw new BudgetConfigException("output-reserve.models", "a model is blank");
      }
      if (tokens < 1) {
        String field = model == null ? "output-reserve.tokens" : "output-reserve.models[" + model + "]";
        throw new BudgetConfigException(field, "must be at least 1 token: " + tokens);
      }
    }

    /**
     * Adds a listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder addListener(BudgetListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Sets the policy that decides on calls above an approval threshold. Required when a threshold is configured.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder setApprovalPolicy(ApprovalPolicy policy) {
      this.approvalPolicy = Objects.requireNonNull(policy, "approvalPolicy");
      return this;
    }

    /**
     * Sets how long a call waits for the approval policy's decision, and the decision that applies when none comes
     * in time (or the policy fails). Defaults to 30 seconds and a denial. A zero timeout takes only decisions the
     * policy made synchronously (an already completed stage).
     *
     * @param timeout the longest wait, {@code >= 0}
     * @param onNoDecision the default decision
     * @return this builder
     * @throws IllegalArgumentException if the timeout is negative
     */
    public Builder setApprovalTimeout(Duration timeout, ApprovalPolicy.Decision onNoDecision) {
      Objects.requireNonNull(timeout, "approvalTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("approvalTimeout < 0: " + timeout);
      }
      try {
        timeout.toNanos();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("approvalTimeout is too long: " + timeout);
      }
      this.approvalTimeout = timeout;
      this.onNoDecision = Objects.requireNonNull(onNoDecision, "onNoDecision");
      return this;
    }

    /**
     * Requires approval for every call, in a budget's scope or not, whose estimated cost is above {@code usd}.
     *
     * @param usd the amount, for example {@code new BigDecimal("5")}
     * @return this builder
     * @throws IllegalArgumentException if the amount is negative, finer than a nano-USD, or too large
     */
    public Builder setApprovalAboveUsd(BigDecimal usd) {
      Objects.requireNonNull(usd, "approvalAboveUsd");
      if (usd.signum() < 0) {
        throw new IllegalArgumentException("approvalAboveUsd < 0: " + usd.toPlainString());
      }
      try {
        this.approvalAboveUsd = usd.movePointRight(9).longValueExact();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            "approvalAboveUsd is finer than a nano-USD or too large: " + usd.toPlainString());
      }
      return this;
    }

    /**
     * Sets the EWMA interval of forecasts for one kind of calendar period. Defaults to 1 hour for days and 24 hours
     * for weeks and months.
     *
     * @param kind {@link Period.Kind#DAY}, {@link Period.Kind#WEEK} or {@link Period.Kind#MONTH}
     * @param interval the interval, a positive whole number of milliseconds
     * @return this builder
     * @throws IllegalArgumentException if the kind is not a calendar period or the interval is not positive
     */
    public Builder setForecastInterval(Period.Kind kind, Duration interval) {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(interval, "forecastInterval");
      if (!isCalendar(kind)) {
        throw new IllegalArgumentException("forecastInterval: " + kind + " periods have no forecast");
      }
      if (interval.isNegative() || interval.isZero() || interval.toNanos() % 1_000_000 != 0) {
        throw new IllegalArgumentException("forecastInterval must be a positive whole number of ms: " + interval);
      }
      forecastIntervals.put(kind, interval);
      return this;
    }

    /**
     * Sets the EWMA smoothing factor {@code a} of forecasts: the weight of the latest interval. Defaults to 0.3.
     *
     * @param alpha the factor, in (0, 1]
     * @return this builder
     * @throws IllegalArgumentException if it is out of range
     */
    public Builder setForecastSmoothing(BigDecimal alpha) {
      Objects.requireNonNull(alpha, "forecastSmoothing");
      if (alpha.signum() <= 0 || alpha.compareTo(BigDecimal.ONE) > 0) {
        throw new IllegalArgumentException("forecastSmoothing not in (0, 1]: " + alpha.toPlainString());
      }
      this.smoothing = alpha;
      return this;
    }

    /**
     * Sets where the {@link BudgetAttributes#ACTIONS_METRIC} counter is recorded. Defaults to no metric.
     *
     * @param meterProvider the meter provider, for example {@code openTelemetry.getMeterProvider()}
     * @return this builder
     */
    public Builder setMeterProvider(MeterProvider meterProvider) {
      this.meterProvider = Objects.requireNonNull(meterProvider, "meterProvider");
      return this;
    }

    /**
     * Makes admission consult a runaway detector's kill switch: a model call in a trace the detector killed is blocked
     * with a {@link RunawayAgentException} before anything else is checked and before the provider is called. Calls
     * in other traces are unaffected. Without any budget, {@link #build()} then builds budgets that only do this.
     *
     * @param detector the detector, built with {@link RunawayDetector.Builder#enableKillSwitch}
     * @return this builder
     * @throws IllegalArgumentException if the detector's kill switch is not enabled
     */
    public Builder setRunawayKillSwitch(RunawayDetector detector) {
      Objects.requireNonNull(detector, "runawayKillSwitch");
      if (!detector.killSwitchEnabled()) {
        throw new IllegalArgumentException(
            "runawayKillSwitch: the detector's kill switch is not enabled (RunawayDetector.Builder.enableKillSwitch)");
      }
      this.killSwitch = detector;
      return this;
    }

    /**
     * Adds the budgets, downgrades and approval settings of a JSON file ({@link BudgetConfig} describes the format).
     * The whole file is validated first: if anything in it is invalid, nothing of it is applied. Each budget goes
     * through {@link BudgetSpec}, so its problems read as they do in Spring properties or code; a period kind in an
     * old spelling ({@code per_call}, {@code trace}) is read and logged once as deprecated, naming the file and the
     * budget.
     *
     * @param file the file
     * @return this builder
     * @throws BudgetConfigException if the file is not valid JSON or a definition in it is invalid; the message names
     *     the file, the budget (index and name) and the field
     * @throws java.io.UncheckedIOException if the file cannot be read
     */
    public Builder addConfig(Path file) {
      BudgetConfig config = BudgetConfig.read(Objects.requireNonNull(file, "file"));
      config.applyTo(this);
      return this;
    }

    boolean hasBudget(String name) {
      return budgets.containsKey(name);
    }

    /**
     * Builds the budgets.
     *
     * @return the budgets
     * @throws IllegalStateException if no budget, no global approval threshold and no runaway kill switch was
     *     configured, or an approval
     *     threshold is configured without an approval policy
     */
    public Budgets build() {
      if (budgets.isEmpty() && approvalAboveUsd == Long.MAX_VALUE && killSwitch == null) {
        throw new IllegalStateException("budgets: at least one budget is required");
      }
      if (approvalPolicy == null) {
        if (approvalAboveUsd != Long.MAX_VALUE) {
          throw new IllegalStateException("approvalPolicy: an approval threshold is set but no approval policy");
        }
        for (Budget b : budgets.values()) {
          if (b.approvalAbove() != Long.MAX_VALUE) {
            throw new IllegalStateException(
                "approvalPolicy: budget " + b.name() + " has an approval threshold but there is no approval policy");
          }
        }
      }
      return new Budgets(this);
    }
  }
}
