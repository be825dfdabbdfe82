package io.lockn.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Records a parameter of an {@link AgentTask} or {@link AgentTool} method as a span attribute. Strings, booleans,
 * integral and floating-point numbers keep their type; anything else is recorded with {@code toString()}, cut to
 * 256 characters. A {@code null} argument is not recorded.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface SpanAttribute {

  /**
   * The attribute key, for example {@code app.ticket_id}; defaults to the parameter name, which needs the {@code
   * -parameters} compiler flag.
   *
   * @return the key, or empty for the parameter name
   */
  String value() default "";
}
