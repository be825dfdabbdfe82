package io.lockn.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a tool an agent calls: each call becomes an {@code execute_tool {name}} span. Named {@code
 * AgentTool} so that it does not clash with the {@code @Tool} annotations of LangChain4j and Spring AI, which it can
 * sit beside.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AgentTool {

  /**
   * {@code gen_ai.tool.name}; defaults to the method name.
   *
   * @return the tool name, or empty for the default
   */
  String name() default "";

  /**
   * {@code gen_ai.tool.description}.
   *
   * @return the description, or empty for none
   */
  String description() default "";

  /**
   * {@code gen_ai.tool.type}: {@code function}, {@code extension} or {@code datastore}.
   *
   * @return the tool type
   */
  String type() default "function";
}
