// openai 6 (the newest major @opentelemetry/instrumentation-openai supports: ">=4.19.0 <7") with the
// OpenTelemetry GenAI instrumentation. That instrumentation has no attribution of its own, so the
// application puts it on its own span around the calls, with the OpenTelemetry registry's
// `user.id` and `session.id` (and `tenant.id`, which the registry lacks), as an OTel-only app does.
'use strict';
const kit = require('../../lib/kit.cjs');
const api = require('@opentelemetry/api');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');

const provider = kit.tracing3({
  api,
  sdkTrace: require('@opentelemetry/sdk-trace'),
  contextAsyncHooks: require('@opentelemetry/context-async-hooks'),
  exporter: require('@opentelemetry/exporter-trace-otlp-http'),
  resources: require('@opentelemetry/resources'),
});
registerInstrumentations({ instrumentations: [new OpenAIInstrumentation({ captureMessageContent: true })] });

// Required only after the instrumentation is registered, so that it patches the module.
const { OpenAI } = require('openai');

kit.run(async () => {
  const client = new OpenAI({ baseURL: kit.OPENAI_BASE_URL, apiKey: 'sk-lockn-fixture', maxRetries: 0 });
  const tracer = api.trace.getTracer('support-api');
  await tracer.startActiveSpan(
    'support-turn',
    { attributes: { 'tenant.id': kit.ATTRIBUTION.tenant, 'user.id': kit.ATTRIBUTION.user, 'session.id': kit.ATTRIBUTION.session } },
    async (span) => {
      try {
        await kit.runOpenAICalls(client);
      } finally {
        span.end();
      }
    },
  );
  await provider.forceFlush();
  await provider.shutdown();
});
