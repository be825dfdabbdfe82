package io.lockn.core;

/**
 * Well-known {@code gen_ai.provider.name} values from the GenAI semantic conventions. Any other string may be used
 * for a provider the conventions do not list.
 */
public final class GenAiProvider {
  /** OpenAI. */
  public static final String OPENAI = "openai";
  /** Anthropic. */
  public static final String ANTHROPIC = "anthropic";
  /** AWS Bedrock. */
  public static final String AWS_BEDROCK = "aws.bedrock";
  /** Azure OpenAI. */
  public static final String AZURE_AI_OPENAI = "azure.ai.openai";
  /** Azure AI Inference. */
  public static final String AZURE_AI_INFERENCE = "azure.ai.inference";
  /** Google Gemini API (AI Studio). */
  public static final String GCP_GEMINI = "gcp.gemini";
  /** Google Vertex AI. */
  public static final String GCP_VERTEX_AI = "gcp.vertex_ai";
  /** Google GenAI, when the client cannot tell Gemini API from Vertex AI. */
  public static final String GCP_GEN_AI = "gcp.gen_ai";
  /** Cohere. */
  public static final String COHERE = "cohere";
  /** Mistral AI. */
  public static final String MISTRAL_AI = "mistral_ai";
  /** DeepSeek. */
  public static final String DEEPSEEK = "deepseek";
  /** xAI. */
  public static final String X_AI = "x_ai";
  /** Groq. */
  public static final String GROQ = "groq";
  /** Perplexity. */
  public static final String PERPLEXITY = "perplexity";
  /** IBM watsonx.ai. */
  public static final String IBM_WATSONX_AI = "ibm.watsonx.ai";

  private GenAiProvider() {}

  /**
   * Whether a provider is OpenAI's API or Azure's hosting of it, whose calls use OpenAI's attributes ({@code
   * openai.*}) where the conventions define them.
   *
   * @param provider a {@code gen_ai.provider.name} value
   * @return {@code true} for {@value #OPENAI} and {@value #AZURE_AI_OPENAI}
   */
  public static boolean isOpenAiFamily(String provider) {
    return OPENAI.equals(provider) || AZURE_AI_OPENAI.equals(provider);
  }
}
