// Vercel AI SDK 6 (ai 6, @ai-sdk/openai 3, @ai-sdk/anthropic 3), whose spans come from `ai` itself
// once a call has `experimental_telemetry: {isEnabled: true}`: `node run.cjs openai|anthropic`.
// Attribution the AI SDK 6 way: `experimental_telemetry.metadata`, which every span of the call
// carries as `ai.telemetry.metadata.<key>`.
'use strict';
const kit = require('../../lib/kit.cjs');
const vercel = require('../../lib/vercel.cjs');
const api = require('@opentelemetry/api');

const which = process.argv[2];
if (which !== 'openai' && which !== 'anthropic') throw new Error('usage: node run.cjs openai|anthropic');

const provider = kit.tracing3({
  api,
  sdkTrace: require('@opentelemetry/sdk-trace'),
  contextAsyncHooks: require('@opentelemetry/context-async-hooks'),
  exporter: require('@opentelemetry/exporter-trace-otlp-http'),
  resources: require('@opentelemetry/resources'),
});

const ai = require('ai');
const { z } = require('zod');

const callOptions = {
  experimental_telemetry: {
    isEnabled: true,
    functionId: 'support-chat',
    metadata: { tenantId: kit.ATTRIBUTION.tenant, userId: kit.ATTRIBUTION.user, sessionId: kit.ATTRIBUTION.session },
  },
};

kit.run(async () => {
  if (which === 'openai') {
    const openai = require('@ai-sdk/openai').createOpenAI({ baseURL: kit.OPENAI_BASE_URL, apiKey: 'sk-lockn-fixture' });
    await vercel.runVercelOpenAI({ ai, z, openai, callOptions, systemKey: 'system' });
  } else {
    const anthropic = require('@ai-sdk/anthropic').createAnthropic({ baseURL: `${kit.ANTHROPIC_BASE_URL}/v1`, apiKey: 'sk-ant-lockn-fixture' });
    await vercel.runVercelAnthropic({ ai, z, anthropic, callOptions, systemKey: 'system' });
  }
  await provider.forceFlush();
  await provider.shutdown();
});
