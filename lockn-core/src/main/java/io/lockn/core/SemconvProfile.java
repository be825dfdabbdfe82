package io.lockn.core;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Which version of the OpenTelemetry GenAI semantic conventions LockN emits.
 *
 * <p>The default, {@link #V1_41}, is the last released GenAI convention (semantic-conventions v1.41.x), which the
 * OpenTelemetry Java agent and Spring AI also follow. Setting {@code
 * OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental} (or the system property {@code
 * otel.semconv-stability.opt-in}) switches to {@link #LATEST_EXPERIMENTAL}, the unreleased main branch of
 * open-telemetry/semantic-conventions-genai.
 *
 * <table>
 *   <caption>What each profile emits</caption>
 *   <tr><th></th><th>V1_41</th><th>LATEST_EXPERIMENTAL</th></tr>
 *   <tr><td>cache writes on spans</td><td>{@code gen_ai.usage.cache_creation.input_tokens}</td>
 *       <td>{@code gen_ai.usage.cache_write.input_tokens}</td></tr>
 *   <tr><td>inference duration</td><td>{@code gen_ai.client.operation.duration}</td>
 *       <td>{@code gen_ai.client.inference.duration}</td></tr>
 *   <tr><td>embeddings duration</td><td>{@code gen_ai.client.operation.duration}</td>
 *       <td>{@code gen_ai.client.embeddings.duration}</td></tr>
 *   <tr><td>token usage</td><td>{@code gen_ai.client.token.usage} histogram with {@code gen_ai.token.type}</td>
 *       <td>{@code gen_ai.client.inference.usage.*} counters with {@code gen_ai.token.modality}, and
 *       {@code gen_ai.client.inference.operation.{input,output}_tokens} histograms; embeddings:
 *       {@code gen_ai.client.embeddings.operation.input_tokens}</td></tr>
 *   <tr><td>agent, tool, workflow durations</td><td>none</td>
 *       <td>{@code gen_ai.invoke_agent.duration}, {@code gen_ai.execute_tool.duration},
 *       {@code gen_ai.workflow.duration}</td></tr>
 * </table>
 */
public enum SemconvProfile {
  /** The released GenAI conventions of semantic-conventions v1.41. */
  V1_41,
  /** The latest experimental GenAI conventions, opted into with {@code gen_ai_latest_experimental}. */
  LATEST_EXPERIMENTAL;

  /** The opt-in value that selects {@link #LATEST_EXPERIMENTAL}. */
  public static final String OPT_IN_VALUE = "gen_ai_latest_experimental";

  /**
   * Reads the profile from the system property {@code otel.semconv-stability.opt-in}, falling back to the
   * environment variable {@code OTEL_SEMCONV_STABILITY_OPT_IN}.
   *
   * @return {@link #LATEST_EXPERIMENTAL} when the comma-separated opt-in list names {@value #OPT_IN_VALUE}, else
   *     {@link #V1_41}
   */
  public static SemconvProfile fromEnvironment() {
    String value = System.getProperty("otel.semconv-stability.opt-in");
    if (value == null) {
      value = System.getenv("OTEL_SEMCONV_STABILITY_OPT_IN");
    }
    return fromOptIn(value);
  }

  /**
   * Parses an {@code OTEL_SEMCONV_STABILITY_OPT_IN} value.
   *
   * @param optIn the comma-separated opt-in list, or {@code null}
   * @return the selected profile
   */
  public static SemconvProfile fromOptIn(@Nullable String optIn) {
    if (optIn == null) {
      return V1_41;
    }
    for (String part : optIn.split(",")) {
      if (part.trim().toLowerCase(Locale.ROOT).equals(OPT_IN_VALUE)) {
        return LATEST_EXPERIMENTAL;
      }
    }
    return V1_41;
  }
}
