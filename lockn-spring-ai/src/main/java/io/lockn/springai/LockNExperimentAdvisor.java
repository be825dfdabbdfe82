package io.lockn.springai;

import io.lockn.compression.experiment.Assignment;
import io.lockn.compression.experiment.Experiment;
import io.lockn.springai.internal.ReactorScopes;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

/**
 * A ChatClient advisor (needs {@code lockn-compression}) that assigns each request's unit to an A/B {@link
 * Experiment} group and makes the assignment current for the request: the group is in Baggage (so the spans of the
 * request, here and downstream, carry {@code lockn.experiment.name}/{@code group}) and on the current span. The unit
 * is the request-context value of {@code unitKey}, else the current Baggage's (for example the tenant); a request
 * without a unit is not assigned. Read the group inside the request with {@link #GROUP} in the request context, for
 * example to decide whether to compress.
 */
public final class LockNExperimentAdvisor implements CallAdvisor, StreamAdvisor {

  /** Right after {@link LockNContextAdvisor}, so that the unit may come from the request's attribution. */
  public static final int DEFAULT_ORDER = LockNContextAdvisor.DEFAULT_ORDER + 10;

  /** The request-context key under which the assigned group's key is passed on. */
  public static final String GROUP = "lockn.experiment.group";

  private final Experiment experiment;
  private final String unitKey;
  private final int order;

  private LockNExperimentAdvisor(Experiment experiment, String unitKey, int order) {
    this.experiment = experiment;
    this.unitKey = unitKey;
    this.order = order;
  }

  /**
   * Creates the advisor.
   *
   * @param experiment the experiment
   * @param unitKey the request-context or Baggage key of the unit, e.g. {@code app.tenant_id}
   * @param order the advisor order, e.g. {@link #DEFAULT_ORDER}
   * @return the advisor
   */
  public static LockNExperimentAdvisor of(Experiment experiment, String unitKey, int order) {
    return new LockNExperimentAdvisor(
        Objects.requireNonNull(experiment, "experiment"), Objects.requireNonNull(unitKey, "unitKey"), order);
  }

  @Override
  public String getName() {
    return "LockN Experiment Advisor " + experiment;
  }

  @Override
  public int getOrder() {
    return order;
  }

  @Override
  public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
    Assignment assignment = assign(request);
    if (assignment == null) {
      return chain.nextCall(request);
    }
    try (Scope ignored = assignment.makeCurrent()) {
      assignment.applyTo(Span.current());
      return chain.nextCall(request.mutate().context(GROUP, assignment.variationKey()).build());
    }
  }

  @Override
  public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
    return Flux.defer(() -> {
      Assignment assignment = assign(request);
      if (assignment == null) {
        return chain.nextStream(request);
      }
      Flux<ChatClientResponse> inner;
      try (Scope ignored = assignment.makeCurrent()) {
        assignment.applyTo(Span.current());
        inner = chain.nextStream(request.mutate().context(GROUP, assignment.variationKey()).build());
      }
      return ReactorScopes.subscribedWithin(assignment::makeCurrent, inner);
    });
  }

  private @Nullable Assignment assign(ChatClientRequest request) {
    Object unit = request.context().get(unitKey);
    String id = unit != null ? unit.toString() : Baggage.current().getEntryValue(unitKey);
    if (id == null || id.isEmpty()) {
      return null;
    }
    Assignment assignment = experiment.assign(id);
    return assignment.inExperiment() ? assignment : null;
  }

  @Override
  public String toString() {
    return "LockNExperimentAdvisor{" + experiment + ", unit=" + unitKey + ", order=" + order + "}";
  }
}
