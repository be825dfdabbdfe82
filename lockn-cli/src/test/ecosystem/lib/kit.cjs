// What every scenario shares: where the local provider and collector are, the attribution to put on
// every call, the prompts, the tool of the tool-call round trip, and the same sequence of provider
// calls made with the official clients. No npm dependency: each scenario passes in the modules of
// its own workspace, so each ecosystem runs on the versions it installs.
'use strict';

const PROVIDER_URL = required('LOCKN_PROVIDER_URL');
const COLLECTOR_URL = required('LOCKN_COLLECTOR_URL');

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the scenarios through record.mjs`);
  return value;
}

/** The attribution of every scenario, put on its calls with the ecosystem's own keys. */
const ATTRIBUTION = Object.freeze({ tenant: 'acme', user: 'u-1', session: 's-1' });

/** A long system prompt: the part a provider caches. */
const SYSTEM =
  'You are the support assistant of Acme Outfitters. Answer in one sentence. ' +
  'Orders ship from three warehouses; refunds go back to the original card.';

const PROMPTS = Object.freeze({
  chat: 'Where is my order #4411?',
  stream: 'How long does a refund take?',
  reasoning: 'Which plan is cheapest for 12 seats: Starter ($25/seat), Team ($240 flat) or Pro ($30/seat)?',
  tool: 'What is the weather in Paris?',
  thinking: 'Warehouses hold 12, 14 and 16 items. How many items in total?',
  embed: 'refund policy for damaged items',
});

const WEATHER_DESCRIPTION = 'Current weather in a city';
const WEATHER_PARAMETERS = Object.freeze({
  type: 'object',
  properties: { city: { type: 'string', description: 'City name' } },
  required: ['city'],
  additionalProperties: false,
});

function getWeather({ city }) {
  return `18 degrees and sunny in ${city}`;
}

const OPENAI_WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', description: WEATHER_DESCRIPTION, parameters: WEATHER_PARAMETERS },
};

const ANTHROPIC_WEATHER_TOOL = {
  name: 'get_weather',
  description: WEATHER_DESCRIPTION,
  input_schema: WEATHER_PARAMETERS,
};

/**
 * The resource of every scenario's spans, over the SDK's default one (telemetry.sdk.*): deterministic,
 * no host or process detection.
 */
const RESOURCE = Object.freeze({
  'service.name': 'support-api',
  'service.version': '1.0.0',
  'deployment.environment.name': 'test',
});

const OPENAI_BASE_URL = `${PROVIDER_URL}/v1`;
const ANTHROPIC_BASE_URL = PROVIDER_URL;
const TRACES_URL = `${COLLECTOR_URL}/v1/traces`;

/**
 * The OpenAI calls of a scenario, made with the official `openai` client: chat (cache read), a
 * stream with usage, a reasoning model, a tool-call round trip (two calls), one Responses API call
 * and one embeddings call. Seven provider calls.
 */
async function runOpenAICalls(client, { responses = true, embeddings = true } = {}) {
  await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: PROMPTS.chat },
    ],
    temperature: 0.2,
    max_tokens: 256,
  });

  const stream = await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: PROMPTS.stream },
    ],
    stream: true,
    stream_options: { include_usage: true },
  });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
  if (!streamed) throw new Error('the OpenAI stream gave no text');

  await client.chat.completions.create({
    model: 'o3-mini',
    reasoning_effort: 'medium',
    messages: [{ role: 'user', content: PROMPTS.reasoning }],
  });

  const messages = [{ role: 'user', content: PROMPTS.tool }];
  const first = await client.chat.completions.create({ model: 'gpt-4o', messages, tools: [OPENAI_WEATHER_TOOL] });
  const call = first.choices[0].message.tool_calls?.[0];
  if (!call) throw new Error('the OpenAI tool call round trip got no tool call');
  messages.push(first.choices[0].message);
  messages.push({ role: 'tool', tool_call_id: call.id, content: getWeather(JSON.parse(call.function.arguments)) });
  await client.chat.completions.create({ model: 'gpt-4o', messages, tools: [OPENAI_WEATHER_TOOL] });

  if (responses) {
    await client.responses.create({ model: 'gpt-4o', instructions: SYSTEM, input: PROMPTS.chat });
  }
  if (embeddings) {
    await client.embeddings.create({ model: 'text-embedding-3-small', input: PROMPTS.embed });
  }
}

/**
 * The Anthropic calls of a scenario, made with the official `@anthropic-ai/sdk` client: a message
 * with a cached system prompt (cache read and write), a stream, extended thinking and a tool-use
 * round trip (two calls). Five provider calls. `requestOptions` go with every call.
 */
async function runAnthropicCalls(client, requestOptions = undefined) {
  const system = [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }];
  await client.messages.create(
    { model: 'claude-sonnet-4-5', max_tokens: 1024, system, messages: [{ role: 'user', content: PROMPTS.chat }] },
    requestOptions,
  );

  const stream = await client.messages.create(
    { model: 'claude-sonnet-4-5', max_tokens: 1024, system, messages: [{ role: 'user', content: PROMPTS.stream }], stream: true },
    requestOptions,
  );
  let streamed = '';
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') streamed += event.delta.text;
  }
  if (!streamed) throw new Error('the Anthropic stream gave no text');

  await client.messages.create(
    {
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: PROMPTS.thinking }],
    },
    requestOptions,
  );

  const messages = [{ role: 'user', content: PROMPTS.tool }];
  const first = await client.messages.create(
    { model: 'claude-sonnet-4-5', max_tokens: 1024, tools: [ANTHROPIC_WEATHER_TOOL], messages },
    requestOptions,
  );
  const use = first.content.find((block) => block.type === 'tool_use');
  if (!use) throw new Error('the Anthropic tool use round trip got no tool_use');
  messages.push({ role: 'assistant', content: first.content });
  messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: getWeather(use.input) }] });
  await client.messages.create(
    { model: 'claude-sonnet-4-5', max_tokens: 1024, tools: [ANTHROPIC_WEATHER_TOOL], messages },
    requestOptions,
  );
}

/**
 * A tracer provider of the OpenTelemetry JS 3.x trace SDK (`@opentelemetry/sdk-trace`), registered
 * globally with an AsyncLocalStorage context manager, exporting OTLP/HTTP JSON to the collector.
 */
function tracing3({ api, sdkTrace, contextAsyncHooks, exporter, resources }) {
  api.context.setGlobalContextManager(new contextAsyncHooks.AsyncLocalStorageContextManager().enable());
  const provider = new sdkTrace.TracerProvider({
    resource: resource(resources),
    // 3.x takes the exporter inside the options.
    spanProcessors: [new sdkTrace.BatchSpanProcessor({ exporter: new exporter.OTLPTraceExporter({ url: TRACES_URL }), ...batchOptions() })],
  });
  api.trace.setGlobalTracerProvider(provider);
  return provider;
}

/** A NodeTracerProvider of the OpenTelemetry JS 2.x trace SDK, registered, exporting OTLP/HTTP JSON. */
function tracing2({ sdkTraceNode, exporter, resources }) {
  const provider = new sdkTraceNode.NodeTracerProvider({
    resource: resource(resources),
    spanProcessors: [new sdkTraceNode.BatchSpanProcessor(new exporter.OTLPTraceExporter({ url: TRACES_URL }), batchOptions())],
  });
  provider.register();
  return provider;
}

function resource(resources) {
  return resources.defaultResource().merge(resources.resourceFromAttributes(RESOURCE));
}

/** One export at the end (forceFlush), unless a scenario makes more spans than a batch holds. */
function batchOptions() {
  return { maxExportBatchSize: 2048, maxQueueSize: 4096, scheduledDelayMillis: 60_000 };
}

/** Runs `main`, then exits non-zero with the error when it failed. */
function run(main) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

module.exports = {
  ANTHROPIC_BASE_URL,
  ANTHROPIC_WEATHER_TOOL,
  ATTRIBUTION,
  COLLECTOR_URL,
  OPENAI_BASE_URL,
  OPENAI_WEATHER_TOOL,
  PROMPTS,
  PROVIDER_URL,
  RESOURCE,
  SYSTEM,
  TRACES_URL,
  WEATHER_DESCRIPTION,
  WEATHER_PARAMETERS,
  getWeather,
  resource,
  run,
  runAnthropicCalls,
  runOpenAICalls,
  tracing2,
  tracing3,
};
