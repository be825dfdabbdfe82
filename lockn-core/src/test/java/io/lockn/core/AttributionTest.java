package io.lockn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AttributionTest {

  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("app.tenant_id");
  private static final AttributeKey<String> COST_CENTER = AttributeKey.stringKey("app.cost_center");
  private static final AttributeKey<String> WORKFLOW_ID = AttributeKey.stringKey("app.workflow_id");
  private static final AttributeKey<String> FEATURE = AttributeKey.stringKey("app.feature");
  private static final AttributeKey<String> PLAN = AttributeKey.stringKey("app.plan");
  private static final AttributeKey<String> USER_ID = AttributeKey.stringKey("app.user_id");

  private static final Attributes ALL_SIX =
      Attributes.builder()
          .put(TENANT, "acme")
          .put(COST_CENTER, "cc-42")
          .put(WORKFLOW_ID, "wf-7")
          .put(FEATURE, "support-chat")
          .put(PLAN, "enterprise")
          .put(USER_ID, "u-1001")
          .build();

  private static final TextMapGetter<Map<String, String>> MAP_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private final List<SdkTracerProvider> providers = new ArrayList<>();

  @AfterEach
  void closeProviders() {
    providers.forEach(SdkTracerProvider::close);
  }

  /** A fresh SDK exporting to {@code exporter}, and a LockN on it with the given keys. */
  private LockN lockn(InMemorySpanExporter exporter, AttributionKeys keys) {
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    providers.add(tracerProvider);
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
    return LockN.builder()
        .setOpenTelemetry(otel)
        .setSemconvProfile(SemconvProfile.V1_41)
        .setContentCapture(ContentCapture.disabled())
        .setAttributionKeys(keys)
        .build();
  }

  private static Attribution allSix(LockN lockn) {
    return lockn
        .attribution()
        .tenant("acme")
        .costCenter("cc-42")
        .workflowId("wf-7")
        .feature("support-chat")
        .plan("enterprise")
        .user("u-1001");
  }

  /** Runs an agent span holding a tool span and a chat span. */
  private static void agentWithToolAndChat(LockN lockn) {
    lockn.agent("support-bot").run(() -> {
      lockn.tool("lookup_order").run(() -> {});
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {});
    });
  }

  private static SpanData span(InMemorySpanExporter exporter, String name) {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + exporter.getFinishedSpanItems()));
  }

  private static void assertAllSix(SpanData span) {
    ALL_SIX.forEach((key, value) -> assertThat(span.getAttributes().get(key)).as(key.getKey()).isEqualTo(value));
  }

  private static void assertNoAttribution(SpanData span) {
    for (AttributeKey<String> key : List.of(TENANT, COST_CENTER, WORKFLOW_ID, FEATURE, PLAN, USER_ID)) {
      assertThat(span.getAttributes().get(key)).as(key.getKey()).isNull();
    }
  }

  @Test
  void run_putsAllSixEntriesOnAgentToolAndChatSpans() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.defaults());

    allSix(lockn).run(() -> agentWithToolAndChat(lockn));

    assertThat(exporter.getFinishedSpanItems()).hasSize(3);
    assertAllSix(span(exporter, "invoke_agent support-bot"));
    assertAllSix(span(exporter, "execute_tool lookup_order"));
    assertAllSix(span(exporter, "chat gpt-4o"));
  }

  @Test
  void run_setsW3cBaggageEntriesUnderTheDefaultKeys() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.defaults());
    Map<String, String> seen = new HashMap<>();

    allSix(lockn).run(() -> Baggage.current().forEach((key, entry) -> seen.put(key, entry.getValue())));

    assertThat(seen)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "app.tenant_id", "acme",
                "app.cost_center", "cc-42",
                "app.workflow_id", "wf-7",
                "app.feature", "support-chat",
                "app.plan", "enterprise",
                "app.user_id", "u-1001"));
    assertThat(Baggage.current().isEmpty()).isTrue();
  }

  @Test
  void supply_returnsTheBodyResultAndAttributesSpans() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.defaults());

    String result =
        allSix(lockn)
            .supply(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").supply(() -> "answer"));

    assertThat(result).isEqualTo("answer");
    assertAllSix(span(exporter, "chat gpt-4o"));
  }

  @Test
  void call_returnsTheBodyResultAndAttributesSpans() throws Exception {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.defaults());

    Integer result = allSix(lockn).call(() -> lockn.tool("lookup_order").call(() -> 42));

    assertThat(result).isEqualTo(42);
    assertAllSix(span(exporter, "execute_tool lookup_order"));
  }

  @Test
  void call_rethrowsTheCheckedExceptionUnchangedAndRestoresBaggage() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.defaults());
    IOException failure = new IOException("disk");

    assertThatThrownBy(() -> allSix(lockn).call(() -> {
      throw failure;
    })).isSameAs(failure);
    assertThat(Baggage.current().isEmpty()).isTrue();
  }

  @Test
  void makeCurrent_attributesSpansUntilTheScopeIsClosed() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.defaults());

    try (Scope ignored = allSix(lockn).makeCurrent()) {
      lockn.agent("inside").run(() -> {});
    }
    lockn.agent("outside").run(() -> {});

    assertAllSix(span(exporter, "invoke_agent inside"));
    assertNoAttribution(span(exporter, "invoke_agent outside"));
  }

  @Test
  void makeCurrent_nestedAttributionOverridesOneEntryAndKeepsTheOthers() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.defaults());

    lockn.attribution().tenant("acme").costCenter("cc-42").run(() ->
        lockn.attribution().costCenter("cc-99").feature("search").run(() ->
            lockn.chat(GenAiProvider.ANTHROPIC, "claude-sonnet-4").run(() -> {})));

    Attributes attributes = span(exporter, "chat claude-sonnet-4").getAttributes();
    assertThat(attributes.get(TENANT)).isEqualTo("acme");
    assertThat(attributes.get(COST_CENTER)).isEqualTo("cc-99");
    assertThat(attributes.get(FEATURE)).isEqualTo("search");
    assertThat(attributes.get(PLAN)).isNull();
  }

  @Test
  void propagation_entriesCrossAServiceBoundaryThroughW3cBaggage() {
    // Service A: sets attribution and injects it into outgoing "HTTP headers".
    InMemorySpanExporter exporterA = InMemorySpanExporter.create();
    LockN serviceA = lockn(exporterA, AttributionKeys.defaults());
    Map<String, String> headers = new HashMap<>();
    allSix(serviceA).run(() ->
        W3CBaggagePropagator.getInstance().inject(Context.current(), headers, Map::put));

    assertThat(headers).containsOnlyKeys("baggage");
    assertThat(headers.get("baggage").split(","))
        .containsExactlyInAnyOrder(
            "app.tenant_id=acme",
            "app.cost_center=cc-42",
            "app.workflow_id=wf-7",
            "app.feature=support-chat",
            "app.plan=enterprise",
            "app.user_id=u-1001");

    // Service B: its own SDK and LockN; extracts the headers and runs an agent with a tool and a chat under them.
    InMemorySpanExporter exporterB = InMemorySpanExporter.create();
    LockN serviceB = lockn(exporterB, AttributionKeys.defaults());
    Context extracted = W3CBaggagePropagator.getInstance().extract(Context.root(), headers, MAP_GETTER);
    try (Scope ignored = extracted.makeCurrent()) {
      agentWithToolAndChat(serviceB);
    }

    assertThat(exporterB.getFinishedSpanItems()).hasSize(3);
    assertAllSix(span(exporterB, "invoke_agent support-bot"));
    assertAllSix(span(exporterB, "execute_tool lookup_order"));
    assertAllSix(span(exporterB, "chat gpt-4o"));
  }

  @Test
  void propagation_extractedContextPassedAsExplicitParentAttributesTheSpan() {
    InMemorySpanExporter exporterA = InMemorySpanExporter.create();
    LockN serviceA = lockn(exporterA, AttributionKeys.defaults());
    Map<String, String> headers = new HashMap<>();
    allSix(serviceA).run(() ->
        W3CBaggagePropagator.getInstance().inject(Context.current(), headers, Map::put));

    InMemorySpanExporter exporterB = InMemorySpanExporter.create();
    LockN serviceB = lockn(exporterB, AttributionKeys.defaults());
    Context extracted = W3CBaggagePropagator.getInstance().extract(Context.root(), headers, MAP_GETTER);
    serviceB.chat(GenAiProvider.OPENAI, "gpt-4o").parent(extracted).run(() -> {});

    assertAllSix(span(exporterB, "chat gpt-4o"));
  }

  @Test
  void propagation_valuesWithSpacesCommasAndPercentSignsSurviveTheBoundary() {
    InMemorySpanExporter exporterA = InMemorySpanExporter.create();
    LockN serviceA = lockn(exporterA, AttributionKeys.defaults());
    Map<String, String> headers = new HashMap<>();
    serviceA.attribution().tenant("Acme, Inc.").feature("100% uptime;v=2").run(() ->
        W3CBaggagePropagator.getInstance().inject(Context.current(), headers, Map::put));

    InMemorySpanExporter exporterB = InMemorySpanExporter.create();
    LockN serviceB = lockn(exporterB, AttributionKeys.defaults());
    Context extracted = W3CBaggagePropagator.getInstance().extract(Context.root(), headers, MAP_GETTER);
    try (Scope ignored = extracted.makeCurrent()) {
      serviceB.agent("support-bot").run(() -> {});
    }

    Attributes attributes = span(exporterB, "invoke_agent support-bot").getAttributes();
    assertThat(attributes.get(TENANT)).isEqualTo("Acme, Inc.");
    assertThat(attributes.get(FEATURE)).isEqualTo("100% uptime;v=2");
  }

  @Test
  void copy_nonAllowlistedBaggageKeysAreNotCopied() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.defaults());

    try (Scope outer = Baggage.builder().put("internal.debug_token", "s3cr3t").build().makeCurrent()) {
      lockn.attribution().tenant("acme").put("app.session_secret", "xyz").run(() ->
          lockn.agent("support-bot").run(() -> {}));
    }

    Attributes attributes = span(exporter, "invoke_agent support-bot").getAttributes();
    assertThat(attributes.get(TENANT)).isEqualTo("acme");
    assertThat(attributes.get(AttributeKey.stringKey("internal.debug_token"))).isNull();
    assertThat(attributes.get(AttributeKey.stringKey("app.session_secret"))).isNull();
    assertThat(attributes.asMap().keySet())
        .extracting(AttributeKey::getKey)
        .doesNotContain("internal.debug_token", "app.session_secret");
  }

  @Test
  void put_allowlistedKeyIsCopiedLikeANamedSetter() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.defaults());

    lockn.attribution().put("app.plan", "free").run(() -> lockn.agent("support-bot").run(() -> {}));

    assertThat(span(exporter, "invoke_agent support-bot").getAttributes().get(PLAN)).isEqualTo("free");
  }

  @Test
  void put_nullValueIsIgnoredWithoutThrowing() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.defaults());

    lockn.attribution().tenant(null).costCenter("cc-42").run(() -> lockn.agent("support-bot").run(() -> {}));

    Attributes attributes = span(exporter, "invoke_agent support-bot").getAttributes();
    assertThat(attributes.get(TENANT)).isNull();
    assertThat(attributes.get(COST_CENTER)).isEqualTo("cc-42");
  }

  @Test
  void customKeys_renamedTenantKeyAndExtraKeyAreUsedAndTheDefaultTenantKeyIsNot() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    AttributionKeys keys = AttributionKeys.builder().setTenantKey("customer.id").addKey("app.env").build();
    LockN lockn = lockn(exporter, keys);

    Map<String, String> baggage = new HashMap<>();
    lockn.attribution()
        .tenant("acme")
        .put("app.env", "prod")
        .put("app.tenant_id", "stale")
        .run(() -> {
          Baggage.current().forEach((key, entry) -> baggage.put(key, entry.getValue()));
          lockn.agent("support-bot").run(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {}));
        });

    assertThat(baggage).containsEntry("customer.id", "acme").containsEntry("app.env", "prod");
    for (String name : List.of("invoke_agent support-bot", "chat gpt-4o")) {
      Attributes attributes = span(exporter, name).getAttributes();
      assertThat(attributes.get(AttributeKey.stringKey("customer.id"))).as(name).isEqualTo("acme");
      assertThat(attributes.get(AttributeKey.stringKey("app.env"))).as(name).isEqualTo("prod");
      assertThat(attributes.get(TENANT)).as(name).isNull();
    }
  }

  @Test
  void customKeys_allKeysListsNamedKeysThenExtraKeysInOrder() {
    AttributionKeys keys =
        AttributionKeys.builder()
            .setTenantKey("customer.id")
            .setCostCenterKey("billing.cost_center")
            .setWorkflowIdKey("wf.id")
            .setFeatureKey("product.feature")
            .setPlanKey("billing.plan")
            .setUserIdKey("enduser.id")
            .setSessionIdKey("chat.session")
            .addKey("app.env")
            .addKey("app.region")
            .build();

    assertThat(keys.allKeys())
        .containsExactly(
            "customer.id",
            "billing.cost_center",
            "wf.id",
            "product.feature",
            "billing.plan",
            "enduser.id",
            "chat.session",
            "app.env",
            "app.region");
    assertThat(keys.tenantKey()).isEqualTo("customer.id");
    assertThat(keys.costCenterKey()).isEqualTo("billing.cost_center");
    assertThat(keys.workflowIdKey()).isEqualTo("wf.id");
    assertThat(keys.featureKey()).isEqualTo("product.feature");
    assertThat(keys.planKey()).isEqualTo("billing.plan");
    assertThat(keys.userIdKey()).isEqualTo("enduser.id");
    assertThat(keys.sessionIdKey()).isEqualTo("chat.session");
  }

  @Test
  void customKeys_duplicateExtraKeyIsListedOnce() {
    AttributionKeys keys = AttributionKeys.builder().addKey("app.env").addKey("app.env").addKey("app.plan").build();

    assertThat(keys.allKeys())
        .containsExactly(
            "app.tenant_id", "app.cost_center", "app.workflow_id", "app.feature", "app.plan", "app.user_id",
            "app.session_id", "app.env");
  }

  @Test
  void defaults_areTheSevenAppKeysAndA128CharacterCap() {
    AttributionKeys keys = AttributionKeys.defaults();

    assertThat(keys.allKeys())
        .containsExactly(
            "app.tenant_id", "app.cost_center", "app.workflow_id", "app.feature", "app.plan", "app.user_id",
            "app.session_id");
    assertThat(keys.maxValueLength()).isEqualTo(128);
    assertThat(AttributionKeys.builder().build().allKeys()).isEqualTo(keys.allKeys());
  }

  @Test
  void sanitise_controlCharactersAreRemoved() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.defaults());

    lockn.attribution()
        .tenant("ac\u0000me\r\n")
        .costCenter("\tcc-\u001b[31m42\u007f\u0085")
        .run(() -> lockn.agent("support-bot").run(() -> {}));

    Attributes attributes = span(exporter, "invoke_agent support-bot").getAttributes();
    assertThat(attributes.get(TENANT)).isEqualTo("acme");
    assertThat(attributes.get(COST_CENTER)).isEqualTo("cc-[31m42");
  }

  @Test
  void sanitise_valueOfOnlyControlCharactersIsNotCopied() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.defaults());

    lockn.attribution().tenant("\n\r\t").run(() -> lockn.agent("support-bot").run(() -> {}));

    assertThat(span(exporter, "invoke_agent support-bot").getAttributes().get(TENANT)).isNull();
  }

  @Test
  void sanitise_valueIsCappedAtTheDefault128Characters() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.defaults());
    String exact = "t".repeat(128);

    lockn.attribution()
        .tenant("a".repeat(100) + "b".repeat(10_000))
        .costCenter(exact)
        .run(() -> lockn.agent("support-bot").run(() -> {}));

    Attributes attributes = span(exporter, "invoke_agent support-bot").getAttributes();
    assertThat(attributes.get(TENANT)).isEqualTo("a".repeat(100) + "b".repeat(28));
    assertThat(attributes.get(COST_CENTER)).isEqualTo(exact);
  }

  @Test
  void sanitise_customMaxValueLengthCapsValuesAndCountsAfterRemovingControls() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.builder().setMaxValueLength(5).build());

    lockn.attribution()
        .tenant("abcdefgh")
        .costCenter("\u0000a\u0001b\u0002c\u0003d\u0004e\u0005f")
        .feature("abcde")
        .run(() -> lockn.agent("support-bot").run(() -> {}));

    Attributes attributes = span(exporter, "invoke_agent support-bot").getAttributes();
    assertThat(attributes.get(TENANT)).isEqualTo("abcde");
    assertThat(attributes.get(COST_CENTER)).isEqualTo("abcde");
    assertThat(attributes.get(FEATURE)).isEqualTo("abcde");
  }

  @Test
  void sanitise_capDoesNotSplitASurrogatePair() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    LockN lockn = lockn(exporter, AttributionKeys.builder().setMaxValueLength(5).build());
    String grin = "\uD83D\uDE00"; // U+1F600, two UTF-16 chars

    lockn.attribution()
        .tenant("abcd" + grin + "x") // the pair straddles the cap: dropped whole
        .costCenter("abc" + grin + "x") // the pair ends exactly at the cap: kept whole
        .run(() -> lockn.agent("support-bot").run(() -> {}));

    Attributes attributes = span(exporter, "invoke_agent support-bot").getAttributes();
    assertThat(attributes.get(TENANT)).isEqualTo("abcd");
    assertThat(attributes.get(COST_CENTER)).isEqualTo("abc" + grin);
  }

  @Test
  void builder_blankOrNullKeysFailFast() {
    assertThatThrownBy(() -> AttributionKeys.builder().setTenantKey(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenantKey");
    assertThatThrownBy(() -> AttributionKeys.builder().setCostCenterKey(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AttributionKeys.builder().setWorkflowIdKey("\t"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AttributionKeys.builder().setFeatureKey(" \n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AttributionKeys.builder().setPlanKey(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AttributionKeys.builder().setUserIdKey("  "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AttributionKeys.builder().addKey(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AttributionKeys.builder().setTenantKey(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> AttributionKeys.builder().addKey(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void builder_maxValueLengthBelowOneFailsFast() {
    assertThatThrownBy(() -> AttributionKeys.builder().setMaxValueLength(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxValueLength < 1");
    assertThatThrownBy(() -> AttributionKeys.builder().setMaxValueLength(-128))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(AttributionKeys.builder().setMaxValueLength(1).build().maxValueLength()).isEqualTo(1);
  }

  @Test
  void noop_attributionRunsTheBodyAndReturnsItsResult() throws Exception {
    Attribution attribution = LockN.noop().attribution().tenant("acme");

    assertThat(attribution.supply(() -> "x")).isEqualTo("x");
    assertThat(attribution.call(() -> 7)).isEqualTo(7);
    int[] runs = {0};
    attribution.run(() -> runs[0]++);
    assertThat(runs[0]).isEqualTo(1);
  }

  @Test
  void sources_defaultsFollowTheirKeysRole_addedSourcesComeFirst_andCanBeTurnedOff() {
    AttributionKeys defaults = AttributionKeys.defaults();
    assertThat(defaults.sources("app.tenant_id")).startsWith("tenant.id",
        "traceloop.association.properties.tenant_id", "traceloop.association.properties.tenantId")
        .contains("ai.telemetry.metadata.tenantId", "ai.settings.context.tenantId", "langfuse.trace.metadata.tenant_id",
            "metadata#tenant_id");
    assertThat(defaults.sources("app.session_id")).startsWith("session.id", "gen_ai.conversation.id")
        .contains("langfuse.session.id");
    assertThat(defaults.sources("app.user_id")).startsWith("user.id", "enduser.id").contains("langfuse.user.id");
    assertThat(defaults.sources("app.workflow_id")).containsExactly("gen_ai.workflow.name", "traceloop.workflow.name");
    assertThat(defaults.sources("app.plan")).isEmpty();

    // A renamed tenant key keeps the tenant's sources; sources added come before the defaults.
    AttributionKeys custom = AttributionKeys.builder().setTenantKey("org.id")
        .addSource("org.id", "customer.org").addSource("org.id", "metadata#org.id").build();
    assertThat(custom.sources("org.id")).startsWith("customer.org", "metadata#org.id", "tenant.id");
    assertThat(custom.sources("app.tenant_id")).isEmpty();

    AttributionKeys off = AttributionKeys.builder().setDefaultSources(false)
        .addSource("app.env", "deployment.environment").build();
    assertThat(off.sources()).containsOnlyKeys("app.env");
    assertThatThrownBy(() -> AttributionKeys.builder().addSource("app.tenant_id", "metadata#"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ATTRIBUTE#FIELD");
    assertThatThrownBy(() -> AttributionKeys.builder().addSource("app.tenant_id", " "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
