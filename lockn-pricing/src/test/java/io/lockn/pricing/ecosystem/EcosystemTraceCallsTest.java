package io.lockn.pricing.ecosystem;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.AttributionKeys;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.Cost;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.SpanPricing;
import io.lockn.pricing.TraceCalls;
import io.lockn.pricing.ecosystem.Recordings.RecordedSpan;
import io.lockn.pricing.ecosystem.Recordings.TrueCall;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The audit side of LockN's reader of model calls ({@link TraceCalls}) on the recordings of six real ecosystems'
 * instrumentations: for each recording, every call it shows is recognised once, with the usage its spans allow (the
 * ground truth of the provider-shaped server, less what {@link Expected} says the instrumentation drops), priced
 * exactly, flagged partial where its span lacks the cache or reasoning split, attributed to tenant {@code acme}, user
 * {@code u-1} and session {@code s-1} from the ecosystem's own keys, and its duplicate spans removed.
 */
class EcosystemTraceCallsTest {

  private static final PriceCatalog CATALOG = Recordings.catalog();
  private static final AttributionKeys KEYS = AttributionKeys.defaults();

  static List<String> recordings() {
    return Expected.names().toList();
  }

  /** The calls of a whole recording, trace by trace, in the order their spans started. */
  private static List<TraceCalls.Call<RecordedSpan>> calls(String recording, int[] duplicates) {
    List<TraceCalls.Call<RecordedSpan>> all = new ArrayList<>();
    for (List<RecordedSpan> trace : Recordings.traces(Recordings.spans(recording)).values()) {
      TraceCalls<RecordedSpan> calls = TraceCalls.of(trace, KEYS);
      all.addAll(calls.calls());
      duplicates[0] += calls.duplicatesRemoved();
    }
    all.sort(Comparator.comparingLong(c -> c.span().startEpochNanos()));
    return all;
  }

  @ParameterizedTest
  @MethodSource("recordings")
  void everyCallOnce_withTheUsageItsSpansAllow_pricedExactly_flagged_andAttributed(String recording) {
    Expected expected = Expected.of(recording);
    int[] duplicates = {0};
    List<TraceCalls.Call<RecordedSpan>> calls = calls(recording, duplicates);
    List<TrueCall> visible = expected.visible();

    assertThat(calls).as("calls of %s", recording).hasSize(visible.size());
    assertThat(duplicates[0]).as("duplicate spans of %s", recording).isEqualTo(expected.duplicates());
    long expectedTotal = 0;
    long total = 0;
    for (int i = 0; i < calls.size(); i++) {
      TraceCalls.Call<RecordedSpan> call = calls.get(i);
      TrueCall truth = visible.get(i);
      String what = recording + " call " + truth.seq() + " (" + call + ")";
      assertThat(call.call().provider()).as(what).isEqualTo(truth.provider());
      assertThat(call.call().operation()).as(what).isEqualTo(truth.operation());
      TokenUsage usage = expected.usage(truth);
      assertThat(call.call().usage()).as(what).isEqualTo(usage);
      assertThat(call.call().isPartial()).as(what + " partial").isEqualTo(expected.partial().contains(truth.seq()));

      Cost cost = SpanPricing.price(CATALOG, call.call(), call.span(), call.span().startEpochNanos() / 1_000_000L);
      long nanos = expected.expectedNanos(CATALOG, truth);
      if (nanos < 0) {
        assertThat(cost).as(what + ": no usage, nothing to price").isNull();
      } else {
        assertThat(cost).as(what).isNotNull();
        assertThat(cost.totalNanos()).as(what).isEqualTo(nanos);
        expectedTotal += nanos;
        total += cost.totalNanos();
      }

      assertThat(call.attribution(KEYS.tenantKey())).as(what + " tenant, " + Recordings.attributionKeys(recording))
          .isEqualTo("acme");
      assertThat(call.attribution(KEYS.userIdKey())).as(what + " user").isEqualTo("u-1");
      assertThat(call.attribution(KEYS.sessionIdKey())).as(what + " session").isEqualTo("s-1");
    }
    assertThat(total).as(recording + " total").isEqualTo(expectedTotal);
  }

  @Test
  void theAnthropicSetCostsWhatTheNotesSay_withNoDoubleCountingThroughAnyEcosystem() {
    // The ground truth through the bundled catalog (claude-sonnet-4-5: $3 in, $15 out, $0.30 cache reads, $3.75 5-min
    // writes per 1M): call 1: 312 x 3 + 2,048 x 0.30 + 1,536 x 3.75 + 176 x 15 = 936 + 614.4 + 5,760 + 2,640;
    // call 2: 21 x 3 + 3,072 x 0.30 + 241 x 15 = 63 + 921.6 + 3,615; call 3: 58 x 3 + 1,480 x 15 = 174 + 22,200;
    // call 4: 380 x 3 + 64 x 15 = 1,140 + 960; call 5: 455 x 3 + 83 x 15 = 1,365 + 1,245. Sum 41,634 micro-USD.
    for (String recording : List.of("anthropic-sdk-otel-on", "traceloop-anthropic", "openinference-anthropic",
        "langfuse-anthropic", "vercel-ai6-anthropic", "vercel-ai7-anthropic", "vercel-ai7-usage-anthropic",
        "vercel-ai7-legacy-anthropic")) {
      long total = 0;
      for (TraceCalls.Call<RecordedSpan> call : calls(recording, new int[1])) {
        total += SpanPricing.price(CATALOG, call.call(), call.span(), call.span().startEpochNanos() / 1_000_000L)
            .totalNanos();
      }
      assertThat(total).as(recording).isEqualTo(41_634_000L);
    }
  }

  @Test
  void theWrapperThatCountsLess_isTheDuplicate_andItsAttributionStillReachesTheCall() {
    // OpenInference's span carries the attribution; the SDK span inside it, which is kept, carries none.
    List<TraceCalls.Call<RecordedSpan>> calls = calls("openinference-anthropic", new int[1]);
    TraceCalls.Call<RecordedSpan> thinking = calls.get(2);
    assertThat(thinking.span().name()).isEqualTo("anthropic.messages.create");
    assertThat(thinking.duplicates()).singleElement()
        .satisfies(d -> assertThat(d.name()).isEqualTo("Anthropic Messages"));
    assertThat(thinking.span().attributes()).doesNotContainKey("metadata");
    assertThat(thinking.attribution(KEYS.tenantKey())).isEqualTo("acme"); // from {"tenant_id":"acme"} in metadata
    // 58 in, 1,480 out of which 1,152 thinking: only the SDK's span says so.
    assertThat(thinking.call().usage().reasoningTokens()).isEqualTo(1_152);
  }
}
