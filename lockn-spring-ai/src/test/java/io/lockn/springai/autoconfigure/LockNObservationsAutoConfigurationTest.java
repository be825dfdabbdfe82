package io.lockn.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.LockN;
import io.lockn.core.LockNScope;
import io.lockn.springai.LockNObservations;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.Span;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@link LockNObservationsAutoConfiguration}: with Boot's Micrometer Tracing on OpenTelemetry, the {@code LockN} bean's
 * scopes are Micrometer Observations; Boot's own switch turns them off; without the OpenTelemetry bridge nothing is
 * defined.
 */
class LockNObservationsAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(OpenTelemetrySdkAutoConfiguration.class,
          ObservationAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
          OpenTelemetryTracingAutoConfiguration.class, LockNAutoConfiguration.class,
          LockNObservationsAutoConfiguration.class))
      .withPropertyValues("management.tracing.sampling.probability=1.0");

  @Test
  void withMicrometerTracing_theLockNBeansScopesAreObservations() {
    runner.run(ctx -> {
      assertThat(ctx).hasNotFailed()
          .hasSingleBean(LockNObservations.class)
          .hasSingleBean(LockNObservations.TracingHandler.class)
          .hasSingleBean(LockNObservations.MeterHandler.class)
          .hasSingleBean(LockNObservations.ParentHandler.class);
      ObservationRegistry registry = ctx.getBean(ObservationRegistry.class);
      try (LockNScope agent = ctx.getBean(LockN.class).agent("support-bot").task("answer").start()) {
        assertThat(registry.getCurrentObservation()).isNotNull();
        assertThat(registry.getCurrentObservation()).isSameAs(LockNObservations.observation(agent.context()));
        assertThat(registry.getCurrentObservation().getContext())
            .isInstanceOfSatisfying(LockNObservations.OperationContext.class, scope -> {
              assertThat(scope.getAgentName()).isEqualTo("support-bot");
              assertThat(scope.getTaskName()).isEqualTo("answer");
            });
        assertThat(Span.current()).isSameAs(agent.span());
      }
      assertThat(registry.getCurrentObservation()).isNull();
    });
  }

  @Test
  void bootsObservationSwitch_leavesScopesToOpenTelemetry() {
    runner.withPropertyValues("management.observations.enable.lockn.operation=false").run(ctx -> {
      ObservationRegistry registry = ctx.getBean(ObservationRegistry.class);
      try (LockNScope agent = ctx.getBean(LockN.class).agent("support-bot").start()) {
        assertThat(registry.getCurrentObservation()).isNull();
        assertThat(LockNObservations.observation(agent.context())).isNull();
        assertThat(Span.current()).isSameAs(agent.span());
      }
    });
  }

  @Test
  void withoutMicrometerTracingsOpenTelemetryBridge_nothingIsDefined() {
    runner.withClassLoader(new FilteredClassLoader(OtelTracer.class)).run(ctx -> {
      assertThat(ctx).hasNotFailed().doesNotHaveBean(LockNObservations.class)
          .doesNotHaveBean(LockNObservations.TracingHandler.class);
      try (LockNScope agent = ctx.getBean(LockN.class).agent("support-bot").start()) {
        assertThat(Span.current()).isSameAs(agent.span());
        assertThat(LockNObservations.observation(agent.context())).isNull();
      }
    });
  }
}
