package io.lockn.springai.internal;

import io.lockn.core.TokenUsage;
import io.lockn.core.spi.UsageLogger;
import java.lang.reflect.Method;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.metadata.Usage;

/**
 * Normalises Spring AI's {@link Usage} into LockN's disjoint {@link TokenUsage}.
 *
 * <p>Spring AI's counts follow the semantic conventions: the prompt count includes the cache reads and writes, the
 * completion count includes the reasoning tokens. Reasoning tokens are only in the provider's native usage; for
 * {@code spring-ai-openai} 2.0 that is openai-java's {@code CompletionUsage}, read by reflection (looked up once per
 * class) so that LockN depends on no provider module.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class SpringAiUsages {

  private SpringAiUsages() {}

  private static final String OPENAI_USAGE = "com.openai.models.completions.CompletionUsage";

  private static final ClassValue<Method @Nullable []> OPENAI_DETAILS =
      new ClassValue<>() {
        @Override
        protected Method @Nullable [] computeValue(Class<?> type) {
          for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (OPENAI_USAGE.equals(c.getName())) {
              try {
                return new Method[] {c.getMethod("completionTokensDetails"), c.getMethod("promptTokensDetails")};
              } catch (NoSuchMethodException | RuntimeException e) {
                UsageLogger.warn("cannot read " + OPENAI_USAGE + " (" + e + "); reasoning tokens are not recorded");
                return null;
              }
            }
          }
          return null;
        }
      };

  /**
   * Converts a usage.
   *
   * @param usage Spring AI's usage, possibly {@code null} or empty
   * @return LockN's usage, or {@code null} when the response reported no tokens at all
   */
  public static @Nullable TokenUsage from(@Nullable Usage usage) {
    if (usage == null) {
      return null;
    }
    long prompt = count(usage.getPromptTokens());
    long completion = count(usage.getCompletionTokens());
    if (prompt == 0 && completion == 0 && count(usage.getTotalTokens()) == 0) {
      return null;
    }
    long cacheRead = count(usage.getCacheReadInputTokens());
    long cacheWrite = count(usage.getCacheWriteInputTokens());
    long reasoning = 0;
    Object nativeUsage = usage.getNativeUsage();
    if (nativeUsage != null) {
      Method[] details = OPENAI_DETAILS.get(nativeUsage.getClass());
      if (details != null) {
        reasoning = detail(nativeUsage, details[0], "reasoningTokens");
        if (cacheRead == 0) {
          cacheRead = detail(nativeUsage, details[1], "cachedTokens");
        }
        if (cacheWrite == 0) {
          cacheWrite = detail(nativeUsage, details[1], "cacheWriteTokens");
        }
      }
    }
    // Each part is cut to the prompt first, so that the sum cannot overflow.
    long cache = Math.min(prompt, Math.min(cacheRead, prompt) + Math.min(cacheWrite, prompt));
    cacheRead = Math.min(cacheRead, cache);
    return TokenUsage.builder()
        .uncachedInputTokens(prompt - cache)
        .cacheReadTokens(cacheRead)
        .cacheWrite5mTokens(cache - cacheRead)
        .nonReasoningOutputTokens(completion - Math.min(reasoning, completion))
        .reasoningTokens(Math.min(reasoning, completion))
        .build();
  }

  /** {@code usage.details().flatMap(d -> d.name())} over openai-java's {@code Optional} accessors. */
  private static long detail(Object usage, Method detailsAccessor, String name) {
    try {
      Object details = unwrap(detailsAccessor.invoke(usage));
      if (details == null) {
        return 0;
      }
      Object value = unwrap(details.getClass().getMethod(name).invoke(details));
      return value instanceof Number n ? Math.max(0, n.longValue()) : 0;
    } catch (NoSuchMethodException e) {
      return 0; // an older openai-java without this detail
    } catch (ReflectiveOperationException | RuntimeException e) {
      UsageLogger.failed("reading " + name + " of " + usage.getClass().getName(), e);
      return 0;
    }
  }

  private static @Nullable Object unwrap(@Nullable Object o) {
    return o instanceof Optional<?> opt ? opt.orElse(null) : o;
  }

  private static long count(@Nullable Number n) {
    return n == null || n.longValue() < 0 ? 0 : n.longValue();
  }
}
