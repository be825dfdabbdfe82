// Arize OpenInference instrumentations of openai 7 and @anthropic-ai/sdk 1.x on the OpenTelemetry JS
// 2.x trace SDK (the instrumentations depend on @opentelemetry/core ^2): `node run.cjs
// openai|anthropic`. Attribution the OpenInference way: the context setters of
// @arizeai/openinference-core (setSession, setUser, setMetadata), which every OpenInference span
// started in that context carries as `session.id`, `user.id` and `metadata` (a JSON string).
'use strict';
const kit = require('../../lib/kit.cjs');
const api = require('@opentelemetry/api');
const { setMetadata, setSession, setUser } = require('@arizeai/openinference-core');

const which = process.argv[2];
if (which !== 'openai' && which !== 'anthropic') throw new Error('usage: node run.cjs openai|anthropic');

const provider = kit.tracing2({
  sdkTraceNode: require('@opentelemetry/sdk-trace-node'),
  exporter: require('@opentelemetry/exporter-trace-otlp-http'),
  resources: require('@opentelemetry/resources'),
});

// Constructed before the client module is required: an instrumentation enables itself, hooking
// require, in its constructor.
if (which === 'openai') {
  const { OpenAIInstrumentation } = require('@arizeai/openinference-instrumentation-openai');
  new OpenAIInstrumentation({ tracerProvider: provider });
} else {
  const { AnthropicInstrumentation } = require('@arizeai/openinference-instrumentation-anthropic');
  new AnthropicInstrumentation({ tracerProvider: provider });
}

kit.run(async () => {
  let ctx = api.context.active();
  ctx = setSession(ctx, { sessionId: kit.ATTRIBUTION.session });
  ctx = setUser(ctx, { userId: kit.ATTRIBUTION.user });
  ctx = setMetadata(ctx, { tenant_id: kit.ATTRIBUTION.tenant });
  await api.context.with(ctx, async () => {
    if (which === 'openai') {
      const { OpenAI } = require('openai');
      await kit.runOpenAICalls(new OpenAI({ baseURL: kit.OPENAI_BASE_URL, apiKey: 'sk-lockn-fixture', maxRetries: 0 }));
    } else {
      const Anthropic = require('@anthropic-ai/sdk').default;
      await kit.runAnthropicCalls(new Anthropic({ baseURL: kit.ANTHROPIC_BASE_URL, apiKey: 'sk-ant-lockn-fixture', maxRetries: 0 }));
    }
  });
  await provider.forceFlush();
  await provider.shutdown();
});
