package io.lockn.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.incubating.ErrorIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingEvents;
import io.opentelemetry.semconv.incubating.ServerIncubatingAttributes;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Catches drift between LockN's own copies of the GenAI attribute keys and {@code opentelemetry-semconv(-incubating)}.
 */
class SemconvConstantsTest {

  /** Where a LockN constant of the same field name is looked up. */
  private static final List<Class<?>> SEMCONV_CLASSES =
      List.of(
          GenAiIncubatingAttributes.class,
          ServerAttributes.class,
          ErrorAttributes.class,
          ServerIncubatingAttributes.class,
          ErrorIncubatingAttributes.class,
          io.opentelemetry.semconv.incubating.OpenaiIncubatingAttributes.class);

  /**
   * LockN keys that opentelemetry-semconv-incubating 1.43.0-alpha does not generate (they come from later or
   * latest-experimental GenAI conventions). Anything else missing from semconv is drift.
   */
  private static final Map<String, String> LOCKN_ONLY =
      Map.of(
          "GEN_AI_TOOL_CALL_ARGUMENTS", "gen_ai.tool.call.arguments",
          "GEN_AI_TOOL_CALL_RESULT", "gen_ai.tool.call.result",
          "GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS", "gen_ai.usage.cache_write.input_tokens",
          "GEN_AI_INPUT_MESSAGES", "gen_ai.input.messages",
          "GEN_AI_OUTPUT_MESSAGES", "gen_ai.output.messages",
          "GEN_AI_TOKEN_MODALITY", "gen_ai.token.modality");

  private static Map<String, AttributeKey<?>> publicStaticAttributeKeys(Class<?> type) throws Exception {
    Map<String, AttributeKey<?>> keys = new LinkedHashMap<>();
    for (Field field : type.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (Modifier.isPublic(modifiers)
          && Modifier.isStatic(modifiers)
          && AttributeKey.class.isAssignableFrom(field.getType())) {
        keys.put(field.getName(), (AttributeKey<?>) field.get(null));
      }
    }
    return keys;
  }

  private static Map<String, AttributeKey<?>> lockNKeys() throws Exception {
    Map<String, AttributeKey<?>> keys = publicStaticAttributeKeys(GenAiAttributes.class);
    assertThat(keys).hasSize(43);
    return keys;
  }

  @Test
  void everyKeyPresentInSemconv_hasTheSameNameAndType() throws Exception {
    List<String> mismatches = new ArrayList<>();
    Set<String> compared = new TreeSet<>();
    Set<String> absent = new TreeSet<>();
    List<Map<String, AttributeKey<?>>> semconv = new ArrayList<>();
    for (Class<?> type : SEMCONV_CLASSES) {
      semconv.add(publicStaticAttributeKeys(type));
    }

    for (Map.Entry<String, AttributeKey<?>> lockn : lockNKeys().entrySet()) {
      boolean found = false;
      for (int i = 0; i < semconv.size(); i++) {
        AttributeKey<?> theirs = semconv.get(i).get(lockn.getKey());
        if (theirs == null) {
          continue;
        }
        found = true;
        AttributeKey<?> ours = lockn.getValue();
        if (!ours.getKey().equals(theirs.getKey()) || ours.getType() != theirs.getType()) {
          mismatches.add(
              lockn.getKey() + ": LockN " + ours.getKey() + " " + ours.getType() + " vs "
                  + SEMCONV_CLASSES.get(i).getSimpleName() + " " + theirs.getKey() + " " + theirs.getType());
        }
        assertThat(ours).as(lockn.getKey()).isEqualTo(theirs);
      }
      (found ? compared : absent).add(lockn.getKey());
    }

    assertThat(mismatches).isEmpty();
    assertThat(absent).as("LockN keys missing from semconv").isEqualTo(new TreeSet<>(LOCKN_ONLY.keySet()));
    assertThat(compared).hasSize(37).contains("GEN_AI_OPERATION_NAME", "SERVER_PORT", "ERROR_TYPE");
  }

  @Test
  void lockNOnlyKeys_haveTheExpectedNamesAndAreStrings() throws Exception {
    Map<String, AttributeKey<?>> keys = lockNKeys();

    LOCKN_ONLY.forEach((field, key) -> {
      assertThat(keys).containsKey(field);
      assertThat(keys.get(field).getKey()).as(field).isEqualTo(key);
    });
    assertThat(GenAiAttributes.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS)
        .isEqualTo(AttributeKey.longKey("gen_ai.usage.cache_write.input_tokens"));
    assertThat(GenAiAttributes.GEN_AI_INPUT_MESSAGES).isEqualTo(AttributeKey.stringKey("gen_ai.input.messages"));
    assertThat(GenAiAttributes.GEN_AI_OUTPUT_MESSAGES).isEqualTo(AttributeKey.stringKey("gen_ai.output.messages"));
    assertThat(GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS)
        .isEqualTo(AttributeKey.stringKey("gen_ai.tool.call.arguments"));
    assertThat(GenAiAttributes.GEN_AI_TOOL_CALL_RESULT).isEqualTo(AttributeKey.stringKey("gen_ai.tool.call.result"));
    assertThat(GenAiAttributes.GEN_AI_TOKEN_MODALITY).isEqualTo(AttributeKey.stringKey("gen_ai.token.modality"));
  }

  @Test
  void everyFieldName_isItsKeyInUpperSnakeCase() throws Exception {
    lockNKeys().forEach((field, key) ->
        assertThat(field).as(key.getKey()).isEqualTo(key.getKey().toUpperCase(Locale.ROOT).replace('.', '_')));
  }

  @Test
  void eventNameAndErrorTypeOther_matchSemconv() {
    assertThat(GenAiAttributes.EVALUATION_RESULT_EVENT).isEqualTo(GenAiIncubatingEvents.GEN_AI_EVALUATION_RESULT);
    assertThat(GenAiAttributes.ERROR_TYPE_OTHER).isEqualTo(ErrorAttributes.ErrorTypeValues.OTHER);
  }

  @Test
  void operationValues_matchTheSemconvOperationNames() throws Exception {
    Class<?> values = GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues.class;
    for (GenAiOperation operation : GenAiOperation.values()) {
      Field field = values.getField(operation.name());
      assertThat(operation.value()).as(operation.name()).isEqualTo(field.get(null));
    }
  }

  @Test
  void providerValues_matchTheSemconvProviderNames() throws Exception {
    Class<?> values = GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.class;
    int compared = 0;
    for (Field field : GenAiProvider.class.getFields()) {
      if (field.getType() != String.class || !Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      Field theirs;
      try {
        theirs = values.getField(field.getName());
      } catch (NoSuchFieldException e) {
        continue; // a provider the 1.43.0-alpha enumeration does not list
      }
      assertThat(field.get(null)).as(field.getName()).isEqualTo(theirs.get(null));
      compared++;
    }
    assertThat(compared).isGreaterThanOrEqualTo(5);
  }

  @Test
  void lockNAttributes_allLiveUnderTheLockNNamespace() throws Exception {
    Map<String, AttributeKey<?>> keys = publicStaticAttributeKeys(LockNAttributes.class);

    assertThat(keys).isNotEmpty();
    keys.forEach((field, key) -> assertThat(key.getKey()).as(field).startsWith("lockn."));
  }
}
