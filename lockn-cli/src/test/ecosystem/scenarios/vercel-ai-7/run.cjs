// Vercel AI SDK 7 (ai 7, @ai-sdk/otel, @ai-sdk/openai 4, @ai-sdk/anthropic 4): `node run.cjs
// openai|anthropic [usage|legacy]`. In 7 the spans come from a telemetry integration registered
// with `registerTelemetry`: @ai-sdk/otel's `OpenTelemetry` (GenAI semantic conventions; the
// default of the docs), with `usage` the same asked for its supplemental usage attributes
// (`usage: true`: uncached input, reasoning and text output as `ai.usage.*`), or with `legacy`
// its `LegacyOpenTelemetry` (the `ai.*` spans of AI SDK 6).
// Attribution the AI SDK 7 way: `experimental_telemetry.metadata` is gone; a call's
// `runtimeContext` values marked in `telemetry.includeRuntimeContext` reach the integration, and
// `OpenTelemetry({runtimeContext: true})` writes them as `ai.settings.context.<key>`
// (LegacyOpenTelemetry writes them without being asked).
'use strict';
const kit = require('../../lib/kit.cjs');
const vercel = require('../../lib/vercel.cjs');
const api = require('@opentelemetry/api');

const which = process.argv[2];
const variant = process.argv[3] ?? 'default';
if ((which !== 'openai' && which !== 'anthropic') || !['default', 'usage', 'legacy'].includes(variant)) {
  throw new Error('usage: node run.cjs openai|anthropic [usage|legacy]');
}

const provider = kit.tracing3({
  api,
  sdkTrace: require('@opentelemetry/sdk-trace'),
  contextAsyncHooks: require('@opentelemetry/context-async-hooks'),
  exporter: require('@opentelemetry/exporter-trace-otlp-http'),
  resources: require('@opentelemetry/resources'),
});

const ai = require('ai');
const { z } = require('zod');
const { LegacyOpenTelemetry, OpenTelemetry } = require('@ai-sdk/otel');

ai.registerTelemetry(
  variant === 'legacy' ? new LegacyOpenTelemetry() : new OpenTelemetry({ runtimeContext: true, usage: variant === 'usage' }),
);

const callOptions = {
  runtimeContext: { tenantId: kit.ATTRIBUTION.tenant, userId: kit.ATTRIBUTION.user, sessionId: kit.ATTRIBUTION.session },
  telemetry: { functionId: 'support-chat', includeRuntimeContext: { tenantId: true, userId: true, sessionId: true } },
};

kit.run(async () => {
  if (which === 'openai') {
    const openai = require('@ai-sdk/openai').createOpenAI({ baseURL: kit.OPENAI_BASE_URL, apiKey: 'sk-lockn-fixture' });
    await vercel.runVercelOpenAI({ ai, z, openai, callOptions, systemKey: 'instructions' });
  } else {
    const anthropic = require('@ai-sdk/anthropic').createAnthropic({ baseURL: `${kit.ANTHROPIC_BASE_URL}/v1`, apiKey: 'sk-ant-lockn-fixture' });
    await vercel.runVercelAnthropic({ ai, z, anthropic, callOptions, systemKey: 'instructions' });
  }
  await provider.forceFlush();
  await provider.shutdown();
});
