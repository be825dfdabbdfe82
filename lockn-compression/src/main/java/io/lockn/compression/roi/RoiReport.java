package io.lockn.compression.roi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The results of an {@link RoiAnalysis}: per experiment, first over {@link RoiResult#ALL_AGENTS} then per agent, one
 * result per treatment group, in name order.
 *
 * @param results the results
 */
public record RoiReport(List<RoiResult> results) {

  /**
   * Copies the results.
   *
   * @param results the results
   */
  public RoiReport {
    results = List.copyOf(Objects.requireNonNull(results, "results"));
  }

  /**
   * The result for one experiment, agent and treatment group.
   *
   * @param experiment the experiment name
   * @param agent the agent, or {@link RoiResult#ALL_AGENTS}
   * @param group the treatment group
   * @return the result, or empty if there was no such treatment or no control to compare it with
   */
  public Optional<RoiResult> get(String experiment, String agent, String group) {
    return results.stream()
        .filter(r -> r.experiment().equals(experiment) && r.agent().equals(agent) && r.group().equals(group))
        .findFirst();
  }
}
