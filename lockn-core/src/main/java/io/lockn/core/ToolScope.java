package io.lockn.core;

/** A running tool execution. */
public interface ToolScope extends LockNScope {

  /**
   * Sets {@code gen_ai.tool.call.result}; recorded only when content capture is enabled.
   *
   * @param result the tool's result
   */
  void result(String result);
}
