package io.lockn.langchain4j.internal;

import dev.langchain4j.model.ModelProvider;
import io.lockn.core.GenAiProvider;
import org.jspecify.annotations.Nullable;

/**
 * Maps LangChain4j's {@link ModelProvider} to {@code gen_ai.provider.name}.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class Providers {

  private Providers() {}

  /**
   * The semantic-convention provider name.
   *
   * @param provider LangChain4j's provider, possibly {@code null} for a model that does not say
   * @return the {@code gen_ai.provider.name} value; {@code "langchain4j.other"} for {@code OTHER} or {@code null}, so
   *     that no provider is guessed: pricing then finds only model ids its catalog knows under some provider (a
   *     Claude id at Anthropic's price), and reports any other model unpriced
   */
  public static String name(@Nullable ModelProvider provider) {
    if (provider == null) {
      return OTHER;
    }
    // A switch over the enum's names, not its constants: a provider added by a newer LangChain4j must not break
    // the switch's synthetic lookup table.
    switch (provider.name()) {
      case "OPEN_AI":
        return GenAiProvider.OPENAI;
      case "ANTHROPIC":
        return GenAiProvider.ANTHROPIC;
      case "AMAZON_BEDROCK":
        return GenAiProvider.AWS_BEDROCK;
      case "AZURE_OPEN_AI":
        return GenAiProvider.AZURE_AI_OPENAI;
      case "MICROSOFT_FOUNDRY":
        return GenAiProvider.AZURE_AI_INFERENCE;
      case "GITHUB_MODELS":
        return "github_models";
      case "GOOGLE_AI_GEMINI":
        return GenAiProvider.GCP_GEMINI;
      case "GOOGLE_GENAI":
        return GenAiProvider.GCP_GEN_AI;
      case "GOOGLE_VERTEX_AI_GEMINI":
      case "GOOGLE_VERTEX_AI_ANTHROPIC":
        return GenAiProvider.GCP_VERTEX_AI;
      case "MISTRAL_AI":
        return GenAiProvider.MISTRAL_AI;
      case "WATSONX":
        return GenAiProvider.IBM_WATSONX_AI;
      case "COHERE":
        return GenAiProvider.COHERE;
      case "OLLAMA":
        return "ollama";
      case "VOYAGE_AI":
        return "voyage_ai";
      case "JINA":
        return "jina";
      default:
        return OTHER;
    }
  }

  /** The provider name of a model whose provider LangChain4j does not know. */
  public static final String OTHER = "langchain4j.other";
}
