package io.lockn.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as an agent task: each call becomes an {@code invoke_agent {agent}} span carrying {@code
 * lockn.task.name}. Put {@link SpanAttribute} on parameters to record them.
 *
 * <pre>{@code
 * interface SupportAgent {
 *   @AgentTask(agent = "support-bot", task = "triage")
 *   Ticket triage(@SpanAttribute("app.ticket_id") String ticketId, String text);
 * }
 * SupportAgent agent = lockn.instrument(SupportAgent.class, new DefaultSupportAgent());
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AgentTask {

  /**
   * {@code gen_ai.agent.name}; defaults to the simple name of the declaring interface or class.
   *
   * @return the agent name, or empty for the default
   */
  String agent() default "";

  /**
   * {@code lockn.task.name}; defaults to the method name.
   *
   * @return the task name, or empty for the default
   */
  String task() default "";

  /**
   * {@code gen_ai.agent.description}.
   *
   * @return the description, or empty for none
   */
  String description() default "";
}
