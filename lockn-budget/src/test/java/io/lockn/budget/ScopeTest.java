package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scope grammar: {@link Scope#parse} reads every form, rejects the rest naming the expression, round-trips. */
class ScopeTest {

  private static final String ALLOWED =
      "must be global, each KEY or KEY=VALUE, where KEY is an attribution key, agent or model";

  @Test
  void parse_everyForm() {
    assertThat(Scope.parse("global")).isSameAs(Scope.global());
    assertThat(Scope.parse("each app.tenant_id")).isEqualTo(Scope.each("app.tenant_id"));
    assertThat(Scope.parse("app.tenant_id=acme")).isEqualTo(Scope.attribute("app.tenant_id", "acme"));
    assertThat(Scope.parse("agent=triage")).isEqualTo(Scope.agent("triage"));
    assertThat(Scope.parse("each agent")).isEqualTo(Scope.eachAgent());
    assertThat(Scope.parse("model=gpt-4o")).isEqualTo(Scope.model("gpt-4o"));
    assertThat(Scope.parse("each model")).isEqualTo(Scope.eachModel());
  }

  @Test
  void parse_ignoresSurroundingWhitespace_andSplitsAtTheFirstEquals() {
    assertThat(Scope.parse("  global\t")).isSameAs(Scope.global());
    assertThat(Scope.parse(" each \t app.tenant_id ")).isEqualTo(Scope.each("app.tenant_id"));
    assertThat(Scope.parse(" app.plan = gold ")).isEqualTo(Scope.attribute("app.plan", "gold"));
    assertThat(Scope.parse("agent = triage bot")).isEqualTo(Scope.agent("triage bot"));
    assertThat(Scope.parse("app.query=a=b")).isEqualTo(Scope.attribute("app.query", "a=b"));
    // "each" is only the keyword when a KEY follows it after whitespace; otherwise it is an attribution key.
    assertThat(Scope.parse("each=x")).isEqualTo(Scope.attribute("each", "x"));
    assertThat(Scope.parse("eachx=y")).isEqualTo(Scope.attribute("eachx", "y"));
    assertThat(Scope.parse("each each")).isEqualTo(Scope.each("each"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "nonsense", "Global", "global x", "tenant"})
  void parse_noForm_quotesTheExpressionAndSaysWhatIsAllowed(String expression) {
    assertThatThrownBy(() -> Scope.parse(expression)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid scope \"" + expression + "\": " + ALLOWED);
  }

  @Test
  void parse_badPart_saysWhich() {
    assertInvalid("each", "scope key is blank");
    assertInvalid("each   ", "scope key is blank");
    assertInvalid("=acme", "scope key is blank");
    assertInvalid("app.tenant_id=", "scope value is blank");
    assertInvalid("agent= ", "scope agent is blank");
    assertInvalid("model=", "scope model is blank");
    assertInvalid("each app tenant", "scope key contains whitespace or '=': \"app tenant\"");
    assertInvalid("each a=b", "scope key contains whitespace or '=': \"a=b\"");
    assertInvalid("app tenant=acme", "scope key contains whitespace or '=': \"app tenant\"");
  }

  private static void assertInvalid(String expression, String reason) {
    assertThatThrownBy(() -> Scope.parse(expression)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid scope \"" + expression + "\" (" + reason + "): " + ALLOWED);
  }

  @Test
  void expression_roundTripsThroughParse() {
    List<Scope> scopes = List.of(Scope.global(), Scope.each("app.tenant_id"), Scope.attribute("app.tenant_id", "acme"),
        Scope.agent("triage bot"), Scope.eachAgent(), Scope.model("gpt-4o"), Scope.eachModel(),
        Scope.attribute("each", "x"), Scope.each("each"), Scope.attribute("app.query", "a=b"),
        Scope.attribute("global", "x"), Scope.each("global"), Scope.model("=x"));
    for (Scope s : scopes) {
      assertThat(Scope.parse(s.expression())).as(s.expression()).isEqualTo(s);
      assertThat(s.toString()).isEqualTo(s.expression());
    }
    assertThat(Scope.each("app.tenant_id").expression()).isEqualTo("each app.tenant_id");
    assertThat(Scope.agent("triage bot").expression()).isEqualTo("agent=triage bot");
  }

  @Test
  void factories_rejectWhatAnExpressionCouldNotSay() {
    // agent and model are the grammar's own keys: as attribution keys the expression would read back another scope.
    assertThatThrownBy(() -> Scope.attribute("agent", "x")).hasMessageContaining("scope key agent is reserved");
    assertThatThrownBy(() -> Scope.each("model")).hasMessageContaining("scope key model is reserved");
    assertThatThrownBy(() -> Scope.each("app tenant")).hasMessageContaining("whitespace or '='");
    assertThatThrownBy(() -> Scope.attribute("a=b", "c")).hasMessageContaining("whitespace or '='");
    assertThatThrownBy(() -> Scope.each("a\u0000b")).hasMessageContaining("whitespace or '='");
    assertThatThrownBy(() -> Scope.attribute("k", " v")).hasMessageContaining("scope value starts or ends");
    assertThatThrownBy(() -> Scope.agent("triage ")).hasMessageContaining("scope agent starts or ends");
    assertThatThrownBy(() -> Scope.model("\tgpt-4o")).hasMessageContaining("scope model starts or ends");
  }
}
