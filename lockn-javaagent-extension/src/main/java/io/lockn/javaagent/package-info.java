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
 * adds LockN's cost pipeline and reads the {@code lockn.pricing.*} and {@code lockn.attribution.*} properties of
 * {@link io.lockn.pricing.PricingConfig} ({@code -D} or {@code LOCKN_PRICING_*} and {@code LOCKN_ATTRIBUTION_*}
 * environment variables): the same keys, with the same meaning, as LockN's Spring Boot starter. The pipeline copies
 * the allowlisted Baggage attribution onto the agent's GenAI spans, so that a tenant the application puts in Baggage
 * ({@code app.tenant_id}) is on the agent's OpenAI span and, with {@code
 * -Dlockn.pricing.metric.attribution-keys=app.tenant_id}, on the {@code lockn.client.cost} metric:
 *
 * <pre>{@code
 * java -javaagent:opentelemetry-javaagent.jar \
 *      -Dotel.javaagent.extensions=lockn-javaagent-extension.jar \
 *      -Dlockn.pricing.catalog=/etc/lockn/negotiated.json \
 *      '-Dlockn.pricing.aliases=prod-gpt4o-eu=azure.ai.openai/gpt-4o;region=eu' \
 *      -Dlockn.pricing.discounts=openai=15 \
 *      -Dlockn.pricing.metric.attribution-keys=app.tenant_id \
 *      -jar app.jar
 * }</pre>
 *
 * <p>An invalid value or a bad price file is logged with the property (and the file, entry and field) and the agent
 * goes on with LockN's defaults, the bundled prices, unless {@code lockn.pricing.fail-on-error=true}.
 *
 * <p>This package holds no classes; it documents the artifact.
 */
@NullMarked
package io.lockn.javaagent;

import org.jspecify.annotations.NullMarked;
