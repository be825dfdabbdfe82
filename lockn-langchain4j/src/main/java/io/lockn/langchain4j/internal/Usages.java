package io.lockn.langchain4j.internal;

import io.lockn.core.TokenUsage;
import io.lockn.core.spi.UsageLogger;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.jspecify.annotations.Nullable;

/**
 * Normalises LangChain4j's {@link dev.langchain4j.model.output.TokenUsage} and its provider subclasses into LockN's
 * disjoint {@link TokenUsage}.
 *
 * <p>The provider subclasses live in the provider modules (langchain4j-open-ai, -anthropic, -bedrock,
 * -google-ai-gemini, -open-ai-official), which the application may or may not have; they are read by class name
 * through method handles looked up once per class, so that LockN depends on none of them. The conventions differ:
 *
 * <ul>
 *   <li>OpenAI ({@code OpenAiTokenUsage}, {@code OpenAiOfficialTokenUsage}): the input count includes the cached
 *       tokens ({@code inputTokensDetails().cachedTokens()}), the output count includes the reasoning tokens ({@code
 *       outputTokensDetails().reasoningTokens()}).
 *   <li>Anthropic ({@code AnthropicTokenUsage}) and Bedrock ({@code BedrockTokenUsage}): additive, the input count
 *       excludes cache reads and cache writes.
 *   <li>Gemini ({@code GoogleAiGeminiTokenUsage}): the prompt count includes {@code cachedContentTokenCount}; the
 *       thinking tokens ({@code thoughtsTokenCount}) are reported beside the output count.
 * </ul>
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class Usages {

  private Usages() {}

  /** How to read one LangChain4j usage class; computed once per class. */
  private static final ClassValue<Reader> READERS =
      new ClassValue<>() {
        @Override
        protected Reader computeValue(Class<?> type) {
          return reader(type);
        }
      };

  /**
   * Converts a LangChain4j usage.
   *
   * @param usage the usage LangChain4j reported, possibly {@code null}
   * @return LockN's usage, or {@code null} when there is none (the call is then recorded without usage, never as
   *     zero tokens)
   */
  public static @Nullable TokenUsage from(dev.langchain4j.model.output.@Nullable TokenUsage usage) {
    if (usage == null || (usage.inputTokenCount() == null && usage.outputTokenCount() == null)) {
      return null;
    }
    long input = count(usage.inputTokenCount());
    long output = count(usage.outputTokenCount());
    try {
      return READERS.get(usage.getClass()).read(usage, input, output);
    } catch (Throwable t) {
      UsageLogger.failed("reading " + usage.getClass().getName(), t);
      return TokenUsage.of(input, output);
    }
  }

  private static long count(@Nullable Integer n) {
    return n == null || n < 0 ? 0 : n;
  }

  private interface Reader {
    TokenUsage read(Object usage, long input, long output) throws Throwable;
  }

  private static Reader reader(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      try {
        switch (c.getName()) {
          case "dev.langchain4j.model.openai.OpenAiTokenUsage":
          case "dev.langchain4j.model.openaiofficial.OpenAiOfficialTokenUsage":
            return openAi(c);
          case "dev.langchain4j.model.anthropic.AnthropicTokenUsage":
            return additive(c, "cacheReadInputTokens", "cacheCreationInputTokens");
          case "dev.langchain4j.model.bedrock.BedrockTokenUsage":
            return additive(c, "cacheReadInputTokens", "cacheWriteInputTokens");
          case "dev.langchain4j.model.googleai.GoogleAiGeminiTokenUsage":
            return gemini(c);
          default:
            break;
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        // A LangChain4j version whose class changed shape: fall back to the portable counts, and say so once.
        UsageLogger.warn("cannot read the details of " + c.getName() + " (" + e + "); recording input and output only");
        break;
      }
    }
    return (usage, input, output) -> TokenUsage.of(input, output);
  }

  private static Reader openAi(Class<?> c) throws ReflectiveOperationException {
    MethodHandle inputDetails = getter(c, "inputTokensDetails");
    MethodHandle outputDetails = getter(c, "outputTokensDetails");
    return new Reader() {
      private volatile @Nullable MethodHandle cached;
      private volatile @Nullable MethodHandle reasoning;

      @Override
      public TokenUsage read(Object usage, long input, long output) throws Throwable {
        Object in = inputDetails.invoke(usage);
        Object out = outputDetails.invoke(usage);
        long cachedTokens = 0;
        long reasoningTokens = 0;
        if (in != null) {
          MethodHandle h = cached;
          if (h == null) {
            cached = h = getter(in.getClass(), "cachedTokens");
          }
          cachedTokens = count((Integer) h.invoke(in));
        }
        if (out != null) {
          MethodHandle h = reasoning;
          if (h == null) {
            reasoning = h = getter(out.getClass(), "reasoningTokens");
          }
          reasoningTokens = count((Integer) h.invoke(out));
        }
        return TokenUsage.fromOpenAi(input, cachedTokens, output, reasoningTokens);
      }
    };
  }

  private static Reader additive(Class<?> c, String read, String write) throws ReflectiveOperationException {
    MethodHandle cacheRead = getter(c, read);
    MethodHandle cacheWrite = getter(c, write);
    return (usage, input, output) ->
        TokenUsage.fromAnthropic(
            input, count((Integer) cacheRead.invoke(usage)), count((Integer) cacheWrite.invoke(usage)), output);
  }

  private static Reader gemini(Class<?> c) throws ReflectiveOperationException {
    MethodHandle cached = getter(c, "cachedContentTokenCount");
    MethodHandle thoughts = getter(c, "thoughtsTokenCount");
    return (usage, input, output) ->
        TokenUsage.fromGemini(
            input, count((Integer) cached.invoke(usage)), output, count((Integer) thoughts.invoke(usage)));
  }

  private static MethodHandle getter(Class<?> c, String name) throws ReflectiveOperationException {
    return MethodHandles.publicLookup()
        .findVirtual(c, name, MethodType.methodType(c.getMethod(name).getReturnType()))
        .asType(MethodType.methodType(Object.class, Object.class));
  }
}
