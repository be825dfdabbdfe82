package io.lockn.springai.internal;

import io.lockn.core.GenAiProvider;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Spring AI's provider and finish-reason vocabulary mapped to the semantic conventions.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class SpringAiNames {

  private SpringAiNames() {}

  /**
   * {@code gen_ai.provider.name} for Spring AI's {@code AiProvider} value.
   *
   * @param provider Spring AI's provider, e.g. {@code openai}, {@code bedrock_converse}
   * @return the semantic-convention name; the value itself when it has no mapping
   */
  public static String provider(@Nullable String provider) {
    if (provider == null || provider.isEmpty()) {
      return "spring_ai";
    }
    switch (provider) {
      case "openai":
        return GenAiProvider.OPENAI;
      case "anthropic":
        return GenAiProvider.ANTHROPIC;
      case "bedrock_converse":
        return GenAiProvider.AWS_BEDROCK;
      case "google_genai":
        return GenAiProvider.GCP_GEN_AI;
      case "vertex_ai":
        return GenAiProvider.GCP_VERTEX_AI;
      case "mistral_ai":
        return GenAiProvider.MISTRAL_AI;
      case "deepseek":
        return GenAiProvider.DEEPSEEK;
      case "azure_openai":
        return GenAiProvider.AZURE_AI_OPENAI;
      default:
        return provider;
    }
  }

  /**
   * {@code gen_ai.response.finish_reasons} value for a provider's finish reason, as Spring AI reports it (OpenAI's
   * enum names such as {@code STOP} or {@code TOOL_CALLS}).
   *
   * @param reason the reported reason
   * @return {@code stop}, {@code length}, {@code tool_call}, {@code content_filter}, or the reason in lower case
   */
  public static String finishReason(String reason) {
    String r = reason.toLowerCase(Locale.ROOT);
    switch (r) {
      case "tool_calls":
      case "tool_use":
      case "function_call":
        return "tool_call";
      case "end_turn":
      case "stop_sequence":
        return "stop";
      case "max_tokens":
        return "length";
      default:
        return r;
    }
  }
}
