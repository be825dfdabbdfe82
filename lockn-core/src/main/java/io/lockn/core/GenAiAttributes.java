package io.lockn.core;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The OpenTelemetry GenAI semantic-convention attribute keys that LockN emits, copied into LockN.
 *
 * <p>The constants in {@code opentelemetry-semconv-incubating} are deprecated as "moved" since 1.42.0-alpha and that
 * artifact has no stability promise, so, as its README advises libraries to do, LockN keeps its own copies. A test
 * compares every key here with {@code opentelemetry-semconv-incubating} so that drift is caught. Keys that exist
 * only in the latest experimental conventions (for example {@link #GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS}) are
 * emitted only under {@link SemconvProfile#LATEST_EXPERIMENTAL}.
 */
public final class GenAiAttributes {

  /** {@code gen_ai.operation.name}: the operation, for example {@code chat} or {@code invoke_agent}. */
  public static final AttributeKey<String> GEN_AI_OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");

  /** {@code openai.response.service_tier}: the service tier that served an OpenAI call. */
  public static final AttributeKey<String> OPENAI_RESPONSE_SERVICE_TIER =
      AttributeKey.stringKey("openai.response.service_tier");

  /** {@code openai.request.service_tier}: the service tier an OpenAI call asked for. */
  public static final AttributeKey<String> OPENAI_REQUEST_SERVICE_TIER =
      AttributeKey.stringKey("openai.request.service_tier");

  /** {@code gen_ai.provider.name}: the GenAI provider as the client identifies it, for example {@code openai}. */
  public static final AttributeKey<String> GEN_AI_PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");

  /** {@code gen_ai.request.model}: the model the request asked for. */
  public static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");

  /** {@code gen_ai.response.model}: the model that produced the response. */
  public static final AttributeKey<String> GEN_AI_RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");

  /** {@code gen_ai.response.id}: the provider's identifier of the completion. */
  public static final AttributeKey<String> GEN_AI_RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");

  /** {@code gen_ai.response.finish_reasons}: why the model stopped, one entry per choice. */
  public static final AttributeKey<List<String>> GEN_AI_RESPONSE_FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");

  /** {@code gen_ai.response.time_to_first_chunk}: seconds from the request to the first streamed chunk. */
  public static final AttributeKey<Double> GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK =
      AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk");

  /** {@code gen_ai.conversation.id}: the conversation or session the call belongs to. */
  public static final AttributeKey<String> GEN_AI_CONVERSATION_ID = AttributeKey.stringKey("gen_ai.conversation.id");

  /** {@code gen_ai.agent.name}: the human-readable agent name. */
  public static final AttributeKey<String> GEN_AI_AGENT_NAME = AttributeKey.stringKey("gen_ai.agent.name");

  /** {@code gen_ai.agent.id}: the agent's unique identifier. */
  public static final AttributeKey<String> GEN_AI_AGENT_ID = AttributeKey.stringKey("gen_ai.agent.id");

  /** {@code gen_ai.agent.description}: a free-form description of the agent. */
  public static final AttributeKey<String> GEN_AI_AGENT_DESCRIPTION =
      AttributeKey.stringKey("gen_ai.agent.description");

  /** {@code gen_ai.agent.version}: the agent's version. */
  public static final AttributeKey<String> GEN_AI_AGENT_VERSION = AttributeKey.stringKey("gen_ai.agent.version");

  /** {@code gen_ai.workflow.name}: the workflow name on {@code invoke_workflow} spans. */
  public static final AttributeKey<String> GEN_AI_WORKFLOW_NAME = AttributeKey.stringKey("gen_ai.workflow.name");

  /** {@code gen_ai.tool.name}: the tool name, required on {@code execute_tool} spans. */
  public static final AttributeKey<String> GEN_AI_TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");

  /** {@code gen_ai.tool.call.id}: the model's identifier of the tool call. */
  public static final AttributeKey<String> GEN_AI_TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");

  /** {@code gen_ai.tool.type}: {@code function}, {@code extension} or {@code datastore}. */
  public static final AttributeKey<String> GEN_AI_TOOL_TYPE = AttributeKey.stringKey("gen_ai.tool.type");

  /** {@code gen_ai.tool.description}: the tool's description. */
  public static final AttributeKey<String> GEN_AI_TOOL_DESCRIPTION = AttributeKey.stringKey("gen_ai.tool.description");

  /** {@code gen_ai.tool.call.arguments}: the tool arguments as JSON (opt-in content). */
  public static final AttributeKey<String> GEN_AI_TOOL_CALL_ARGUMENTS =
      AttributeKey.stringKey("gen_ai.tool.call.arguments");

  /** {@code gen_ai.tool.call.result}: the tool result (opt-in content). */
  public static final AttributeKey<String> GEN_AI_TOOL_CALL_RESULT = AttributeKey.stringKey("gen_ai.tool.call.result");

  /** {@code gen_ai.request.max_tokens}: the maximum number of tokens the model may generate. */
  public static final AttributeKey<Long> GEN_AI_REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");

  /** {@code gen_ai.request.temperature}: the sampling temperature. */
  public static final AttributeKey<Double> GEN_AI_REQUEST_TEMPERATURE =
      AttributeKey.doubleKey("gen_ai.request.temperature");

  /** {@code gen_ai.request.top_p}: the nucleus-sampling probability mass. */
  public static final AttributeKey<Double> GEN_AI_REQUEST_TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");

  /** {@code gen_ai.request.stream}: set to {@code true} if and only if the response is streamed. */
  public static final AttributeKey<Boolean> GEN_AI_REQUEST_STREAM = AttributeKey.booleanKey("gen_ai.request.stream");

  /** {@code gen_ai.usage.input_tokens}: input tokens, including cache reads and writes. */
  public static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");

  /** {@code gen_ai.usage.output_tokens}: output tokens, including reasoning tokens. */
  public static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");

  /** {@code gen_ai.usage.cache_read.input_tokens}: input tokens served from the provider's cache. */
  public static final AttributeKey<Long> GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");

  /** {@code gen_ai.usage.cache_creation.input_tokens}: input tokens written to the cache (v1.41 name). */
  public static final AttributeKey<Long> GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");

  /** {@code gen_ai.usage.cache_write.input_tokens}: input tokens written to the cache (latest experimental name). */
  public static final AttributeKey<Long> GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_write.input_tokens");

  /** {@code gen_ai.usage.reasoning.output_tokens}: output tokens spent on reasoning. */
  public static final AttributeKey<Long> GEN_AI_USAGE_REASONING_OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");

  /** {@code gen_ai.embeddings.dimension.count}: the number of dimensions of the returned embeddings. */
  public static final AttributeKey<Long> GEN_AI_EMBEDDINGS_DIMENSION_COUNT =
      AttributeKey.longKey("gen_ai.embeddings.dimension.count");

  /** {@code gen_ai.input.messages}: the chat history sent to the model, as JSON (opt-in content). */
  public static final AttributeKey<String> GEN_AI_INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");

  /** {@code gen_ai.output.messages}: the messages the model returned, as JSON (opt-in content). */
  public static final AttributeKey<String> GEN_AI_OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");

  /** {@code gen_ai.token.type}: {@code input} or {@code output}, on {@code gen_ai.client.token.usage}. */
  public static final AttributeKey<String> GEN_AI_TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");

  /** {@code gen_ai.token.modality}: {@code text}, {@code image}, {@code audio} or {@code unknown} (latest only). */
  public static final AttributeKey<String> GEN_AI_TOKEN_MODALITY = AttributeKey.stringKey("gen_ai.token.modality");

  /** {@code gen_ai.evaluation.name}: the evaluation metric name on {@code gen_ai.evaluation.result} events. */
  public static final AttributeKey<String> GEN_AI_EVALUATION_NAME = AttributeKey.stringKey("gen_ai.evaluation.name");

  /** {@code gen_ai.evaluation.score.value}: the numeric evaluation score. */
  public static final AttributeKey<Double> GEN_AI_EVALUATION_SCORE_VALUE =
      AttributeKey.doubleKey("gen_ai.evaluation.score.value");

  /** {@code gen_ai.evaluation.score.label}: the human-readable interpretation of the score. */
  public static final AttributeKey<String> GEN_AI_EVALUATION_SCORE_LABEL =
      AttributeKey.stringKey("gen_ai.evaluation.score.label");

  /** {@code gen_ai.evaluation.explanation}: why the evaluator gave the score. */
  public static final AttributeKey<String> GEN_AI_EVALUATION_EXPLANATION =
      AttributeKey.stringKey("gen_ai.evaluation.explanation");

  /** {@code server.address}: the GenAI server's host name or address. */
  public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");

  /** {@code server.port}: the GenAI server's port. */
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

  /** {@code error.type}: the class of error the operation ended with. */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** The name of the {@code gen_ai.evaluation.result} event. */
  public static final String EVALUATION_RESULT_EVENT = "gen_ai.evaluation.result";

  /** {@code error.type} value when the error class is unknown. */
  public static final String ERROR_TYPE_OTHER = "_OTHER";

  private GenAiAttributes() {}
}
