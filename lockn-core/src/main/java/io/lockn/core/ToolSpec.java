package io.lockn.core;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;

/** A tool execution ({@code execute_tool {name}}, INTERNAL) not started yet. Not thread-safe until started. */
public interface ToolSpec extends OperationSpec<ToolScope> {

  /**
   * Sets {@code gen_ai.tool.call.id}, the model's id of the tool call.
   *
   * @param callId the call id
   * @return this spec
   */
  ToolSpec callId(String callId);

  /**
   * Sets {@code gen_ai.tool.type}: {@code function} (the default when unset is to record nothing), {@code
   * extension} or {@code datastore}.
   *
   * @param type the tool type
   * @return this spec
   */
  ToolSpec type(String type);

  /**
   * Sets {@code gen_ai.tool.description}.
   *
   * @param description the description
   * @return this spec
   */
  ToolSpec description(String description);

  /**
   * Sets {@code gen_ai.tool.call.arguments}; recorded only when content capture is enabled.
   *
   * @param argumentsJson the arguments, as JSON
   * @return this spec
   */
  ToolSpec arguments(String argumentsJson);

  /**
   * Sets an extra span attribute.
   *
   * @param key the key
   * @param value the value
   * @param <T> the attribute type
   * @return this spec
   */
  <T> ToolSpec attribute(AttributeKey<T> key, T value);

  /**
   * Sets the parent context instead of {@link Context#current()}.
   *
   * @param parent the parent context
   * @return this spec
   */
  ToolSpec parent(Context parent);
}
