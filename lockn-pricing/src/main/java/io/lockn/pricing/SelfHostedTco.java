package io.lockn.pricing;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The total cost of ownership of a self-hosted model (vLLM, llama.cpp, Ollama, TGI), turned into a price per
 * million tokens so that self-hosted calls are priced, and compared, like API calls.
 *
 * <pre>{@code
 * SelfHostedTco tco = SelfHostedTco.builder()
 *     .gpuRental(new BigDecimal("2.49"), 1)                 // USD per GPU-hour, GPUs
 *     .power(new BigDecimal("700"), new BigDecimal("0.15"), new BigDecimal("1.3"))  // W, USD/kWh, PUE
 *     .staffPerMonth(new BigDecimal("1500"))                // the share of an engineer running it
 *     .throughput(new BigDecimal("12000"), new BigDecimal("1800"))  // measured input / output tokens per second
 *     .utilization(new BigDecimal("0.6"))                   // share of the time the deployment is serving
 *     .build();
 * catalog = PriceCatalog.builder().addAll(PriceCatalog.bundled())
 *     .add(tco.toModelPrice("vllm", "llama-3.1-8b-instruct")).build();
 * }</pre>
 *
 * <p>Method: the deployment's hourly cost is GPU (rental per hour, or purchase price amortised linearly over its
 * years of 8,760 hours) + power ({@code watts x GPUs / 1000 x PUE x USD per kWh}) + staff ({@code monthly / 730}).
 * The deployment serves {@code utilization x 3600} seconds an hour, and a token occupies it for {@code 1 /
 * tokens-per-second} of a second, prefill (input) and decode (output) measured apart, so
 *
 * <pre>{@code
 * USD per 1M input tokens  = hourly cost x 1,000,000 / (input tokens/s  x 3600 x utilization)
 * USD per 1M output tokens = hourly cost x 1,000,000 / (output tokens/s x 3600 x utilization)
 * }</pre>
 *
 * <p>Divisions are carried to 34 significant digits and the per-token prices rounded HALF_EVEN to the pico-USD,
 * which is the one rounding the method adds. Immutable.
 */
public final class SelfHostedTco {

  private static final BigDecimal HOURS_PER_YEAR = BigDecimal.valueOf(8760);
  private static final BigDecimal HOURS_PER_MONTH = BigDecimal.valueOf(730);
  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  private final BigDecimal hourlyCost;
  private final BigDecimal inputTokensPerSecond;
  private final BigDecimal outputTokensPerSecond;
  private final BigDecimal utilization;

  private SelfHostedTco(Builder b, BigDecimal inputTps, BigDecimal outputTps) {
    BigDecimal gpus = BigDecimal.valueOf(b.gpuCount);
    BigDecimal gpu =
        b.gpuHourly != null
            ? b.gpuHourly.multiply(gpus)
            : b.purchasePrice.multiply(gpus).divide(HOURS_PER_YEAR.multiply(BigDecimal.valueOf(b.amortizationYears)),
                MathContext.DECIMAL128);
    BigDecimal power = b.watts.multiply(gpus).divide(THOUSAND).multiply(b.pue).multiply(b.usdPerKwh);
    BigDecimal staff = b.staffPerMonth.divide(HOURS_PER_MONTH, MathContext.DECIMAL128);
    this.hourlyCost = gpu.add(power).add(staff);
    this.inputTokensPerSecond = inputTps;
    this.outputTokensPerSecond = outputTps;
    this.utilization = b.utilization;
  }

  /**
   * A builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The deployment's cost per wall-clock hour.
   *
   * @return USD per hour
   */
  public BigDecimal hourlyCost() {
    return hourlyCost;
  }

  /**
   * USD per million input tokens, rounded HALF_EVEN to 10<sup>-6</sup> USD (one pico-USD per token).
   *
   * @return the price
   */
  public BigDecimal usdPerMillionInputTokens() {
    return perMillion(inputTokensPerSecond);
  }

  /**
   * USD per million output tokens, rounded HALF_EVEN to 10<sup>-6</sup> USD.
   *
   * @return the price
   */
  public BigDecimal usdPerMillionOutputTokens() {
    return perMillion(outputTokensPerSecond);
  }

  private BigDecimal perMillion(BigDecimal tokensPerSecond) {
    BigDecimal tokensPerHour = tokensPerSecond.multiply(SECONDS_PER_HOUR).multiply(utilization);
    return hourlyCost.multiply(MILLION).divide(tokensPerHour, MathContext.DECIMAL128)
        .setScale(6, RoundingMode.HALF_EVEN);
  }

  /**
   * The catalog entry pricing this deployment, in force at all times. Cache reads are priced as input: a
   * self-hosted prefix cache saves time, which the measured throughput already reflects.
   *
   * @param provider the provider name the calls report, e.g. {@code vllm} or {@code ollama}
   * @param model the model id the calls report
   * @return the entry
   */
  public ModelPrice toModelPrice(String provider, String model) {
    return ModelPrice.builder(provider, model)
        .addPrices(Rates.perMillionTokens(usdPerMillionInputTokens().toPlainString(),
            usdPerMillionOutputTokens().toPlainString()))
        .setSource("self-hosted TCO: $" + hourlyCost.setScale(4, RoundingMode.HALF_EVEN).toPlainString()
            + "/h at " + inputTokensPerSecond + " in / " + outputTokensPerSecond + " out tokens/s, utilization "
            + utilization, LocalDate.now(java.time.ZoneOffset.UTC))
        .build();
  }

  /** Builds a {@link SelfHostedTco}; every value is checked when set. */
  public static final class Builder {
    private @Nullable BigDecimal gpuHourly;
    private BigDecimal purchasePrice = BigDecimal.ZERO;
    private int amortizationYears = 3;
    private int gpuCount = 1;
    private BigDecimal watts = BigDecimal.ZERO;
    private BigDecimal usdPerKwh = BigDecimal.ZERO;
    private BigDecimal pue = BigDecimal.ONE;
    private BigDecimal staffPerMonth = BigDecimal.ZERO;
    private @Nullable BigDecimal inputTps;
    private @Nullable BigDecimal outputTps;
    private BigDecimal utilization = BigDecimal.ONE;
    private boolean gpuSet;

    private Builder() {}

    /**
     * GPUs rented by the hour.
     *
     * @param usdPerGpuHour the rental price per GPU-hour
     * @param gpus how many GPUs the deployment uses
     * @return this builder
     */
    public Builder gpuRental(BigDecimal usdPerGpuHour, int gpus) {
      requireGpuUnset();
      this.gpuHourly = nonNegative(usdPerGpuHour, "usdPerGpuHour");
      this.gpuCount = positive(gpus, "gpus");
      return this;
    }

    /**
     * GPUs bought and amortised linearly.
     *
     * @param usdPerGpu the purchase price of one GPU (or its share of a server)
     * @param years the amortisation period
     * @param gpus how many GPUs the deployment uses
     * @return this builder
     */
    public Builder gpuPurchase(BigDecimal usdPerGpu, int years, int gpus) {
      requireGpuUnset();
      this.purchasePrice = nonNegative(usdPerGpu, "usdPerGpu");
      this.amortizationYears = positive(years, "years");
      this.gpuCount = positive(gpus, "gpus");
      return this;
    }

    /**
     * Power: draw per GPU, electricity price and the data centre's power usage effectiveness.
     *
     * @param wattsPerGpu average draw per GPU, including its share of the host
     * @param usdPerKwh electricity price
     * @param pue power usage effectiveness, at least 1
     * @return this builder
     */
    public Builder power(BigDecimal wattsPerGpu, BigDecimal usdPerKwh, BigDecimal pue) {
      this.watts = nonNegative(wattsPerGpu, "wattsPerGpu");
      this.usdPerKwh = nonNegative(usdPerKwh, "usdPerKwh");
      if (pue.compareTo(BigDecimal.ONE) < 0) {
        throw new IllegalArgumentException("pue < 1");
      }
      this.pue = pue;
      return this;
    }

    /**
     * The staff cost attributed to running the deployment.
     *
     * @param usdPerMonth USD per month
     * @return this builder
     */
    public Builder staffPerMonth(BigDecimal usdPerMonth) {
      this.staffPerMonth = nonNegative(usdPerMonth, "usdPerMonth");
      return this;
    }

    /**
     * Measured throughput of the deployment at its usual batch size.
     *
     * @param inputTokensPerSecond prefill throughput
     * @param outputTokensPerSecond decode throughput
     * @return this builder
     */
    public Builder throughput(BigDecimal inputTokensPerSecond, BigDecimal outputTokensPerSecond) {
      this.inputTps = strictlyPositive(inputTokensPerSecond, "inputTokensPerSecond");
      this.outputTps = strictlyPositive(outputTokensPerSecond, "outputTokensPerSecond");
      return this;
    }

    /**
     * The share of wall-clock time the deployment serves requests. Defaults to 1.
     *
     * @param utilization in (0, 1]
     * @return this builder
     */
    public Builder utilization(BigDecimal utilization) {
      if (utilization.signum() <= 0 || utilization.compareTo(BigDecimal.ONE) > 0) {
        throw new IllegalArgumentException("utilization not in (0, 1]: " + utilization);
      }
      this.utilization = utilization;
      return this;
    }

    /**
     * Builds the TCO.
     *
     * @return the TCO
     * @throws IllegalStateException if the GPU cost or the throughput is missing
     */
    public SelfHostedTco build() {
      if (!gpuSet) {
        throw new IllegalStateException("gpuRental(...) or gpuPurchase(...) is required");
      }
      BigDecimal in = inputTps;
      BigDecimal out = outputTps;
      if (in == null || out == null) {
        throw new IllegalStateException("throughput(...) is required");
      }
      return new SelfHostedTco(this, in, out);
    }

    private void requireGpuUnset() {
      if (gpuSet) {
        throw new IllegalStateException("the GPU cost was already set");
      }
      gpuSet = true;
    }

    private static BigDecimal nonNegative(BigDecimal value, String name) {
      Objects.requireNonNull(value, name);
      if (value.signum() < 0) {
        throw new IllegalArgumentException(name + " < 0");
      }
      return value;
    }

    private static BigDecimal strictlyPositive(BigDecimal value, String name) {
      Objects.requireNonNull(value, name);
      if (value.signum() <= 0) {
        throw new IllegalArgumentException(name + " <= 0");
      }
      return value;
    }

    private static int positive(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " < 1");
      }
      return value;
    }
  }
}
