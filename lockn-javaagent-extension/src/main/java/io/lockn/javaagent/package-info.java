/**
 * The LockN extension for the OpenTelemetry Java agent: zero-code, in-process cost on every GenAI span the agent
 * records (its OpenAI and Bedrock instrumentation, and any other GenAI span in the JVM).
 *
 * <pre>{@code
 * java -javaagent:opentelemetry-javaagent.jar \
 *      -Dotel.javaagent.extensions=lockn-javaagent-extension.jar \
 *      -jar app.jar
 * }</pre>
 *
 * <p>The jar holds {@code lockn-core}, {@code lockn-pricing} and their dependencies, with Jackson relocated to {@code
 * io.lockn.shaded.jackson} so that it cannot clash with the application's or the agent's; it holds no OpenTelemetry
 * class, since the agent provides the API and SDK. The agent finds {@link
 * io.lockn.pricing.autoconfigure.PricingAutoConfigurationCustomizerProvider} through {@code META-INF/services}; it
 * adds the cost span processor and reads the {@code lockn.pricing.*} properties ({@code -D} or {@code
 * LOCKN_PRICING_*} environment variables) described there. A bad price file is logged with its name and the agent
 * goes on with the bundled prices, unless {@code lockn.pricing.fail-on-error=true}.
 *
 * <p>This package holds no classes; it documents the artifact.
 */
@NullMarked
package io.lockn.javaagent;

import org.jspecify.annotations.NullMarked;
