package io.lockn.springai.autoconfigure;

import io.lockn.core.LockN;
import io.lockn.core.spi.ScopeBinder;
import io.lockn.springai.LockNObservations;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * With Micrometer Tracing on OpenTelemetry (Spring Boot's own tracing), makes LockN's workflow, agent, task and tool
 * scopes Micrometer Observations ({@link LockNObservations}), so that Spring AI's and Spring's observations started
 * inside an {@code @AgentTask} method or a {@code lockn.agent(...)} block nest under its span: the {@link ScopeBinder}
 * bean the {@link LockN} bean is built with; the tracing and meter handlers of those observations, first in Boot's
 * handler groups so that no second span and no timer is made for them; and the handler that puts observations started
 * without a parent (Spring AI's streams) under the LockN scope current on their thread. {@code
 * management.observations.enable.lockn.operation=false} turns the observations off (scopes are then current for
 * OpenTelemetry only).
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
      "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
      "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration"
    })
@ConditionalOnClass(
    name = {
      "io.lockn.core.spi.ScopeBinder",
      "io.micrometer.observation.ObservationRegistry",
      "io.micrometer.tracing.otel.bridge.OtelTracer"
    })
@ConditionalOnBean({ObservationRegistry.class, Tracer.class})
@ConditionalOnBooleanProperty(name = "lockn.enabled", matchIfMissing = true)
public final class LockNObservationsAutoConfiguration {

  /** Created by Spring. */
  LockNObservationsAutoConfiguration() {}

  /** Looked up on first use: the registry's handlers (LockN's among them) are created while the registry is. */
  @Bean
  @ConditionalOnMissingBean(ScopeBinder.class)
  LockNObservations lockNObservations(ObjectProvider<ObservationRegistry> registry, ObjectProvider<Tracer> tracer) {
    return new LockNObservations(registry::getObject, tracer::getObject);
  }

  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE)
  @ConditionalOnMissingBean
  LockNObservations.TracingHandler lockNObservationsTracingHandler(ObjectProvider<Tracer> tracer) {
    return new LockNObservations.TracingHandler(tracer::getObject);
  }

  /** Puts observations started without a parent (Spring AI's streams) under the LockN scope current on the thread. */
  @Bean
  @ConditionalOnMissingBean
  LockNObservations.ParentHandler lockNObservationsParentHandler() {
    return new LockNObservations.ParentHandler();
  }

  /** No {@code lockn.operation} timer: LockN records its own agent, tool and workflow metrics. */
  @ConditionalOnClass(name = "io.micrometer.core.instrument.observation.MeterObservationHandler")
  static class MeterHandlerConfiguration {

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    @ConditionalOnMissingBean
    LockNObservations.MeterHandler lockNObservationsMeterHandler() {
      return new LockNObservations.MeterHandler();
    }
  }
}
