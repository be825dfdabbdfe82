package io.lockn.cli.audit;

import io.lockn.compression.roi.RoiReport;
import io.lockn.compression.roi.RoiSample;
import io.lockn.compression.roi.SavingsSeries;
import io.lockn.pricing.Cost;
import io.lockn.pricing.CostSource;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The totals of an audit: cost by tenant, agent, model, cost center, workflow and any extra key, by token class
 * (the waterfall) and by hour, the findings, and the unpriced models. Every amount is exact nano-USD; {@link
 * #usd(long)} turns one into an exact decimal. Unpriced spans are counted but left out of every amount.
 *
 * <p>Filled by {@link Audit}; read-only for everyone else. Not thread-safe while the audit runs.
 */
public final class AuditReport {

  /** The most findings kept in detail; beyond it findings are only counted. */
  public static final int MAX_FINDINGS = 100_000;

  private static final long HOUR_MILLIS = 3_600_000L;

  private long totalNanos;
  private long pricedSpans;
  private long unpricedSpans;
  private long inputTokens;
  private long outputTokens;
  private long firstStartNanos = Long.MAX_VALUE;
  private long lastEndNanos = Long.MIN_VALUE;
  private final Map<String, Long> byTenant = new TreeMap<>();
  private final Map<String, Long> byAgent = new TreeMap<>();
  private final Map<String, Long> byModel = new TreeMap<>();
  private final Map<String, Long> byCostCenter = new TreeMap<>();
  private final Map<String, Long> byWorkflow = new TreeMap<>();
  private final Map<String, Map<String, Long>> byGroup = new LinkedHashMap<>();
  private final Map<String, Long> byTokenClass = new LinkedHashMap<>();
  private final Map<Long, Long> byHour = new TreeMap<>();
  private final Map<String, Long> unpricedModels = new TreeMap<>();
  private final List<Finding> findings = new ArrayList<>();
  private final Map<String, Long> findingCounts = new TreeMap<>();
  private final Map<String, Long> findingCost = new TreeMap<>();
  private final String pricingVersion;

  AuditReport(String pricingVersion, List<String> groupBy) {
    this.pricingVersion = pricingVersion;
    for (String key : groupBy) {
      byGroup.put(key, new TreeMap<>());
    }
    for (String c : List.of("input", "cache_read", "cache_write", "output", "reasoning", "provider_reported")) {
      byTokenClass.put(c, 0L);
    }
  }

  /** Value used when a span has no value for a dimension. */
  public static final String NONE = "(none)";

  void add(PricedSpan s) {
    inputTokens += s.usage().inputTokens();
    outputTokens += s.usage().outputTokens();
    firstStartNanos = Math.min(firstStartNanos, s.span().startEpochNanos());
    lastEndNanos = Math.max(lastEndNanos, s.span().endEpochNanos());
    Cost c = s.cost();
    if (!c.isPriced()) {
      unpricedSpans++;
      unpricedModels.merge(s.provider() + "/" + s.model(), 1L, Long::sum);
      return;
    }
    long nanos = c.totalNanos();
    pricedSpans++;
    totalNanos = Math.addExact(totalNanos, nanos);
    byTenant.merge(orNone(s.tenant()), nanos, Long::sum);
    byAgent.merge(orNone(s.agent()), nanos, Long::sum);
    byModel.merge(s.model(), nanos, Long::sum);
    byCostCenter.merge(orNone(s.costCenter()), nanos, Long::sum);
    byWorkflow.merge(orNone(s.workflow()), nanos, Long::sum);
    byGroup.forEach((key, map) -> map.merge(orNone(s.groups().get(key)), nanos, Long::sum));
    if (c.source() == CostSource.PROVIDER) {
      byTokenClass.merge("provider_reported", nanos, Long::sum);
    } else {
      byTokenClass.merge("input", c.inputNanos(), Long::sum);
      byTokenClass.merge("cache_read", c.cacheReadNanos(), Long::sum);
      byTokenClass.merge("cache_write", c.cacheWriteNanos(), Long::sum);
      byTokenClass.merge("output", c.outputNanos(), Long::sum);
      byTokenClass.merge("reasoning", c.reasoningNanos(), Long::sum);
      long parts = c.inputNanos() + c.cacheReadNanos() + c.cacheWriteNanos() + c.outputNanos() + c.reasoningNanos();
      if (parts != nanos) {
        // A cost recorded on the span whose parts were not recorded (or do not add up): keep the classes summing
        // to the total.
        byTokenClass.merge("unallocated", nanos - parts, Long::sum);
      }
    }
    long hour = Math.floorDiv(s.span().startEpochNanos() / 1_000_000L, HOUR_MILLIS) * HOUR_MILLIS;
    byHour.merge(hour, nanos, Long::sum);
  }

  void add(Finding f) {
    findingCounts.merge(f.type(), 1L, Long::sum);
    findingCost.merge(f.type(), f.costNanos(), Long::sum);
    if (findings.size() < MAX_FINDINGS) {
      findings.add(f);
    }
  }

  void addUnpricedFindings() {
    unpricedModels.forEach((model, count) -> add(new Finding(Finding.UNPRICED_MODEL, "", List.of(), 0,
        model + ": " + count + " call(s) could not be priced and are left out of every total")));
  }

  private static String orNone(@Nullable String value) {
    return value == null || value.isEmpty() ? NONE : value;
  }

  /**
   * Nano-USD as an exact decimal.
   *
   * @param nanos nano-USD
   * @return USD with 9 decimal places
   */
  public static BigDecimal usd(long nanos) {
    return BigDecimal.valueOf(nanos, 9);
  }

  /**
   * The catalog used, e.g. {@code lockn-bundled+2 files}.
   *
   * @return the pricing version
   */
  public String pricingVersion() {
    return pricingVersion;
  }

  /**
   * The total cost of priced spans.
   *
   * @return nano-USD
   */
  public long totalNanos() {
    return totalNanos;
  }

  /**
   * Spans with a cost.
   *
   * @return the count
   */
  public long pricedSpans() {
    return pricedSpans;
  }

  /**
   * Model-call spans that could not be priced.
   *
   * @return the count
   */
  public long unpricedSpans() {
    return unpricedSpans;
  }

  /**
   * Input tokens of all model calls, priced or not.
   *
   * @return the count
   */
  public long inputTokens() {
    return inputTokens;
  }

  /**
   * Output tokens of all model calls, priced or not.
   *
   * @return the count
   */
  public long outputTokens() {
    return outputTokens;
  }

  /**
   * The earliest model-call start.
   *
   * @return epoch nanos, or 0 when nothing was read
   */
  public long firstStartNanos() {
    return firstStartNanos == Long.MAX_VALUE ? 0 : firstStartNanos;
  }

  /**
   * The latest model-call end.
   *
   * @return epoch nanos, or 0 when nothing was read
   */
  public long lastEndNanos() {
    return lastEndNanos == Long.MIN_VALUE ? 0 : lastEndNanos;
  }

  /**
   * Cost by tenant.
   *
   * @return nano-USD by tenant
   */
  public Map<String, Long> byTenant() {
    return Collections.unmodifiableMap(byTenant);
  }

  /**
   * Cost by agent.
   *
   * @return nano-USD by agent
   */
  public Map<String, Long> byAgent() {
    return Collections.unmodifiableMap(byAgent);
  }

  /**
   * Cost by model.
   *
   * @return nano-USD by model
   */
  public Map<String, Long> byModel() {
    return Collections.unmodifiableMap(byModel);
  }

  /**
   * Cost by cost center.
   *
   * @return nano-USD by cost center
   */
  public Map<String, Long> byCostCenter() {
    return Collections.unmodifiableMap(byCostCenter);
  }

  /**
   * Cost by workflow id.
   *
   * @return nano-USD by workflow
   */
  public Map<String, Long> byWorkflow() {
    return Collections.unmodifiableMap(byWorkflow);
  }

  /**
   * Cost by each extra {@code --group-by} key.
   *
   * @return nano-USD by value, by key
   */
  public Map<String, Map<String, Long>> byGroup() {
    return Collections.unmodifiableMap(byGroup);
  }

  /**
   * Cost by token class: input, cache_read, cache_write, output, reasoning, provider_reported for costs reported
   * whole, and unallocated for recorded costs whose parts were not recorded; the classes add up to the total.
   *
   * @return nano-USD by class
   */
  public Map<String, Long> byTokenClass() {
    return Collections.unmodifiableMap(byTokenClass);
  }

  /**
   * Cost by the hour the calls started in.
   *
   * @return nano-USD by hour start (epoch millis)
   */
  public Map<Long, Long> byHour() {
    return Collections.unmodifiableMap(byHour);
  }

  /**
   * Unpriced models and how many calls each made.
   *
   * @return calls by {@code provider/model}
   */
  public Map<String, Long> unpricedModels() {
    return Collections.unmodifiableMap(unpricedModels);
  }

  /**
   * The findings, at most {@value #MAX_FINDINGS}.
   *
   * @return the findings
   */
  public List<Finding> findings() {
    return Collections.unmodifiableList(findings);
  }

  /**
   * How many findings of each type, including those beyond {@value #MAX_FINDINGS}.
   *
   * @return counts by type
   */
  public Map<String, Long> findingCounts() {
    return Collections.unmodifiableMap(findingCounts);
  }

  /**
   * The cost involved in findings of each type.
   *
   * @return nano-USD by type
   */
  public Map<String, Long> findingCost() {
    return Collections.unmodifiableMap(findingCost);
  }

  private List<RoiSample> roiSamples = List.of();
  private @Nullable RoiReport roi;
  private List<SavingsSeries> savingsOverTime = List.of();

  void setExperiments(List<RoiSample> samples, RoiReport roi, List<SavingsSeries> savingsOverTime) {
    this.roiSamples = List.copyOf(samples);
    this.roi = roi;
    this.savingsOverTime = List.copyOf(savingsOverTime);
  }

  /**
   * The savings of each treatment group over time (the cost waterfall of the experiments), when the audit was asked
   * for experiments.
   *
   * @return one series per experiment and treatment group; empty unless experiments were asked for
   */
  public List<SavingsSeries> savingsOverTime() {
    return savingsOverTime;
  }

  /**
   * The ROI of the compression experiments, when the audit was asked for it ({@code --experiments}).
   *
   * @return the analysis, or {@code null} when not asked for
   */
  public @Nullable RoiReport roi() {
    return roi;
  }

  /**
   * The model calls in experiments, as analysed; empty unless experiments were asked for.
   *
   * @return the samples, in the order the calls were audited
   */
  public List<RoiSample> roiSamples() {
    return roiSamples;
  }
}
