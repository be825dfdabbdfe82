package io.lockn.springai.autoconfigure;

import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.incubator.config.DeclarativeConfigProperties;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.DeclarativeConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.DeclarativeConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.OpenTelemetryConfigurationModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.SpanProcessorModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.SpanProcessorPropertyModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.TracerProviderModel;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * LockN's span processors for the SDK that the OpenTelemetry Spring Boot starter builds from declarative
 * configuration ({@code otel.file_format} and the {@code otel:} tree in {@code application.yaml}). That SDK runs no
 * {@code AutoConfigurationCustomizerProvider}, so neither lockn-pricing's SPI nor {@link StarterCustomizerProvider}
 * applies; it builds every span processor from the configuration model instead. This customizer puts LockN's
 * processors at the head of {@code tracer_provider.processors} (unless the configuration already names them), and
 * {@link Component} beans resolve those names to LockN's processor objects: the same route the starter takes for
 * its own thread-details processor.
 *
 * <p>A configuration without a {@code tracer_provider} records no spans, so nothing is added to it.
 */
final class DeclarativeStarterCustomizer implements DeclarativeConfigurationCustomizerProvider {

  /** The processor name of LockN's cost processor in the configuration model. */
  static final String COST = "lockn_cost";

  /** The processor name of LockN's attribution processor in the configuration model. */
  static final String ATTRIBUTION = "lockn_attribution";

  private final List<String> names;

  /**
   * @param names the processor names to add, in pipeline order; each must have a {@link Component} bean
   */
  DeclarativeStarterCustomizer(List<String> names) {
    this.names = List.copyOf(names);
  }

  @Override
  public void customize(DeclarativeConfigurationCustomizer customizer) {
    customizer.addModelCustomizer(this::addProcessors);
  }

  OpenTelemetryConfigurationModel addProcessors(OpenTelemetryConfigurationModel model) {
    try {
      TracerProviderModel tracerProvider = model.getTracerProvider();
      if (tracerProvider == null) {
        return model;
      }
      List<SpanProcessorModel> processors =
          tracerProvider.getProcessors() == null ? new ArrayList<>() : new ArrayList<>(tracerProvider.getProcessors());
      int at = 0;
      for (String name : names) {
        if (processors.stream().noneMatch(p -> names(p).containsKey(name))) {
          processors.add(at++, new SpanProcessorModel().withAdditionalProperty(name, new SpanProcessorPropertyModel()));
        }
      }
      tracerProvider.withProcessors(processors);
    } catch (RuntimeException | LinkageError e) {
      UsageLogger.failed("adding LockN's span processors to the declarative OpenTelemetry configuration", e);
    }
    return model;
  }

  private static Map<String, ?> names(SpanProcessorModel processor) {
    Map<String, ?> names = processor.getAdditionalProperties();
    return names == null ? Map.of() : names;
  }

  @Override
  public String toString() {
    return "LockN DeclarativeConfigurationCustomizerProvider" + names;
  }

  /** Resolves one of LockN's processor names in the configuration model to LockN's processor. */
  static final class Component implements ComponentProvider {
    private final String name;
    private final SpanProcessor processor;

    Component(String name, SpanProcessor processor) {
      this.name = name;
      this.processor = processor;
    }

    @Override
    public Class<SpanProcessor> getType() {
      return SpanProcessor.class;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public SpanProcessor create(DeclarativeConfigProperties config) {
      return processor;
    }

    @Override
    public String toString() {
      return "LockN ComponentProvider{" + name + "}";
    }
  }
}
