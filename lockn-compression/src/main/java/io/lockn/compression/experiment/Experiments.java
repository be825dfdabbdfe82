package io.lockn.compression.experiment;

import io.lockn.core.AttributionKeys;
import io.opentelemetry.api.common.AttributeKey;
import java.util.List;
import java.util.Objects;

/**
 * Attribute and Baggage keys of experiment assignments.
 *
 * <p>LockN copies only allowlisted Baggage keys onto its spans. To have {@code lockn.experiment.name} and {@code
 * lockn.experiment.group} on every GenAI span below an {@link Assignment#makeCurrent()}, allowlist them when building
 * LockN:
 *
 * <pre>{@code
 * AttributionKeys keys = Experiments.allowlist(AttributionKeys.builder()).build();
 * // same as: AttributionKeys.builder().addKey("lockn.experiment.name").addKey("lockn.experiment.group").build()
 * LockN lockn = LockN.builder().setOpenTelemetry(otel).setAttributionKeys(keys).build();
 * }</pre>
 */
public final class Experiments {

  /** {@code lockn.experiment.name}: the experiment's name; a span attribute and a Baggage key. */
  public static final String EXPERIMENT_NAME_KEY = "lockn.experiment.name";
  /** {@code lockn.experiment.group}: the assigned variation's key; a span attribute and a Baggage key. */
  public static final String EXPERIMENT_GROUP_KEY = "lockn.experiment.group";

  /** The Baggage keys that {@link Assignment#makeCurrent()} sets, to allowlist in {@link AttributionKeys}. */
  public static final List<String> BAGGAGE_KEYS = List.of(EXPERIMENT_NAME_KEY, EXPERIMENT_GROUP_KEY);

  /** {@code lockn.experiment.name}. */
  public static final AttributeKey<String> EXPERIMENT_NAME = AttributeKey.stringKey(EXPERIMENT_NAME_KEY);
  /** {@code lockn.experiment.group}. */
  public static final AttributeKey<String> EXPERIMENT_GROUP = AttributeKey.stringKey(EXPERIMENT_GROUP_KEY);

  /** OpenTelemetry {@code feature_flag.key}: the experiment's name. */
  public static final AttributeKey<String> FEATURE_FLAG_KEY = AttributeKey.stringKey("feature_flag.key");
  /** OpenTelemetry {@code feature_flag.result.variant}: the assigned variation's key. */
  public static final AttributeKey<String> FEATURE_FLAG_RESULT_VARIANT =
      AttributeKey.stringKey("feature_flag.result.variant");
  /**
   * OpenTelemetry {@code feature_flag.result.reason}: {@value #REASON_SPLIT} for a hash assignment, {@value
   * #REASON_DEFAULT} for a unit that is not in the experiment.
   */
  public static final AttributeKey<String> FEATURE_FLAG_RESULT_REASON =
      AttributeKey.stringKey("feature_flag.result.reason");
  /** OpenTelemetry {@code feature_flag.provider.name}: {@value #PROVIDER_NAME}. */
  public static final AttributeKey<String> FEATURE_FLAG_PROVIDER_NAME =
      AttributeKey.stringKey("feature_flag.provider.name");

  /** The reason for a unit assigned by hashing. */
  public static final String REASON_SPLIT = "split";
  /** The reason for a unit outside the experiment (coverage or namespace), which gets the control variation. */
  public static final String REASON_DEFAULT = "default";
  /** The provider name reported in {@code feature_flag.provider.name}. */
  public static final String PROVIDER_NAME = "lockn";

  private Experiments() {}

  /**
   * Adds {@link #BAGGAGE_KEYS} to the allowlist.
   *
   * @param builder the attribution keys being built
   * @return {@code builder}
   */
  public static AttributionKeys.Builder allowlist(AttributionKeys.Builder builder) {
    Objects.requireNonNull(builder, "builder");
    for (String key : BAGGAGE_KEYS) {
      builder.addKey(key);
    }
    return builder;
  }
}
