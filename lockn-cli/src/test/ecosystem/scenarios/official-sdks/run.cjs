// The official clients with no instrumentation library: `node run.cjs anthropic on|off` or
// `node run.cjs openai`.
// - @anthropic-ai/sdk 1.x traces its own API calls with the OpenTelemetry API (on by default; `on`
//   keeps the default, metadata only; `off` passes `openTelemetry: false`). Its session key is the
//   `openTelemetry.conversationId` request option, written as `gen_ai.conversation.id`.
// - openai 7.x has no tracing of its own: its recording holds only the application's span.
// The application's own span around the calls carries the rest of the attribution with the
// OpenTelemetry registry's `user.id` and `session.id` (and `tenant.id`, which the registry lacks).
'use strict';
const kit = require('../../lib/kit.cjs');
const api = require('@opentelemetry/api');

const [which, mode] = process.argv.slice(2);
if (!((which === 'anthropic' && (mode === 'on' || mode === 'off')) || (which === 'openai' && mode === undefined))) {
  throw new Error('usage: node run.cjs anthropic on|off | openai');
}

const provider = kit.tracing3({
  api,
  sdkTrace: require('@opentelemetry/sdk-trace'),
  contextAsyncHooks: require('@opentelemetry/context-async-hooks'),
  exporter: require('@opentelemetry/exporter-trace-otlp-http'),
  resources: require('@opentelemetry/resources'),
});

kit.run(async () => {
  const tracer = api.trace.getTracer('support-api');
  await tracer.startActiveSpan(
    'support-turn',
    { attributes: { 'tenant.id': kit.ATTRIBUTION.tenant, 'user.id': kit.ATTRIBUTION.user, 'session.id': kit.ATTRIBUTION.session } },
    async (span) => {
      try {
        if (which === 'anthropic') {
          const Anthropic = require('@anthropic-ai/sdk').default;
          const client = new Anthropic({
            baseURL: kit.ANTHROPIC_BASE_URL,
            apiKey: 'sk-ant-lockn-fixture',
            maxRetries: 0,
            ...(mode === 'off' ? { openTelemetry: false } : {}),
          });
          await kit.runAnthropicCalls(client, { openTelemetry: { conversationId: kit.ATTRIBUTION.session } });
        } else {
          const { OpenAI } = require('openai');
          await kit.runOpenAICalls(new OpenAI({ baseURL: kit.OPENAI_BASE_URL, apiKey: 'sk-lockn-fixture', maxRetries: 0 }));
        }
      } finally {
        span.end();
      }
    },
  );
  await provider.forceFlush();
  await provider.shutdown();
});
