package io.lockn.springai;

import io.lockn.core.AttributionKeys;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.CallCost;
import io.lockn.core.GenAiOperation;
import io.lockn.core.GenAiMessage;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.AdmissionEvent;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallRequest;
import io.lockn.core.spi.EndedCall;
import io.lockn.core.spi.TokenCounter;
import io.lockn.core.spi.UsageLogger;
import io.lockn.springai.internal.ReactorScopes;
import io.lockn.springai.internal.SpringAiMessages;
import io.lockn.springai.internal.SpringAiUsages;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.tokenizer.JTokkitTokenCountEstimator;
import org.springframework.ai.tokenizer.TokenCountEstimator;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

/**
 * A ChatClient advisor that asks the budget before every model round trip: a BLOCK throws {@link
 * BudgetExceededException} (the same instance, from {@code call()}, or as the stream's error) before the model is
 * called; a THROTTLE downgrade sends the admitted model instead; and the round trip's reported usage settles the
 * reservation (released when the call fails).
 *
 * <p>The reservation's input tokens are counted by the {@link Builder#tokenCounter TokenCounter} when one is given
 * (the starter gives its jtokkit counter), else by Spring AI's {@link TokenCountEstimator} ({@link
 * JTokkitTokenCountEstimator} unless {@link Builder#tokenCountEstimator} gives another), else by {@link
 * TokenCounter#approximate()}; without {@code max_tokens} in the request's options the budget reserves its output
 * estimate ({@code io.lockn.budget.Budgets}). What the budget decides (alerts, throttles, approvals, forecasts, found
 * at admission or when the round trip's usage settles it) is recorded as span events on the span current when the
 * advisor runs, the one Spring AI's chat span starts under (or the nearest recording LockN operation above it), and
 * a block as the {@code lockn.budget.exceeded} event there.
 *
 * <p>Its {@link #DEFAULT_ORDER} places it after Spring AI's {@code ToolCallingAdvisor} ({@code HIGHEST_PRECEDENCE +
 * 300}), so it sees each round trip of the tool loop, not the whole loop once. The admitted model travels in the
 * request context under {@link #ADMITTED_MODEL}, where {@link LockNObservationHandler} finds it for the chat span.
 * The application's and the model's exceptions pass through unchanged; a failing admission policy (other than a
 * block) is logged and the call admitted.
 */
public final class LockNBudgetAdvisor implements CallAdvisor, StreamAdvisor {

  /** After Spring AI's ToolCallingAdvisor ({@code HIGHEST_PRECEDENCE + 300}). */
  public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 400;

  /** The request-context key of the model the budget admitted for the round trip. */
  public static final String ADMITTED_MODEL = "lockn.budget.admitted_model";

  private final CallAdmission admission;
  private final AttributionKeys keys;
  private final TokenCounter tokenCounter;
  private final @Nullable String provider;
  private final @Nullable String defaultModel;
  private final int order;

  private LockNBudgetAdvisor(Builder b) {
    this.admission = b.admission;
    // The same allowlist and sanitising as LockN's own admission, so both scope a budget by the same value.
    this.keys = b.keys;
    TokenCounter counter = b.tokenCounter;
    if (counter == null) {
      TokenCountEstimator estimator = b.estimator != null ? b.estimator : defaultEstimator();
      counter = estimator != null ? new EstimatorTokenCounter(estimator) : TokenCounter.approximate();
    }
    this.tokenCounter = counter;
    this.provider = b.provider;
    this.defaultModel = b.defaultModel;
    this.order = b.order;
  }

  /**
   * A builder.
   *
   * @param admission the policy, usually {@code io.lockn.budget.Budgets}
   * @return the builder
   */
  public static Builder builder(CallAdmission admission) {
    return new Builder(admission);
  }

  @Override
  public String getName() {
    return "LockN Budget Advisor";
  }

  @Override
  public int getOrder() {
    return order;
  }

  @Override
  public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
    Admitted admitted = admit(request);
    if (admitted == null) {
      return chain.nextCall(request);
    }
    ChatClientResponse response;
    try {
      response = chain.nextCall(admitted.request);
    } catch (RuntimeException | Error e) {
      release(admitted.admission);
      throw e;
    }
    complete(admitted, response.chatResponse());
    return response;
  }

  @Override
  public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
    return Flux.deferContextual(reactorContext -> {
      // A later round trip of a streamed tool loop runs on another thread: restore the request's Baggage that
      // LockNContextAdvisor carried in the Reactor context, for the admission and for the model call's span.
      io.opentelemetry.context.Context carried = ReactorScopes.carried(reactorContext);
      if (carried == null) {
        return admitAndStream(request, chain);
      }
      try (io.opentelemetry.context.Scope ignored = carried.makeCurrent()) {
        return ReactorScopes.subscribedWithin(carried::makeCurrent, admitAndStream(request, chain));
      }
    });
  }

  private Flux<ChatClientResponse> admitAndStream(ChatClientRequest request, StreamAdvisorChain chain) {
    Admitted admitted;
    try {
      admitted = admit(request);
    } catch (BudgetExceededException blocked) {
      return Flux.error(blocked);
    }
    if (admitted == null) {
      return chain.nextStream(request);
    }
    AtomicReference<@Nullable ChatResponse> last = new AtomicReference<>();
    AtomicBoolean settled = new AtomicBoolean();
    return chain.nextStream(admitted.request)
        .doOnNext(r -> {
          ChatResponse c = r.chatResponse();
          if (c != null && c.getMetadata() != null && SpringAiUsages.from(c.getMetadata().getUsage()) != null) {
            last.set(c);
          }
        })
        .doOnError(e -> {
          if (settled.compareAndSet(false, true)) {
            release(admitted.admission);
          }
        })
        .doFinally(signal -> {
          if (settled.compareAndSet(false, true)) {
            // Completed, or cancelled after some chunks: settle with the usage seen so far.
            complete(admitted, last.get());
          }
        });
  }

  /**
   * The admission, the request to send and what the call was admitted as; {@code null} when LockN failed (the call
   * goes on unadmitted).
   */
  private record Admitted(
      Admission admission,
      ChatClientRequest request,
      String provider,
      String requestModel,
      String admittedModel,
      Map<String, String> attribution) {}

  private @Nullable Admitted admit(ChatClientRequest request) {
    Span eventSpan = Span.getInvalid();
    Admission granted;
    CallRequest callRequest;
    ChatOptions options = request.prompt().getOptions();
    String model;
    try {
      model = options != null && options.getModel() != null ? options.getModel() : defaultModel;
      if (model == null) {
        UsageLogger.warn("the ChatClient request names no model and the LockN budget advisor has no default model; "
            + "the call is not admitted by the budget");
        return null;
      }
      String providerName = provider != null ? provider : providerOf(options);
      long maxTokens = options != null && options.getMaxTokens() != null ? options.getMaxTokens() : -1;
      // Spring AI's chat span starts under the current span: the budget's events go there, or to the nearest
      // recording ancestor when it is not recording.
      eventSpan = CallRequest.recordingSpan(Context.current());
      callRequest = CallRequest.builder(providerName, model)
          .estimatedInputTokens(estimate(providerName, model, request))
          .maxOutputTokens(maxTokens)
          .attribution(keys.toMap(Baggage.current()))
          .traceId(Span.current().getSpanContext().getTraceId())
          .span(eventSpan)
          .build();
      granted = admission.admit(callRequest);
      if (granted == null) {
        return null;
      }
    } catch (BudgetExceededException blocked) {
      recordBlock(eventSpan, blocked);
      throw blocked;
    } catch (Throwable t) {
      UsageLogger.failed("budget admission " + admission.getClass().getName(), t);
      return null;
    }
    try {
      // An empty model means "the request model, unchanged" (Admission.allowed(): no budget applied).
      String admittedModel = granted.model().isEmpty() ? model : granted.model();
      ChatClientRequest.Builder out = request.mutate().context(ADMITTED_MODEL, admittedModel);
      if (!admittedModel.equals(model)) {
        ChatOptions swapped = options != null
            ? options.mutate().model(admittedModel).build()
            : ChatOptions.builder().model(admittedModel).build();
        out.prompt(request.prompt().mutate().chatOptions(swapped).build());
      }
      return new Admitted(granted, out.build(), callRequest.provider(), model, admittedModel,
          callRequest.attribution());
    } catch (Throwable t) {
      UsageLogger.failed("applying the admitted model", t);
      return new Admitted(granted, request, callRequest.provider(), model, model, callRequest.attribution());
    }
  }

  /** The prompt's input tokens: counted, else estimated (never 0 for a prompt with a message). */
  private long estimate(String providerName, String model, ChatClientRequest request) {
    List<GenAiMessage> messages;
    try {
      messages = SpringAiMessages.from(request.prompt().getInstructions());
    } catch (Throwable t) {
      UsageLogger.failed("reading the prompt's messages", t);
      return 0;
    }
    long n = -1;
    try {
      n = tokenCounter.countInputTokens(providerName, model, messages);
    } catch (Throwable t) {
      UsageLogger.failed("counting the prompt's tokens", t);
    }
    return n >= 0 ? n : TokenCounter.approximate().countInputTokens(providerName, model, messages);
  }

  /** The block as LockN records it on its own calls' spans; the exception reaches the application regardless. */
  private static void recordBlock(Span span, BudgetExceededException blocked) {
    if (!span.isRecording()) {
      return;
    }
    try {
      AdmissionEvent event = AdmissionEvent.blocked(blocked);
      span.addEvent(event.name(), event.attributes());
      Attributes extra = blocked.spanAttributes();
      if (extra != null && !extra.isEmpty()) {
        span.setAllAttributes(extra);
      }
    } catch (Throwable t) {
      UsageLogger.failed("recording a budget block", t);
    }
  }

  /**
   * Spring AI's default estimator, shared: built once (it loads jtokkit's cl100k_base vocabulary), when the first
   * advisor without a counter is built. Null when it cannot be (jtokkit left off the classpath): the approximate count.
   */
  private static @Nullable TokenCountEstimator defaultEstimator() {
    try {
      return DefaultEstimator.INSTANCE;
    } catch (LinkageError | RuntimeException e) {
      UsageLogger.failed("loading Spring AI's JTokkitTokenCountEstimator", e);
      return null;
    }
  }

  private static final class DefaultEstimator {
    static final TokenCountEstimator INSTANCE = new JTokkitTokenCountEstimator();
  }

  /**
   * A Spring AI {@link TokenCountEstimator} as a LockN {@link TokenCounter}: the estimate of each text, tool call and
   * tool response, plus {@link TokenCounter#approximate()}'s 4 tokens of framing per message.
   */
  private record EstimatorTokenCounter(TokenCountEstimator estimator) implements TokenCounter {
    @Override
    public long countInputTokens(String provider, String model, List<GenAiMessage> messages) {
      long tokens = 0;
      for (GenAiMessage m : messages) {
        tokens += 4;
        for (io.lockn.core.MessagePart part : m.parts()) {
          if (part instanceof io.lockn.core.MessagePart.Text text) {
            tokens += count(text.content());
          } else if (part instanceof io.lockn.core.MessagePart.ToolCall call) {
            tokens += count(call.name()) + count(call.arguments());
          } else if (part instanceof io.lockn.core.MessagePart.ToolCallResponse response) {
            tokens += count(response.response());
          }
        }
      }
      return tokens;
    }

    private long count(String text) {
      return text.isEmpty() ? 0 : estimator.estimate(text);
    }
  }


  /** The provider from the options' class (OpenAiChatOptions → openai), for an advisor not told its provider. */
  static String providerOf(@Nullable ChatOptions options) {
    if (options == null) {
      return "spring_ai";
    }
    String name = options.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    if (name.startsWith("azureopenai")) {
      return "azure.ai.openai";
    }
    if (name.startsWith("openai")) {
      return "openai";
    }
    if (name.startsWith("anthropic")) {
      return "anthropic";
    }
    if (name.startsWith("bedrock")) {
      return "aws.bedrock";
    }
    if (name.startsWith("googlegenai")) {
      return "gcp.gen_ai";
    }
    if (name.startsWith("vertexai")) {
      return "gcp.vertex_ai";
    }
    if (name.startsWith("mistral")) {
      return "mistral_ai";
    }
    if (name.startsWith("deepseek")) {
      return "deepseek";
    }
    return "spring_ai";
  }

  /**
   * Settles with what the response reports. The call is not priced here ({@link CallCost#notPriced()}): the budget
   * prices it by LockN's rules, and the span's cost comes from the cost pipeline.
   */
  private static void complete(Admitted admitted, @Nullable ChatResponse response) {
    try {
      TokenUsage usage = null;
      String model = null;
      if (response != null && response.getMetadata() != null) {
        usage = SpringAiUsages.from(response.getMetadata().getUsage());
        model = response.getMetadata().getModel();
      }
      EndedCall call = EndedCall.builder(GenAiOperation.CHAT, admitted.provider(), admitted.requestModel())
          .admittedModel(admitted.admittedModel())
          .responseModel(model)
          .usage(usage != null ? usage : TokenUsage.EMPTY)
          .attribution(admitted.attribution())
          .build();
      admitted.admission().complete(call, CallCost.notPriced());
    } catch (Throwable t) {
      UsageLogger.failed("settling a budget admission", t);
    }
  }

  private static void release(Admission admission) {
    try {
      admission.release();
    } catch (Throwable t) {
      UsageLogger.failed("releasing a budget admission", t);
    }
  }

  @Override
  public String toString() {
    return "LockNBudgetAdvisor{" + admission + ", order=" + order + "}";
  }

  /** Builds a {@link LockNBudgetAdvisor}; fails fast on bad values. */
  public static final class Builder {
    private final CallAdmission admission;
    private AttributionKeys keys = AttributionKeys.defaults();
    private @Nullable TokenCounter tokenCounter;
    private @Nullable TokenCountEstimator estimator;
    private @Nullable String provider;
    private @Nullable String defaultModel;
    private int order = DEFAULT_ORDER;

    private Builder(CallAdmission admission) {
      this.admission = Objects.requireNonNull(admission, "admission");
    }

    /**
     * The Baggage keys whose values scope budgets (tenant, cost center, ...); LockN's defaults otherwise.
     *
     * @param keys the keys
     * @return this builder
     */
    public Builder attributionKeys(AttributionKeys keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * Counts the prompt's tokens for the reservation estimate, before any {@link #tokenCountEstimator}; when it
     * cannot count a model (it answers -1), the estimate is {@link TokenCounter#approximate()}.
     *
     * @param tokenCounter the counter, for example lockn-compression's {@code JtokkitTokenCounter}
     * @return this builder
     */
    public Builder tokenCounter(TokenCounter tokenCounter) {
      this.tokenCounter = Objects.requireNonNull(tokenCounter, "tokenCounter");
      return this;
    }

    /**
     * Counts the prompt's tokens with Spring AI's estimator when no {@link #tokenCounter} is given. Defaults to
     * Spring AI's {@link JTokkitTokenCountEstimator} ({@code cl100k_base}).
     *
     * @param estimator the estimator
     * @return this builder
     */
    public Builder tokenCountEstimator(TokenCountEstimator estimator) {
      this.estimator = Objects.requireNonNull(estimator, "estimator");
      return this;
    }

    /**
     * The provider ({@code gen_ai.provider.name}); by default taken from the options' class.
     *
     * @param provider the provider
     * @return this builder
     */
    public Builder provider(String provider) {
      this.provider = requireText(provider, "provider");
      return this;
    }

    /**
     * The model to admit when a request's options name none (the model's configured default).
     *
     * @param model the model
     * @return this builder
     */
    public Builder defaultModel(String model) {
      this.defaultModel = requireText(model, "model");
      return this;
    }

    /**
     * The advisor order; keep it between the ToolCallingAdvisor's order and {@code Ordered.LOWEST_PRECEDENCE}.
     *
     * @param order the order
     * @return this builder
     */
    public Builder order(int order) {
      if (order == Ordered.LOWEST_PRECEDENCE) {
        throw new IllegalArgumentException("order must be below Ordered.LOWEST_PRECEDENCE (the model's own advisor)");
      }
      this.order = order;
      return this;
    }

    /**
     * Builds the advisor.
     *
     * @return the advisor
     */
    public LockNBudgetAdvisor build() {
      return new LockNBudgetAdvisor(this);
    }

    private static String requireText(String s, String what) {
      if (Objects.requireNonNull(s, what).isBlank()) {
        throw new IllegalArgumentException(what + " is blank");
      }
      return s;
    }
  }
}
