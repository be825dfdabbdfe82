package io.lockn.benchmarks;

import io.lockn.budget.Budget;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.core.CallCost;
import io.lockn.core.GenAiOperation;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallRequest;
import io.lockn.core.spi.EndedCall;
import io.lockn.pricing.PriceCatalog;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One model call admitted and completed by {@link Budgets} with the default in-memory ledger: estimate the call's
 * maximum cost, reserve it on the tenant's monthly USD budget, then replace the reservation with the actual cost of
 * its usage. The budget is docs/budgets.md's ({@code app.tenant_id}, month, alert at 80%, throttle at 95%, block at 100%)
 * with a limit the run never reaches, so every call is admitted. The request is built once: LockN builds it per call,
 * but that is the call path's cost, not the budget's.
 *
 * <ul>
 *   <li>{@code allowAll}: the baseline, {@link CallAdmission#allowAll()}, what a call pays with no budgets.
 *   <li>{@code admitComplete}: one thread. Target: at most 200 ns/op.
 *   <li>{@code admitCompleteTwoThreads}: two threads on the same tenant's account, so both contend on its counters.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar BudgetAdmissionBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BudgetAdmissionBenchmark {

  private static final String RESPONSE_MODEL = "gpt-4o-mini-2024-07-18";

  private CallAdmission budgets;
  private CallAdmission allowAll;
  private CallRequest request;
  private EndedCall call;
  private CallCost cost;

  /** Builds one set of budgets shared by every thread. */
  @Setup(Level.Trial)
  public void setUp() {
    budgets =
        Budgets.builder(PriceCatalog.bundled())
            .addBudget(
                Budget.builder("tenant-monthly")
                    .scope(io.lockn.budget.Scope.each("app.tenant_id"))
                    // $10M: at about $0.0003 a call, no run comes near it.
                    .limitUsd("10000000")
                    .period(Period.month(ZoneOffset.UTC))
                    .alertAt(80)
                    .throttleAt(95)
                    .blockAt(100)
                    .build())
            .addDowngrade("gpt-4o", "gpt-4o-mini")
            .build();
    allowAll = CallAdmission.allowAll();
    request =
        CallRequest.builder("openai", "gpt-4o-mini")
            .estimatedInputTokens(1200)
            .maxOutputTokens(512)
            .attribution(Map.of("app.tenant_id", "acme"))
            .agentName("support-bot")
            .taskName("triage")
            .traceId("4bf92f3577b34da6a3ce929d0e0e4736")
            .build();
    call = EndedCall.builder(GenAiOperation.CHAT, "openai", "gpt-4o-mini")
        .responseModel(RESPONSE_MODEL)
        .usage(TokenUsage.fromOpenAi(1200, 1024, 160, 0))
        .attribution(Map.of("app.tenant_id", "acme"))
        .build();
    // Priced once, as LockN's call pricing prices it when the call ends; settlement charges this cost, pricing nothing.
    cost = PriceCatalog.bundled().price(call);
    if (!cost.isPriced()) {
      throw new IllegalStateException("the call is not priced: " + cost);
    }
    Admission probe = budgets.admit(request);
    if (probe == Admission.allowed()) {
      throw new IllegalStateException("the budget does not match the request");
    }
    probe.complete(call, cost);
  }

  /**
   * The baseline: the allow-all policy.
   *
   * @return the admission
   */
  @Benchmark
  public Admission allowAll() {
    return admitAndComplete(allowAll);
  }

  /**
   * Admit and complete on one thread.
   *
   * @return the admission
   */
  @Benchmark
  @Threads(1)
  public Admission admitComplete() {
    return admitAndComplete(budgets);
  }

  /**
   * Admit and complete on two threads sharing the tenant's account.
   *
   * @return the admission
   */
  @Benchmark
  @Threads(2)
  public Admission admitCompleteTwoThreads() {
    return admitAndComplete(budgets);
  }

  /** One call as LockN settles it: admitted, then completed with the ended call and the cost it was priced at. */
  private Admission admitAndComplete(CallAdmission policy) {
    Admission admission = policy.admit(request);
    admission.complete(call, cost);
    return admission;
  }
}
