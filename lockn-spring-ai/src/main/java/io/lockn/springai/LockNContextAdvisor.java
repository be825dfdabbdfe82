package io.lockn.springai;

import io.lockn.core.AttributionKeys;
import io.lockn.springai.internal.ReactorScopes;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Map;
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
 * A ChatClient advisor that turns attribution given per request into W3C Baggage for the request's duration, so
 * that the spans, costs and budgets of every model and tool call of the request are attributed to it:
 *
 * <pre>{@code
 * chatClient.prompt(question).advisors(a -> a.param("app.tenant_id", "acme").param("app.feature", "support"))
 *     .call().content();
 * }</pre>
 *
 * <p>Only the configured attribution keys are copied (values cut to the keys' maximum length); values already in the
 * current Baggage (from an inbound request) stay unless the request context overrides them. It runs first ({@link
 * #DEFAULT_ORDER}, outside Spring AI's tool loop). For a streamed response, the Baggage is current while the stream
 * is assembled and subscribed; work Reactor moves to other threads sees it only with Reactor's automatic context
 * propagation.
 */
public final class LockNContextAdvisor implements CallAdvisor, StreamAdvisor {

  /** Before everything else, Spring AI's ToolCallingAdvisor ({@code HIGHEST_PRECEDENCE + 300}) included. */
  public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

  private final AttributionKeys keys;
  private final int order;

  private LockNContextAdvisor(AttributionKeys keys, int order) {
    this.keys = keys;
    this.order = order;
  }

  /**
   * A builder.
   *
   * @param keys the attribution keys to copy from the request context
   * @return the builder
   */
  public static Builder builder(AttributionKeys keys) {
    return new Builder(keys);
  }

  @Override
  public String getName() {
    return "LockN Context Advisor";
  }

  @Override
  public int getOrder() {
    return order;
  }

  @Override
  public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
    Context context = withAttribution(request.context());
    if (context == null) {
      return chain.nextCall(request);
    }
    try (Scope ignored = context.makeCurrent()) {
      return chain.nextCall(request);
    }
  }

  @Override
  public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
    Context context = withAttribution(request.context());
    if (context == null) {
      return chain.nextStream(request);
    }
    return Flux.defer(() -> {
      Flux<ChatClientResponse> inner;
      try (Scope ignored = context.makeCurrent()) {
        inner = chain.nextStream(request);
      }
      return ReactorScopes.subscribedWithin(context::makeCurrent, inner)
          // For the tool loop's later round trips, which run on other threads (see LockNBudgetAdvisor).
          .contextWrite(r -> r.put(ReactorScopes.BAGGAGE_KEY, Baggage.fromContext(context)));
    });
  }

  /** The current context with the request's attribution in its Baggage, or {@code null} when it has none. */
  @Nullable Context withAttribution(Map<String, @Nullable Object> requestContext) {
    BaggageBuilder baggage = null;
    for (String key : keys.allKeys()) {
      Object value = requestContext.get(key);
      if (value == null) {
        continue;
      }
      String s = value.toString();
      if (s.isEmpty()) {
        continue;
      }
      if (s.length() > keys.maxValueLength()) {
        s = s.substring(0, keys.maxValueLength());
      }
      if (baggage == null) {
        baggage = Baggage.current().toBuilder();
      }
      baggage.put(key, s);
    }
    return baggage == null ? null : Context.current().with(baggage.build());
  }

  @Override
  public String toString() {
    return "LockNContextAdvisor{" + keys.allKeys() + ", order=" + order + "}";
  }

  /** Builds a {@link LockNContextAdvisor}. */
  public static final class Builder {
    private final AttributionKeys keys;
    private int order = DEFAULT_ORDER;

    private Builder(AttributionKeys keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * The advisor order; keep it before the ToolCallingAdvisor's so that one Baggage covers the whole tool loop.
     *
     * @param order the order
     * @return this builder
     */
    public Builder order(int order) {
      this.order = order;
      return this;
    }

    /**
     * Builds the advisor.
     *
     * @return the advisor
     */
    public LockNContextAdvisor build() {
      return new LockNContextAdvisor(keys, order);
    }
  }
}
