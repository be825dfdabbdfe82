package io.lockn.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallRequestTest {

  @Test
  void builder_defaultsToUnknownAndNone() {
    CallRequest r = CallRequest.builder("openai", "gpt-4o").build();

    assertThat(r.provider()).isEqualTo("openai");
    assertThat(r.requestModel()).isEqualTo("gpt-4o");
    assertThat(r.estimatedInputTokens()).isZero();
    assertThat(r.maxOutputTokens()).isEqualTo(-1);
    assertThat(r.attribution()).isEmpty();
    assertThat(r.agentName()).isNull();
    assertThat(r.taskName()).isNull();
    assertThat(r.traceId()).isEqualTo("00000000000000000000000000000000");
  }

  @Test
  void builder_setsEveryComponent() {
    CallRequest r = CallRequest.builder("anthropic", "claude-sonnet-4-5")
        .estimatedInputTokens(1200)
        .maxOutputTokens(512)
        .attribution(Map.of("app.tenant_id", "acme"))
        .agentName("support-bot")
        .taskName("triage")
        .traceId("4bf92f3577b34da6a3ce929d0e0e4736")
        .build();

    assertThat(r.provider()).isEqualTo("anthropic");
    assertThat(r.requestModel()).isEqualTo("claude-sonnet-4-5");
    assertThat(r.estimatedInputTokens()).isEqualTo(1200);
    assertThat(r.maxOutputTokens()).isEqualTo(512);
    assertThat(r.attribution()).containsExactly(Map.entry("app.tenant_id", "acme"));
    assertThat(r.agentName()).isEqualTo("support-bot");
    assertThat(r.taskName()).isEqualTo("triage");
    assertThat(r.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(r.toString()).contains("anthropic/claude-sonnet-4-5", "app.tenant_id=acme", "support-bot");
  }

  @Test
  void builder_refusesImpossibleCounts_atTheSetter() {
    CallRequestBuilder b = CallRequest.builder("openai", "gpt-4o");

    assertThatThrownBy(() -> b.estimatedInputTokens(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("estimatedInputTokens < 0");
    assertThatThrownBy(() -> b.maxOutputTokens(-2))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxOutputTokens < -1");
    assertThat(b.maxOutputTokens(-1).maxOutputTokens(0).build().maxOutputTokens()).isZero();
  }

  @Test
  void builder_refusesNulls_namingTheField() {
    assertThatThrownBy(() -> CallRequest.builder(null, "m")).hasMessage("provider");
    assertThatThrownBy(() -> CallRequest.builder("p", null)).hasMessage("requestModel");
    assertThatThrownBy(() -> CallRequest.builder("p", "m").attribution(null)).hasMessage("attribution");
    assertThatThrownBy(() -> CallRequest.builder("p", "m").traceId(null)).hasMessage("traceId");
  }

  @Test
  void attribution_isCopied_andImmutable() {
    Map<String, String> source = new HashMap<>(Map.of("app.tenant_id", "acme"));
    CallRequest r = CallRequest.builder("openai", "gpt-4o").attribution(source).build();

    source.put("app.tenant_id", "other");

    assertThat(r.attribution()).containsExactly(Map.entry("app.tenant_id", "acme"));
    assertThatThrownBy(() -> r.attribution().put("app.plan", "free"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
