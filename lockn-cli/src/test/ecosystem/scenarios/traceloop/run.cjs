// OpenLLMetry's Node SDK (@traceloop/node-server-sdk) on openai 6 (its OpenAI instrumentation
// supports ">=4 <7") or @anthropic-ai/sdk: `node run.cjs openai|anthropic`. Attribution the
// Traceloop way: a workflow with association properties, which Traceloop copies onto every span
// under it as `traceloop.association.properties.<key>`. Traceloop exports OTLP/protobuf by default;
// the scenario hands it an OTLP/HTTP JSON exporter (the `exporter` option) of the same
// OpenTelemetry line as Traceloop's own SDK.
//
// @anthropic-ai/sdk is pinned to 0.137.0, the newest 0.x: @traceloop/instrumentation-anthropic 0.27.0
// wraps `Anthropic.Completions.prototype`, which the 1.x line removed, and so throws a TypeError when
// @anthropic-ai/sdk 1.17.0 is required (recorded in README.md).
'use strict';
const kit = require('../../lib/kit.cjs');
const traceloop = require('@traceloop/node-server-sdk');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');

const which = process.argv[2];
if (which !== 'openai' && which !== 'anthropic') throw new Error('usage: node run.cjs openai|anthropic');

traceloop.initialize({
  appName: kit.RESOURCE['service.name'],
  baseUrl: kit.COLLECTOR_URL,
  apiKey: 'tl-lockn-fixture',
  exporter: new OTLPTraceExporter({ url: kit.TRACES_URL }),
  traceloopSyncEnabled: false,
  silenceInitializationMessage: true,
  logLevel: 'error',
});


kit.run(async () => {
  await traceloop.withWorkflow(
    {
      name: 'support_chat',
      associationProperties: { tenant_id: kit.ATTRIBUTION.tenant, user_id: kit.ATTRIBUTION.user, session_id: kit.ATTRIBUTION.session },
    },
    async () => {
      // Required only after initialize(), so that Traceloop's instrumentations patch the modules.
      if (which === 'openai') {
        const { OpenAI } = require('openai');
        await kit.runOpenAICalls(new OpenAI({ baseURL: kit.OPENAI_BASE_URL, apiKey: 'sk-lockn-fixture', maxRetries: 0 }));
      } else {
        const Anthropic = require('@anthropic-ai/sdk').default;
        await kit.runAnthropicCalls(new Anthropic({ baseURL: kit.ANTHROPIC_BASE_URL, apiKey: 'sk-ant-lockn-fixture', maxRetries: 0 }));
      }
    },
  );
  await traceloop.forceFlush();
});
