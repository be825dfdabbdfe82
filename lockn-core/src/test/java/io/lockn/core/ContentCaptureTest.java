package io.lockn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ContentCaptureTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<AttributeKey<String>> CONTENT_KEYS =
      List.of(
          GenAiAttributes.GEN_AI_INPUT_MESSAGES,
          GenAiAttributes.GEN_AI_OUTPUT_MESSAGES,
          GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS,
          GenAiAttributes.GEN_AI_TOOL_CALL_RESULT);

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider tracerProvider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();

  @AfterEach
  void closeProvider() {
    tracerProvider.close();
  }

  private LockN lockn(@Nullable ContentCapture capture) {
    LockNBuilder builder = LockN.builder().setOpenTelemetry(otel).setSemconvProfile(SemconvProfile.V1_41);
    if (capture != null) {
      builder.setContentCapture(capture);
    }
    return builder.build();
  }

  /** One chat call with the given input and output messages; returns its attributes. */
  private Attributes chat(LockN lockn, List<GenAiMessage> input, List<GenAiMessage> output) {
    String result =
        lockn.chat(GenAiProvider.OPENAI, "gpt-4o").inputMessages(input).supply(() -> {
          lockn.currentLlmCall().outputMessages(output);
          return "done";
        });
    assertThat(result).isEqualTo("done");
    return span("chat gpt-4o").getAttributes();
  }

  /** One tool call with the given arguments and result; returns its attributes. */
  private Attributes tool(LockN lockn, String arguments, String result) {
    try (ToolScope tool = lockn.tool("get_weather").arguments(arguments).start()) {
      tool.result(result);
    }
    return span("execute_tool get_weather").getAttributes();
  }

  private SpanData span(String name) {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + exporter.getFinishedSpanItems()));
  }

  private static JsonNode parse(@Nullable String json) throws Exception {
    assertThat(json).isNotNull();
    return JSON.readTree(json);
  }

  private static String firstContent(String json) throws Exception {
    return parse(json).get(0).get("parts").get(0).get("content").asText();
  }

  private void assertNoContentAttributes() {
    assertThat(exporter.getFinishedSpanItems()).isNotEmpty();
    for (SpanData span : exporter.getFinishedSpanItems()) {
      for (AttributeKey<String> key : CONTENT_KEYS) {
        assertThat(span.getAttributes().get(key)).as(span.getName() + " " + key.getKey()).isNull();
      }
    }
  }

  // ---- off by default ----

  @Test
  void disabled_recordsNoMessagesArgumentsOrResults() {
    LockN lockn = lockn(ContentCapture.disabled());

    chat(lockn, List.of(GenAiMessage.user("hi")), List.of(GenAiMessage.output("hello", "stop")));
    tool(lockn, "{\"city\":\"Paris\"}", "sunny");

    assertThat(exporter.getFinishedSpanItems()).hasSize(2);
    assertNoContentAttributes();
  }

  @Test
  void builderDefault_recordsNoContentWhenTheEnvironmentDoesNotOptIn() {
    Assumptions.assumeTrue(System.getProperty("otel.instrumentation.genai.capture-message-content") == null);
    Assumptions.assumeTrue(System.getenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT") == null);
    LockN lockn = lockn(null);

    chat(lockn, List.of(GenAiMessage.user("hi")), List.of(GenAiMessage.output("hello", "stop")));
    tool(lockn, "{\"city\":\"Paris\"}", "sunny");

    assertNoContentAttributes();
  }

  @Test
  void disabled_isOffWithTheDefaultCap() {
    assertThat(ContentCapture.disabled().isEnabled()).isFalse();
    assertThat(ContentCapture.disabled().maxLength()).isEqualTo(8192);
    assertThat(ContentCapture.enabled().isEnabled()).isTrue();
    assertThat(ContentCapture.enabled().maxLength()).isEqualTo(8192);
    assertThat(ContentCapture.enabled().redactor().apply("x")).isEqualTo("x");
  }

  @Test
  void fromEnvironment_systemPropertyTrueEnablesAndOtherValuesDisable() {
    String property = "otel.instrumentation.genai.capture-message-content";
    String previous = System.getProperty(property);
    try {
      System.setProperty(property, " TRUE ");
      assertThat(ContentCapture.fromEnvironment().isEnabled()).isTrue();
      System.setProperty(property, "yes");
      assertThat(ContentCapture.fromEnvironment().isEnabled()).isFalse();
      System.setProperty(property, "false");
      assertThat(ContentCapture.fromEnvironment().isEnabled()).isFalse();
    } finally {
      if (previous == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, previous);
      }
    }
  }

  // ---- the semconv JSON shape ----

  @Test
  void enabled_inputMessagesHaveTheExactSemconvShape() {
    Attributes attributes =
        chat(lockn(ContentCapture.enabled()), List.of(GenAiMessage.user("hi")), List.of());

    assertThat(attributes.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES))
        .isEqualTo("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"hi\"}]}]");
  }

  @Test
  void enabled_outputMessagesCarryTheFinishReason() {
    Attributes attributes =
        chat(lockn(ContentCapture.enabled()), List.of(GenAiMessage.user("hi")),
            List.of(GenAiMessage.output("Hello! How can I help?", "stop")));

    assertThat(attributes.get(GenAiAttributes.GEN_AI_OUTPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Hello! How can I help?\"}],"
                + "\"finish_reason\":\"stop\"}]");
  }

  @Test
  void enabled_conversationHistoryKeepsRolesAndOrder() throws Exception {
    List<GenAiMessage> history =
        List.of(
            GenAiMessage.system("You are a support bot."),
            GenAiMessage.user("Where is my order?"),
            GenAiMessage.assistant("Which order?"),
            GenAiMessage.user("#42"));

    Attributes attributes = chat(lockn(ContentCapture.enabled()), history, List.of());

    JsonNode expected =
        JSON.readTree(
            "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"You are a support bot.\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Where is my order?\"}]},"
                + "{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Which order?\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"#42\"}]}]");
    assertThat(parse(attributes.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES))).isEqualTo(expected);
  }

  @Test
  void enabled_toolCallAndToolCallResponsePartsHaveTheSemconvShape() {
    GenAiMessage toolCall =
        new GenAiMessage(
            "assistant",
            List.of(new MessagePart.ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")),
            "tool_call");
    List<GenAiMessage> input =
        List.of(GenAiMessage.user("Weather in Paris?"), toolCall, GenAiMessage.toolResponse("call_1", "rainy, 57°F"));

    Attributes attributes = chat(lockn(ContentCapture.enabled()), input, List.of(toolCall));

    assertThat(attributes.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Weather in Paris?\"}]},"
                + "{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_1\","
                + "\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}],"
                + "\"finish_reason\":\"tool_call\"},"
                + "{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\",\"id\":\"call_1\","
                + "\"response\":\"rainy, 57°F\"}]}]");
    assertThat(attributes.get(GenAiAttributes.GEN_AI_OUTPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_1\","
                + "\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}],"
                + "\"finish_reason\":\"tool_call\"}]");
  }

  @Test
  void enabled_messageWithSeveralPartsKeepsThemInOrder() throws Exception {
    GenAiMessage message =
        new GenAiMessage(
            "assistant",
            List.of(new MessagePart.Text("Let me check."), new MessagePart.ToolCall("c1", "lookup", "{}")),
            null);

    Attributes attributes = chat(lockn(ContentCapture.enabled()), List.of(message), List.of());

    JsonNode parts = parse(attributes.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES)).get(0).get("parts");
    assertThat(parts).hasSize(2);
    assertThat(parts.get(0).get("type").asText()).isEqualTo("text");
    assertThat(parts.get(1).get("type").asText()).isEqualTo("tool_call");
    assertThat(parse(attributes.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES)).get(0).has("finish_reason")).isFalse();
  }

  @Test
  void enabled_toolSpanRecordsArgumentsAndResult() {
    Attributes attributes = tool(lockn(ContentCapture.enabled()), "{\"city\":\"Paris\"}", "rainy, 57°F");

    assertThat(attributes.get(GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS)).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(attributes.get(GenAiAttributes.GEN_AI_TOOL_CALL_RESULT)).isEqualTo("rainy, 57°F");
  }

  // ---- escaping ----

  @Test
  void escaping_quotesBackslashesNewlinesAndControlCharactersGiveValidJson() throws Exception {
    String nasty = "say \"hi\"\nback\\slash\ttab\r\b\f\u0001\u001f \u2028\u2029 end";

    Attributes attributes =
        chat(lockn(ContentCapture.enabled()), List.of(GenAiMessage.user(nasty)),
            List.of(GenAiMessage.output(nasty, "st\"op")));

    String input = attributes.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES);
    assertThat(input)
        .isEqualTo(
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":"
                + "\"say \\\"hi\\\"\\nback\\\\slash\\ttab\\r\\b\\f\\u0001\\u001f \\u2028\\u2029 end\"}]}]");
    assertThat(firstContent(input)).isEqualTo(nasty);
    JsonNode output = parse(attributes.get(GenAiAttributes.GEN_AI_OUTPUT_MESSAGES));
    assertThat(output.get(0).get("parts").get(0).get("content").asText()).isEqualTo(nasty);
    assertThat(output.get(0).get("finish_reason").asText()).isEqualTo("st\"op");
  }

  @Test
  void escaping_idsNamesAndRolesAreEscapedToo() throws Exception {
    GenAiMessage message =
        new GenAiMessage(
            "ro\"le",
            List.of(
                new MessagePart.ToolCall("id\"1\n", "na\\me", "{\"a\":\"\\n\"}"),
                new MessagePart.ToolCallResponse("id\"1\n", "re\u0000sp")),
            null);

    Attributes attributes = chat(lockn(ContentCapture.enabled()), List.of(message), List.of());

    JsonNode parsed = parse(attributes.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES)).get(0);
    assertThat(parsed.get("role").asText()).isEqualTo("ro\"le");
    JsonNode call = parsed.get("parts").get(0);
    assertThat(call.get("id").asText()).isEqualTo("id\"1\n");
    assertThat(call.get("name").asText()).isEqualTo("na\\me");
    assertThat(call.get("arguments").asText()).isEqualTo("{\"a\":\"\\n\"}");
    assertThat(parsed.get("parts").get(1).get("response").asText()).isEqualTo("re\u0000sp");
  }

  // ---- truncation ----

  @Test
  void withMaxLength_cutsEachTextWithTheMarkerAndKeepsJsonValid() throws Exception {
    LockN lockn = lockn(ContentCapture.enabled().withMaxLength(20));
    String longText = "x".repeat(50);
    String exactText = "y".repeat(20);

    Attributes attributes =
        chat(lockn, List.of(GenAiMessage.user(longText), GenAiMessage.user(exactText)),
            List.of(GenAiMessage.output("\"".repeat(50), "length")));

    JsonNode input = parse(attributes.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES));
    assertThat(input.get(0).get("parts").get(0).get("content").asText()).isEqualTo("xxxxxxxx…[truncated]");
    assertThat(input.get(1).get("parts").get(0).get("content").asText()).isEqualTo(exactText);
    JsonNode output = parse(attributes.get(GenAiAttributes.GEN_AI_OUTPUT_MESSAGES));
    assertThat(output.get(0).get("parts").get(0).get("content").asText())
        .isEqualTo("\"".repeat(8) + ContentCapture.TRUNCATION_MARKER);
    assertThat(output.get(0).get("finish_reason").asText()).isEqualTo("length");
  }

  @Test
  void withMaxLength_cutsToolCallArgumentsAndResponsesInsideMessages() throws Exception {
    LockN lockn = lockn(ContentCapture.enabled().withMaxLength(20));
    GenAiMessage message =
        new GenAiMessage(
            "assistant",
            List.of(
                new MessagePart.ToolCall("call_1", "get_weather", "{\"city\":\"" + "P".repeat(40) + "\"}"),
                new MessagePart.ToolCallResponse("call_1", "r".repeat(40))),
            null);

    Attributes attributes = chat(lockn, List.of(message), List.of());

    JsonNode parts = parse(attributes.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES)).get(0).get("parts");
    assertThat(parts.get(0).get("arguments").asText()).isEqualTo("{\"city\":…[truncated]");
    assertThat(parts.get(0).get("id").asText()).isEqualTo("call_1");
    assertThat(parts.get(0).get("name").asText()).isEqualTo("get_weather");
    assertThat(parts.get(1).get("response").asText()).isEqualTo("rrrrrrrr…[truncated]");
  }

  @Test
  void withMaxLength_cutsToolSpanArgumentsAndResult() {
    Attributes attributes =
        tool(lockn(ContentCapture.enabled().withMaxLength(20)), "a".repeat(30), "b".repeat(21));

    assertThat(attributes.get(GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS)).isEqualTo("aaaaaaaa…[truncated]");
    assertThat(attributes.get(GenAiAttributes.GEN_AI_TOOL_CALL_RESULT)).isEqualTo("bbbbbbbb…[truncated]");
  }

  @Test
  void withMaxLength_doesNotSplitASurrogatePair() throws Exception {
    String grin = "\uD83D\uDE00";
    LockN lockn = lockn(ContentCapture.enabled().withMaxLength(20));

    Attributes attributes =
        chat(lockn, List.of(GenAiMessage.user("abcdefg" + grin + "z".repeat(30))), List.of());

    String content = firstContent(attributes.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES));
    assertThat(content).isEqualTo("abcdefg" + ContentCapture.TRUNCATION_MARKER);
  }

  @Test
  void withMaxLength_belowSixteenIsRejected() {
    assertThatThrownBy(() -> ContentCapture.enabled().withMaxLength(15))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLength < 16");
    assertThat(ContentCapture.enabled().withMaxLength(16).maxLength()).isEqualTo(16);
  }

  @Test
  void withMaxLength_keepsEnabledAndRedactor() {
    UnaryOperator<String> redactor = s -> s;
    ContentCapture capture = ContentCapture.enabled().withRedactor(redactor).withMaxLength(64);

    assertThat(capture.isEnabled()).isTrue();
    assertThat(capture.redactor()).isSameAs(redactor);
    assertThat(ContentCapture.disabled().withMaxLength(64).isEnabled()).isFalse();
  }

  // ---- redaction ----

  @Test
  void withRedactor_masksTextBeforeItIsCut() throws Exception {
    UnaryOperator<String> maskTokens = s -> s.replaceAll("SECRET-[A-Z0-9-]+", "***");
    LockN lockn = lockn(ContentCapture.enabled().withMaxLength(20).withRedactor(maskTokens));

    Attributes attributes =
        chat(lockn, List.of(GenAiMessage.user("SECRET-LONG-TOKEN-1234567890 end")),
            List.of(GenAiMessage.output("key SECRET-ABCDEFGHIJKLMNOP " + "w".repeat(30), "stop")));

    assertThat(firstContent(attributes.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES))).isEqualTo("*** end");
    assertThat(firstContent(attributes.get(GenAiAttributes.GEN_AI_OUTPUT_MESSAGES)))
        .isEqualTo("key *** " + ContentCapture.TRUNCATION_MARKER);
  }

  @Test
  void withRedactor_outputIsCutToTheCap() throws Exception {
    LockN lockn = lockn(ContentCapture.enabled().withMaxLength(20).withRedactor(s -> s + "!".repeat(100)));

    Attributes attributes = chat(lockn, List.of(GenAiMessage.user("hi")), List.of());

    assertThat(firstContent(attributes.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES)))
        .isEqualTo("hi!!!!!!" + ContentCapture.TRUNCATION_MARKER);
  }

  @Test
  void withRedactor_appliesToContentButNotToRolesIdsOrNames() throws Exception {
    LockN lockn = lockn(ContentCapture.enabled().withRedactor(s -> "<" + s.length() + ">"));
    GenAiMessage message =
        new GenAiMessage(
            "assistant",
            List.of(
                new MessagePart.Text("hello"),
                new MessagePart.ToolCall("call_1", "get_weather", "{}"),
                new MessagePart.ToolCallResponse("call_1", "sunny")),
            "stop");

    Attributes chat = chat(lockn, List.of(message), List.of());
    Attributes tool = tool(lockn, "{\"city\":\"Paris\"}", "sunny");

    assertThat(chat.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"<5>\"},"
                + "{\"type\":\"tool_call\",\"id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":\"<2>\"},"
                + "{\"type\":\"tool_call_response\",\"id\":\"call_1\",\"response\":\"<5>\"}],"
                + "\"finish_reason\":\"stop\"}]");
    assertThat(tool.get(GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS)).isEqualTo("<16>");
    assertThat(tool.get(GenAiAttributes.GEN_AI_TOOL_CALL_RESULT)).isEqualTo("<5>");
  }

  @Test
  void withRedactor_nullResultRecordsAnEmptyText() throws Exception {
    LockN lockn = lockn(ContentCapture.enabled().withRedactor(s -> null));

    Attributes attributes = chat(lockn, List.of(GenAiMessage.user("hi")), List.of());

    assertThat(firstContent(attributes.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES))).isEmpty();
  }

  @Test
  void withRedactor_throwingRedactorRecordsAPlaceholderAndNeverThrowsIntoTheCaller() throws Exception {
    UnaryOperator<String> throwing = s -> {
      throw new IllegalStateException("redactor bug");
    };
    LockN lockn = lockn(ContentCapture.enabled().withRedactor(throwing));

    Attributes chat =
        chat(lockn, List.of(GenAiMessage.user("my card is 4111-1111-1111-1111")),
            List.of(GenAiMessage.output("noted 4111-1111-1111-1111", "stop")));
    Attributes tool = tool(lockn, "{\"card\":\"4111-1111-1111-1111\"}", "charged 4111-1111-1111-1111");

    assertThat(firstContent(chat.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES))).isEqualTo("[redaction failed]");
    assertThat(firstContent(chat.get(GenAiAttributes.GEN_AI_OUTPUT_MESSAGES))).isEqualTo("[redaction failed]");
    assertThat(tool.get(GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS)).isEqualTo("[redaction failed]");
    assertThat(tool.get(GenAiAttributes.GEN_AI_TOOL_CALL_RESULT)).isEqualTo("[redaction failed]");
    for (SpanData span : exporter.getFinishedSpanItems()) {
      assertThat(span.getAttributes().toString()).doesNotContain("4111");
    }
  }

  @Test
  void withRedactor_redactorThrowingAnErrorDoesNotReachTheCaller() {
    UnaryOperator<String> throwing = s -> {
      throw new AssertionError("redactor error");
    };
    LockN lockn = lockn(ContentCapture.enabled().withRedactor(throwing));

    assertThatCode(() -> {
      String result =
          lockn.chat(GenAiProvider.OPENAI, "gpt-4o").inputMessages(List.of(GenAiMessage.user("secret"))).supply(() -> {
            lockn.currentLlmCall().outputMessages(List.of(GenAiMessage.output("secret", "stop")));
            return "done";
          });
      assertThat(result).isEqualTo("done");
      try (ToolScope tool = lockn.tool("get_weather").arguments("secret").start()) {
        tool.result("secret");
      }
    }).doesNotThrowAnyException();
    for (SpanData span : exporter.getFinishedSpanItems()) {
      assertThat(span.getAttributes().toString()).doesNotContain("secret");
    }
  }

  @Test
  void withRedactor_rejectsNull() {
    assertThatThrownBy(() -> ContentCapture.enabled().withRedactor(null))
        .isInstanceOf(NullPointerException.class);
  }
}
