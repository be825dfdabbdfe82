// Langfuse's OpenTelemetry SDK (@langfuse/otel's LangfuseSpanProcessor on a NodeTracerProvider,
// @langfuse/tracing's observations): `node run.cjs openai|anthropic`.
// - openai: the Langfuse OpenAI integration, `observeOpenAI(new OpenAI())`, one generation per call.
// - anthropic: Langfuse has no Anthropic integration for JS; the application makes one generation per
//   call by hand (startActiveObservation(..., {asType: 'generation'})) and gives it the model and the
//   usage of the response under the usage keys Langfuse prices Claude models by (`input`, `output`,
//   `cache_read_input_tokens`, `cache_creation_input_tokens`). @anthropic-ai/sdk's own spans, on by
//   default, nest under those generations.
// Attribution the Langfuse way: propagateAttributes({userId, sessionId, metadata}) around the calls,
// which every observation in it carries (`user.id`, `session.id`, `langfuse.trace.metadata.<key>`).
// The recording is what the LangfuseSpanProcessor exports (its default OTLP/HTTP JSON exporter, to
// <collector>/api/public/otel/v1/traces): exactly what a Langfuse server would receive.
'use strict';
const kit = require('../../lib/kit.cjs');
const { LangfuseSpanProcessor } = require('@langfuse/otel');
const { propagateAttributes, startActiveObservation } = require('@langfuse/tracing');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');

const which = process.argv[2];
if (which !== 'openai' && which !== 'anthropic') throw new Error('usage: node run.cjs openai|anthropic');

const langfuse = new LangfuseSpanProcessor({
  baseUrl: kit.COLLECTOR_URL,
  publicKey: 'pk-lf-lockn-fixture',
  secretKey: 'sk-lf-lockn-fixture',
  environment: 'test',
  exportMode: 'batched',
  flushAt: 1000,
  flushInterval: 600,
});
const provider = new NodeTracerProvider({ resource: kit.resource(require('@opentelemetry/resources')), spanProcessors: [langfuse] });
provider.register();

/**
 * An Anthropic client whose messages.create makes a Langfuse generation around each call, ended with
 * the response's model and usage (for a stream, when the stream has been read).
 */
function withGenerations(client) {
  const create = client.messages.create.bind(client.messages);
  const messages = Object.create(client.messages);
  messages.create = (params, options) =>
    startActiveObservation(
      'claude-generation',
      async (generation) => {
        generation.update({ model: params.model, input: params.messages, modelParameters: { max_tokens: params.max_tokens } });
        const result = await create(params, options);
        if (!params.stream) {
          generation.update({ model: result.model, output: result.content, usageDetails: usageDetails(result.usage) }).end();
          return result;
        }
        return {
          async *[Symbol.asyncIterator]() {
            let model;
            let usage = {};
            for await (const event of result) {
              if (event.type === 'message_start') {
                model = event.message.model;
                usage = { ...event.message.usage };
              } else if (event.type === 'message_delta') {
                usage = { ...usage, ...Object.fromEntries(Object.entries(event.usage).filter(([, v]) => v != null)) };
              }
              yield event;
            }
            generation.update({ model, usageDetails: usageDetails(usage) }).end();
          },
        };
      },
      { asType: 'generation', endOnExit: false },
    );
  return new Proxy(client, { get: (target, key) => (key === 'messages' ? messages : target[key]) });
}

function usageDetails(usage) {
  return {
    input: usage.input_tokens,
    output: usage.output_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
    cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
  };
}

kit.run(async () => {
  await startActiveObservation('support-turn', async () => {
    await propagateAttributes(
      { userId: kit.ATTRIBUTION.user, sessionId: kit.ATTRIBUTION.session, metadata: { tenant_id: kit.ATTRIBUTION.tenant } },
      async () => {
        if (which === 'openai') {
          const { observeOpenAI } = require('@langfuse/openai');
          const { OpenAI } = require('openai');
          const client = observeOpenAI(new OpenAI({ baseURL: kit.OPENAI_BASE_URL, apiKey: 'sk-lockn-fixture', maxRetries: 0 }));
          await kit.runOpenAICalls(client);
        } else {
          const Anthropic = require('@anthropic-ai/sdk').default;
          const client = new Anthropic({ baseURL: kit.ANTHROPIC_BASE_URL, apiKey: 'sk-ant-lockn-fixture', maxRetries: 0 });
          await kit.runAnthropicCalls(withGenerations(client));
        }
      },
    );
  });
  await provider.forceFlush();
  await provider.shutdown();
});
