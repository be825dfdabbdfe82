package io.lockn.core;

/** The {@code gen_ai.operation.name} values LockN records. */
public enum GenAiOperation {
  /** A chat completion: {@code chat}. */
  CHAT("chat"),
  /** A legacy text completion: {@code text_completion}. */
  TEXT_COMPLETION("text_completion"),
  /** Multimodal content generation, as in Gemini: {@code generate_content}. */
  GENERATE_CONTENT("generate_content"),
  /** An embeddings request: {@code embeddings}. */
  EMBEDDINGS("embeddings"),
  /** Creating an agent: {@code create_agent}. */
  CREATE_AGENT("create_agent"),
  /** Running an agent: {@code invoke_agent}. */
  INVOKE_AGENT("invoke_agent"),
  /** Running a workflow of agents: {@code invoke_workflow}. */
  INVOKE_WORKFLOW("invoke_workflow"),
  /** Executing a tool: {@code execute_tool}. */
  EXECUTE_TOOL("execute_tool");

  private final String value;

  GenAiOperation(String value) {
    this.value = value;
  }

  /**
   * The semantic-convention value of {@code gen_ai.operation.name}.
   *
   * @return the value, for example {@code chat}
   */
  public String value() {
    return value;
  }

  /**
   * Whether this is a model inference (chat, text completion or content generation).
   *
   * @return {@code true} for inference operations
   */
  public boolean isInference() {
    return this == CHAT || this == TEXT_COMPLETION || this == GENERATE_CONTENT;
  }
}
