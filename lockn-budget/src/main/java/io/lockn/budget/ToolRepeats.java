package io.lockn.budget;

import org.jspecify.annotations.Nullable;

/**
 * The tool-loop rule shared by {@link RunawayDetector} (live) and {@code lockn audit} (offline), so that both find
 * the same loops: consecutive calls of the same tool with the same arguments, counted as a run. The model calls
 * between them are the loop's own turns and do not break the run; only another tool call, or the same tool with other
 * arguments, does. When arguments are not captured, calls of the same tool count as identical.
 *
 * <p>Not thread-safe: one instance follows one agent invocation, and the caller serialises the calls.
 */
public final class ToolRepeats {

  private @Nullable String previous;
  private int run;

  /**
   * Records a tool call.
   *
   * @param tool {@code gen_ai.tool.name}, or {@code null}
   * @param arguments {@code gen_ai.tool.call.arguments}, or {@code null} when not captured
   * @return the length of the current run of identical calls, this one included (1 for a new tool or arguments)
   */
  public int record(@Nullable String tool, @Nullable String arguments) {
    String key = tool + "\u0000" + arguments;
    run = key.equals(previous) ? run + 1 : 1;
    previous = key;
    return run;
  }

  /**
   * The length of the current run.
   *
   * @return 0 before any call
   */
  public int run() {
    return run;
  }
}
