package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.BudgetExceededException;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.Rates;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The approval hook: approve, deny, asynchronous decisions, timeouts, failures, and what the span records. */
class ApprovalTest {

  // big: 10,000 / 30,000 nano-USD per token; a call of 1,000 in + 100 max out is estimated at 13,000,000 ($0.013).
  private static final PriceCatalog CATALOG = PriceCatalog.builder()
      .add(ModelPrice.builder("openai", "big").addPrices(Rates.perMillionTokens("10", "30")).build())
      .add(ModelPrice.builder("openai", "small").addPrices(Rates.perMillionTokens("1", "2")).build())
      .build();

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-15T12:00:00Z"));
  private final List<ApprovalPolicy.Request> reviewed = new CopyOnWriteArrayList<>();
  private OpenTelemetrySdk otel;

  @BeforeEach
  void setUp() {
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build();
  }

  @AfterEach
  void tearDown() {
    otel.close();
  }

  private LockN lockn(Budgets budgets) {
    return LockN.builder().setOpenTelemetry(otel).setCallAdmission(budgets).build();
  }

  private ApprovalPolicy answering(CompletableFuture<ApprovalPolicy.Decision> answer) {
    return request -> {
      reviewed.add(request);
      return answer;
    };
  }

  private Budgets.Builder globalAbove(String usd, ApprovalPolicy policy) {
    return Budgets.builder(CATALOG).setClock(clock).setApprovalAboveUsd(new BigDecimal(usd))
        .setApprovalPolicy(policy);
  }

  private static String bigCall(LockN lockn, AtomicBoolean called) {
    return lockn.chat("openai", "big").estimatedInputTokens(1000).maxTokens(100).supply(() -> {
      called.set(true);
      lockn.currentLlmCall().recordUsage(TokenUsage.of(1000, 100));
      return "ok";
    });
  }

  @Test
  void belowThreshold_policyNotAsked() {
    LockN lockn = lockn(globalAbove("0.02", answering(CompletableFuture.completedFuture(
        ApprovalPolicy.Decision.deny()))).build());

    assertThat(bigCall(lockn, new AtomicBoolean())).isEqualTo("ok");
    assertThat(reviewed).isEmpty();
    assertThat(exporter.getFinishedSpanItems().get(0).getAttributes().get(BudgetAttributes.APPROVAL_DECISION))
        .isNull();
  }

  @Test
  void approved_callProceedsAndDecisionOnSpan() {
    LockN lockn = lockn(globalAbove("0.01", answering(CompletableFuture.completedFuture(
        ApprovalPolicy.Decision.approve("ops: alice")))).build());

    assertThat(bigCall(lockn, new AtomicBoolean())).isEqualTo("ok");

    assertThat(reviewed).singleElement().satisfies(r -> {
      assertThat(r.estimatedNanoUsd()).isEqualTo(13_000_000L);
      assertThat(r.estimatedTokens()).isEqualTo(1100);
      assertThat(r.triggeredBy()).containsExactly("global");
      assertThat(r.admittedModel()).isEqualTo("big");
      assertThat(r.call().requestModel()).isEqualTo("big");
    });
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(BudgetAttributes.APPROVAL_DECISION)).isEqualTo("approved");
    assertThat(span.getAttributes().get(BudgetAttributes.APPROVAL_REASON)).isEqualTo("ops: alice");
    assertThat(span.getAttributes().get(BudgetAttributes.APPROVAL_TIMED_OUT)).isNull();
    assertThat(span.getEvents()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo(BudgetAttributes.APPROVAL_EVENT);
      assertThat(e.getAttributes()).isEqualTo(io.opentelemetry.api.common.Attributes.builder()
          .put(LockNAttributes.BUDGET_NAME, "global")
          .put(LockNAttributes.BUDGET_SCOPE, "global")
          .put(BudgetAttributes.APPROVAL_DECISION, "approved")
          .put(BudgetAttributes.APPROVAL_REASON, "ops: alice")
          .build());
    });
  }

  @Test
  void denied_throwsBeforeProviderAndReservesNothing() {
    Budgets budgets = globalAbove("0.01", answering(CompletableFuture.completedFuture(
        ApprovalPolicy.Decision.deny("too expensive"))))
        .addBudget(Budget.builder("daily").limitUsd("1").period(Period.day(ZoneOffset.UTC)).build())
        .build();
    LockN lockn = lockn(budgets);
    AtomicBoolean called = new AtomicBoolean();

    assertThatThrownBy(() -> bigCall(lockn, called))
        .isInstanceOfSatisfying(ApprovalDeniedException.class, e -> {
          assertThat(e).isInstanceOf(BudgetExceededException.class);
          assertThat(e.budgetName()).isEqualTo("global");
          assertThat(e.limit()).isEqualTo(10_000_000L);
          assertThat(e.requested()).isEqualTo(13_000_000L);
          assertThat(e.reason()).isEqualTo("too expensive");
          assertThat(e.timedOut()).isFalse();
          assertThat(e.getMessage()).contains("Approval denied", "$0.013", "$0.01", "too expensive");
        });

    assertThat(called).isFalse();
    assertThat(budgets.status("daily", "global").reserved()).isZero();
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo("budget_exceeded");
    assertThat(span.getAttributes().get(BudgetAttributes.APPROVAL_DECISION)).isEqualTo("denied");
    assertThat(span.getAttributes().get(BudgetAttributes.APPROVAL_REASON)).isEqualTo("too expensive");
    // The decision, then the block it caused.
    assertThat(span.getEvents()).extracting(e -> e.getName())
        .containsExactly(BudgetAttributes.APPROVAL_EVENT, LockNAttributes.BUDGET_EXCEEDED_EVENT);
    assertThat(span.getEvents().get(0).getAttributes()).isEqualTo(io.opentelemetry.api.common.Attributes.builder()
        .put(LockNAttributes.BUDGET_NAME, "global")
        .put(LockNAttributes.BUDGET_SCOPE, "global")
        .put(BudgetAttributes.APPROVAL_DECISION, "denied")
        .put(BudgetAttributes.APPROVAL_REASON, "too expensive")
        .build());
  }

  @Test
  void budgetThreshold_triggersOnlyForItsScopeAndUnit() {
    Budgets budgets = Budgets.builder(CATALOG).setClock(clock)
        .setApprovalPolicy(answering(CompletableFuture.completedFuture(ApprovalPolicy.Decision.deny())))
        .addBudget(Budget.builder("tokens").scope(Scope.model("big")).limitTokens(1_000_000)
            .period(Period.day(ZoneOffset.UTC)).approvalAboveTokens(1099).build())
        .build();
    LockN lockn = lockn(budgets);

    assertThatThrownBy(() -> bigCall(lockn, new AtomicBoolean()))
        .isInstanceOfSatisfying(ApprovalDeniedException.class, e -> {
          assertThat(e.budgetName()).isEqualTo("tokens");
          assertThat(e.scope()).isEqualTo("model=big");
          assertThat(e.unit()).isEqualTo(BudgetExceededException.Unit.TOKENS);
          assertThat(e.limit()).isEqualTo(1099);
          assertThat(e.requested()).isEqualTo(1100);
        });
    // Another model is out of the budget's scope.
    assertThat(lockn.chat("openai", "small").estimatedInputTokens(1000).maxTokens(100).supply(() -> "ok"))
        .isEqualTo("ok");
    assertThat(reviewed).hasSize(1);
  }

  @Test
  void asyncDecision_completedOutOfBand_isAwaited() throws Exception {
    CompletableFuture<ApprovalPolicy.Decision> answer = new CompletableFuture<>();
    LockN lockn = lockn(globalAbove("0.01", answering(answer))
        .setApprovalTimeout(Duration.ofMinutes(1), ApprovalPolicy.Decision.deny()).build());
    CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> bigCall(lockn, new AtomicBoolean()));

    // The out-of-band approver answers once the call is waiting: no sleep, the call blocks on the future.
    while (reviewed.isEmpty()) {
      Thread.onSpinWait();
    }
    assertThat(call).isNotDone();
    answer.complete(ApprovalPolicy.Decision.approve("ticket 42"));

    assertThat(call.get()).isEqualTo("ok");
    assertThat(exporter.getFinishedSpanItems().get(0).getAttributes().get(BudgetAttributes.APPROVAL_REASON))
        .isEqualTo("ticket 42");
  }

  @Test
  void noDecisionInTime_defaultDenyApplies() {
    LockN lockn = lockn(globalAbove("0.01", answering(new CompletableFuture<>()))
        .setApprovalTimeout(Duration.ZERO, ApprovalPolicy.Decision.deny("nobody answered")).build());

    assertThatThrownBy(() -> bigCall(lockn, new AtomicBoolean()))
        .isInstanceOfSatisfying(ApprovalDeniedException.class, e -> {
          assertThat(e.timedOut()).isTrue();
          assertThat(e.reason()).isEqualTo("nobody answered");
        });
    assertThat(exporter.getFinishedSpanItems().get(0).getAttributes().get(BudgetAttributes.APPROVAL_TIMED_OUT))
        .isTrue();
  }

  @Test
  void noDecisionInTime_defaultApproveApplies() {
    LockN lockn = lockn(globalAbove("0.01", answering(new CompletableFuture<>()))
        .setApprovalTimeout(Duration.ZERO, ApprovalPolicy.Decision.approve()).build());

    assertThat(bigCall(lockn, new AtomicBoolean())).isEqualTo("ok");
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(BudgetAttributes.APPROVAL_DECISION)).isEqualTo("approved");
    assertThat(span.getAttributes().get(BudgetAttributes.APPROVAL_TIMED_OUT)).isTrue();
  }

  @Test
  void failingPolicy_throwsOrFailsOrNullOrCancelled_defaultDecisionApplies() {
    ApprovalPolicy throwing = request -> {
      throw new IllegalStateException("policy down");
    };
    ApprovalPolicy failing = request -> CompletableFuture.failedFuture(new IllegalStateException("no"));
    ApprovalPolicy nullStage = request -> null;
    ApprovalPolicy nullDecision = request -> CompletableFuture.completedFuture(null);
    ApprovalPolicy cancelled = request -> {
      CompletableFuture<ApprovalPolicy.Decision> f = new CompletableFuture<>();
      f.cancel(false);
      return f;
    };
    // The stage is the policy's object too: its own code may fail while LockN waits on it.
    ApprovalPolicy brokenStage = request -> new CompletableFuture<>() {
      @Override
      public ApprovalPolicy.Decision get(long timeout, TimeUnit unit) {
        throw new IllegalStateException("broken future");
      }
    };
    for (ApprovalPolicy p : List.of(throwing, failing, nullStage, nullDecision, cancelled, brokenStage)) {
      LockN lockn = lockn(globalAbove("0.01", p).build());
      assertThatThrownBy(() -> bigCall(lockn, new AtomicBoolean()))
          .isInstanceOfSatisfying(ApprovalDeniedException.class, e -> assertThat(e.timedOut()).isTrue());
    }
  }

  @Test
  void throttledCall_isReviewedAtTheCheaperModelsEstimate() {
    Budgets budgets = Budgets.builder(CATALOG).setClock(clock).addDowngrade("big", "small")
        .setApprovalAboveUsd(new BigDecimal("0.001"))
        .setApprovalPolicy(answering(CompletableFuture.completedFuture(ApprovalPolicy.Decision.approve())))
        .addBudget(Budget.builder("d").limitUsd("1").period(Period.day(ZoneOffset.UTC)).throttleAt(1).build())
        .build();

    assertThat(bigCall(lockn(budgets), new AtomicBoolean())).isEqualTo("ok");
    // small: 1000 x 1,000 + 100 x 2,000 nano-USD.
    assertThat(reviewed).singleElement().satisfies(r -> {
      assertThat(r.admittedModel()).isEqualTo("small");
      assertThat(r.estimatedNanoUsd()).isEqualTo(1_200_000L);
    });
  }

  @Test
  void build_thresholdWithoutPolicy_failsNamingTheField() {
    assertThatThrownBy(() -> Budgets.builder(CATALOG).setApprovalAboveUsd(BigDecimal.ONE).build())
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("approvalPolicy");
    assertThatThrownBy(() -> Budgets.builder(CATALOG).addBudget(Budget.builder("b").limitUsd("1")
        .period(Period.perCall()).approvalAboveUsd(BigDecimal.ONE).build()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("approvalPolicy", "budget b");
    assertThatThrownBy(() -> Budgets.builder(CATALOG).setApprovalTimeout(Duration.ofSeconds(-1),
        ApprovalPolicy.Decision.deny())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("approvalTimeout");
    assertThatThrownBy(() -> Budget.builder("b").limitTokens(10).period(Period.perCall())
        .approvalAboveUsd(BigDecimal.ONE).build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("approvalAbove");
  }
}
