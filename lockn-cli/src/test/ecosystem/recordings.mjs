// The recordings record.mjs makes: which scenario script, with which arguments, and what the
// expectations file says about attribution (the keys are where each ecosystem puts the values).

const VALUES = { tenant: 'acme', user: 'u-1', session: 's-1' };

// Traceloop starts its own NodeSDK, whose default resource detectors add the host's and process's
// attributes (host.id, process.pid, paths of this machine). Only the environment detector is kept, for
// the same resource as the other recordings, and its BatchSpanProcessor (built with no options) waits
// for the final flush instead of exporting every 5 s, so that a recording is always one request:
// ordinary OpenTelemetry settings, no Traceloop option.
const TRACELOOP_ENV = {
  OTEL_NODE_RESOURCE_DETECTORS: 'env',
  OTEL_RESOURCE_ATTRIBUTES: 'service.version=1.0.0,deployment.environment.name=test',
  OTEL_BSP_SCHEDULE_DELAY: '60000',
};

export const RECORDINGS = [
  {
    name: 'otel-instrumentation-openai',
    dir: 'otel-openai',
    script: 'run.cjs',
    description: 'openai (chat, stream with usage, reasoning model, tool round trip, Responses API, embeddings) traced by @opentelemetry/instrumentation-openai',
    packages: ['openai', '@opentelemetry/instrumentation-openai', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/api'],
    attribution: { ...VALUES, set: 'on the application span `support-turn` (parent of every call)', keys: { tenant: 'tenant.id', user: 'user.id', session: 'session.id' } },
  },
];

RECORDINGS.push(
  {
    name: 'traceloop-openai',
    dir: 'traceloop',
    script: 'run.cjs',
    args: ['openai'],
    env: TRACELOOP_ENV,
    description: 'openai (chat, stream with usage, reasoning model, tool round trip, Responses API, embeddings) traced by OpenLLMetry (@traceloop/node-server-sdk) inside a Traceloop workflow',
    packages: ['@traceloop/node-server-sdk', '@traceloop/instrumentation-openai', 'openai', '@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-http'],
    attribution: { ...VALUES, set: 'withWorkflow({associationProperties: {tenant_id, user_id, session_id}})', keys: { tenant: 'traceloop.association.properties.tenant_id', user: 'traceloop.association.properties.user_id', session: 'traceloop.association.properties.session_id' } },
  },
  {
    name: 'traceloop-anthropic',
    dir: 'traceloop',
    script: 'run.cjs',
    args: ['anthropic'],
    env: TRACELOOP_ENV,
    description: '@anthropic-ai/sdk (cached system prompt, stream, extended thinking, tool use round trip) traced by OpenLLMetry (@traceloop/node-server-sdk) inside a Traceloop workflow; the SDK\'s own tracing is on (its default)',
    packages: ['@traceloop/node-server-sdk', '@traceloop/instrumentation-anthropic', '@anthropic-ai/sdk', '@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-http'],
    attribution: { ...VALUES, set: 'withWorkflow({associationProperties: {tenant_id, user_id, session_id}})', keys: { tenant: 'traceloop.association.properties.tenant_id', user: 'traceloop.association.properties.user_id', session: 'traceloop.association.properties.session_id' } },
  },
);

const OPENINFERENCE_ATTRIBUTION = {
  ...VALUES,
  set: 'context.with(setMetadata(setUser(setSession(ctx, {sessionId}), {userId}), {tenant_id}))',
  keys: { tenant: 'metadata (JSON string) -> tenant_id', user: 'user.id', session: 'session.id' },
};

RECORDINGS.push(
  {
    name: 'openinference-openai',
    dir: 'openinference',
    script: 'run.cjs',
    args: ['openai'],
    description: 'openai 7 (chat, stream with usage, reasoning model, tool round trip, Responses API, embeddings) traced by @arizeai/openinference-instrumentation-openai',
    packages: ['@arizeai/openinference-instrumentation-openai', '@arizeai/openinference-core', '@arizeai/openinference-semantic-conventions', 'openai', '@opentelemetry/sdk-trace-node', '@opentelemetry/exporter-trace-otlp-http'],
    attribution: OPENINFERENCE_ATTRIBUTION,
  },
  {
    name: 'openinference-anthropic',
    dir: 'openinference',
    script: 'run.cjs',
    args: ['anthropic'],
    description: '@anthropic-ai/sdk (cached system prompt, stream, extended thinking, tool use round trip) traced by @arizeai/openinference-instrumentation-anthropic; the SDK\'s own tracing is on (its default)',
    packages: ['@arizeai/openinference-instrumentation-anthropic', '@arizeai/openinference-core', '@arizeai/openinference-semantic-conventions', '@anthropic-ai/sdk', '@opentelemetry/sdk-trace-node', '@opentelemetry/exporter-trace-otlp-http'],
    attribution: OPENINFERENCE_ATTRIBUTION,
  },
);

const VERCEL6_ATTRIBUTION = {
  ...VALUES,
  set: 'experimental_telemetry: {isEnabled: true, functionId: "support-chat", metadata: {tenantId, userId, sessionId}}',
  keys: { tenant: 'ai.telemetry.metadata.tenantId', user: 'ai.telemetry.metadata.userId', session: 'ai.telemetry.metadata.sessionId' },
};
const VERCEL7_ATTRIBUTION = {
  ...VALUES,
  set: 'runtimeContext: {tenantId, userId, sessionId}, telemetry: {functionId: "support-chat", includeRuntimeContext: {tenantId: true, userId: true, sessionId: true}}',
  keys: { tenant: 'ai.settings.context.tenantId', user: 'ai.settings.context.userId', session: 'ai.settings.context.sessionId' },
};
const VERCEL_OPENAI = 'generateText on the Responses API and on Chat Completions (openai.chat), streamText, a reasoning model, a tool round trip (generateText with stopWhen: stepCountIs(2)), embed';
const VERCEL_ANTHROPIC = 'generateText with a cached system prompt, streamText, extended thinking, a tool round trip (generateText with stopWhen: stepCountIs(2))';

RECORDINGS.push(
  {
    name: 'vercel-ai6-openai',
    dir: 'vercel-ai-6',
    script: 'run.cjs',
    args: ['openai'],
    description: `Vercel AI SDK 6 with @ai-sdk/openai 3: ${VERCEL_OPENAI}; experimental_telemetry on`,
    packages: ['ai', '@ai-sdk/openai', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/api'],
    attribution: VERCEL6_ATTRIBUTION,
  },
  {
    name: 'vercel-ai6-anthropic',
    dir: 'vercel-ai-6',
    script: 'run.cjs',
    args: ['anthropic'],
    description: `Vercel AI SDK 6 with @ai-sdk/anthropic 3: ${VERCEL_ANTHROPIC}; experimental_telemetry on`,
    packages: ['ai', '@ai-sdk/anthropic', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/api'],
    attribution: VERCEL6_ATTRIBUTION,
  },
  {
    name: 'vercel-ai7-openai',
    dir: 'vercel-ai-7',
    script: 'run.cjs',
    args: ['openai'],
    description: `Vercel AI SDK 7 with @ai-sdk/openai 4 and @ai-sdk/otel's OpenTelemetry integration (GenAI conventions, runtimeContext: true): ${VERCEL_OPENAI}`,
    packages: ['ai', '@ai-sdk/otel', '@ai-sdk/openai', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/api'],
    attribution: VERCEL7_ATTRIBUTION,
  },
  {
    name: 'vercel-ai7-anthropic',
    dir: 'vercel-ai-7',
    script: 'run.cjs',
    args: ['anthropic'],
    description: `Vercel AI SDK 7 with @ai-sdk/anthropic 4 and @ai-sdk/otel's OpenTelemetry integration (GenAI conventions, runtimeContext: true): ${VERCEL_ANTHROPIC}`,
    packages: ['ai', '@ai-sdk/otel', '@ai-sdk/anthropic', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/api'],
    attribution: VERCEL7_ATTRIBUTION,
  },
  {
    name: 'vercel-ai7-usage-openai',
    dir: 'vercel-ai-7',
    script: 'run.cjs',
    args: ['openai', 'usage'],
    description: `Vercel AI SDK 7 with @ai-sdk/openai 4 and @ai-sdk/otel's OpenTelemetry integration with its supplemental usage attributes (usage: true, runtimeContext: true): ${VERCEL_OPENAI}`,
    packages: ['ai', '@ai-sdk/otel', '@ai-sdk/openai', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/api'],
    attribution: VERCEL7_ATTRIBUTION,
  },
  {
    name: 'vercel-ai7-usage-anthropic',
    dir: 'vercel-ai-7',
    script: 'run.cjs',
    args: ['anthropic', 'usage'],
    description: `Vercel AI SDK 7 with @ai-sdk/anthropic 4 and @ai-sdk/otel's OpenTelemetry integration with its supplemental usage attributes (usage: true, runtimeContext: true): ${VERCEL_ANTHROPIC}`,
    packages: ['ai', '@ai-sdk/otel', '@ai-sdk/anthropic', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/api'],
    attribution: VERCEL7_ATTRIBUTION,
  },
  {
    name: 'vercel-ai7-legacy-openai',
    dir: 'vercel-ai-7',
    script: 'run.cjs',
    args: ['openai', 'legacy'],
    description: `Vercel AI SDK 7 with @ai-sdk/openai 4 and @ai-sdk/otel's LegacyOpenTelemetry integration (the ai.* spans): ${VERCEL_OPENAI}`,
    packages: ['ai', '@ai-sdk/otel', '@ai-sdk/openai', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/api'],
    attribution: VERCEL7_ATTRIBUTION,
  },
  {
    name: 'vercel-ai7-legacy-anthropic',
    dir: 'vercel-ai-7',
    script: 'run.cjs',
    args: ['anthropic', 'legacy'],
    description: `Vercel AI SDK 7 with @ai-sdk/anthropic 4 and @ai-sdk/otel's LegacyOpenTelemetry integration (the ai.* spans): ${VERCEL_ANTHROPIC}`,
    packages: ['ai', '@ai-sdk/otel', '@ai-sdk/anthropic', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/api'],
    attribution: VERCEL7_ATTRIBUTION,
  },
);

const LANGFUSE_ATTRIBUTION = {
  ...VALUES,
  set: 'propagateAttributes({userId, sessionId, metadata: {tenant_id}}) inside startActiveObservation("support-turn")',
  keys: { tenant: 'langfuse.trace.metadata.tenant_id', user: 'user.id', session: 'session.id' },
};

RECORDINGS.push(
  {
    name: 'langfuse-openai',
    dir: 'langfuse',
    script: 'run.cjs',
    args: ['openai'],
    description: 'openai 7 wrapped by @langfuse/openai observeOpenAI (chat, stream with usage, reasoning model, tool round trip, Responses API, embeddings), exported by @langfuse/otel LangfuseSpanProcessor',
    packages: ['@langfuse/otel', '@langfuse/tracing', '@langfuse/openai', '@langfuse/core', 'openai', '@opentelemetry/sdk-trace-node', '@opentelemetry/exporter-trace-otlp-http'],
    attribution: LANGFUSE_ATTRIBUTION,
  },
  {
    name: 'langfuse-anthropic',
    dir: 'langfuse',
    script: 'run.cjs',
    args: ['anthropic'],
    description: '@anthropic-ai/sdk (cached system prompt, stream, extended thinking, tool use round trip), one hand-made Langfuse generation per call with usageDetails, exported by @langfuse/otel LangfuseSpanProcessor; the SDK\'s own tracing is on (its default)',
    packages: ['@langfuse/otel', '@langfuse/tracing', '@langfuse/core', '@anthropic-ai/sdk', '@opentelemetry/sdk-trace-node', '@opentelemetry/exporter-trace-otlp-http'],
    attribution: LANGFUSE_ATTRIBUTION,
  },
);

const APP_SPAN_ATTRIBUTION = {
  ...VALUES,
  set: 'on the application span `support-turn` (parent of every call); @anthropic-ai/sdk also gets the request option openTelemetry.conversationId',
  keys: { tenant: 'tenant.id', user: 'user.id', session: 'session.id (and gen_ai.conversation.id on the Anthropic SDK spans)' },
};

RECORDINGS.push(
  {
    name: 'anthropic-sdk-otel-on',
    dir: 'official-sdks',
    script: 'run.cjs',
    args: ['anthropic', 'on'],
    description: '@anthropic-ai/sdk (cached system prompt, stream, extended thinking, tool use round trip) with its built-in OpenTelemetry tracing on (the default, metadata only), no instrumentation library',
    packages: ['@anthropic-ai/sdk', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/api'],
    attribution: APP_SPAN_ATTRIBUTION,
  },
  {
    name: 'anthropic-sdk-otel-off',
    dir: 'official-sdks',
    script: 'run.cjs',
    args: ['anthropic', 'off'],
    description: '@anthropic-ai/sdk (the same five calls) with its built-in tracing off (openTelemetry: false): only the application span is exported',
    packages: ['@anthropic-ai/sdk', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/api'],
    attribution: APP_SPAN_ATTRIBUTION,
    notes: ['No span carries a model call: the five provider calls below are invisible in this export.'],
  },
  {
    name: 'openai-sdk-no-otel',
    dir: 'official-sdks',
    script: 'run.cjs',
    args: ['openai'],
    description: 'openai 7 (chat, stream with usage, reasoning model, tool round trip, Responses API, embeddings) with no instrumentation: openai has no built-in tracing, so only the application span is exported',
    packages: ['openai', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/api'],
    attribution: APP_SPAN_ATTRIBUTION,
    notes: ['openai 7.60.0 has no OpenTelemetry code of its own (no "opentelemetry" in its package): no span carries a model call.'],
  },
);

// What each recording's spans do with the calls, as recorded (so that a test knows what "exact as far
// as the spans allow" means for it). Facts about the instrumentation, not about LockN.
const NOTES = {
  'otel-instrumentation-openai': [
    'One CLIENT span per provider call, children of the application span `support-turn`.',
    'gen_ai.usage.input_tokens includes cached tokens and gen_ai.usage.output_tokens includes reasoning tokens; no span carries the cached or reasoning counts (usage is partial).',
    'The Chat Completions and embeddings spans name the provider with the deprecated gen_ai.system; the Responses API span with gen_ai.provider.name.',
    'The streamed call carries the usage of the stream (stream_options.include_usage).',
  ],
  'traceloop-openai': [
    'No span for the embeddings call: @traceloop/instrumentation-openai does not trace embeddings.create.',
    'The streamed call carries Traceloop\'s own token estimate (gen_ai.usage.input_tokens 37, output 13), not the usage the stream returned (2210 in, 1920 of them cached, 187 out).',
    'No span carries cached or reasoning counts.',
    'Every span under the workflow span carries the association properties.',
  ],
  'traceloop-anthropic': [
    '@anthropic-ai/sdk is 0.137.0 here: @traceloop/instrumentation-anthropic 0.27.0 throws a TypeError when @anthropic-ai/sdk 1.x is loaded.',
    'Two spans per call: Traceloop\'s `chat claude-sonnet-4-5` and, as its child, the SDK\'s own `anthropic.messages.create`. They are one provider call.',
    'Traceloop\'s gen_ai.usage.input_tokens is Anthropic\'s input_tokens (cache EXCLUDED), its cache counts are gen_ai.usage.cache_read.input_tokens and gen_ai.usage.cache_creation.input_tokens, it has no reasoning count and no gen_ai.response.id.',
    'The SDK span\'s gen_ai.usage.input_tokens INCLUDES cache reads and writes; its cache counts are gen_ai.usage.cache_read.input_tokens and gen_ai.usage.cache_write.input_tokens; thinking is gen_ai.usage.reasoning.output_tokens (inside gen_ai.usage.output_tokens).',
  ],
  'openinference-openai': [
    'One INTERNAL span per call, each its own trace (no application span).',
    'llm.token_count.prompt includes llm.token_count.prompt_details.cache_read; llm.token_count.completion includes llm.token_count.completion_details.reasoning.',
    'The streamed call has no llm.token_count.* at all and its llm.model_name is the requested `gpt-4o`.',
    'The embeddings span (openinference.span.kind=EMBEDDING) carries no token count.',
  ],
  'openinference-anthropic': [
    'Two spans per call: OpenInference\'s `Anthropic Messages` (INTERNAL, openinference.span.kind=LLM) and, as its child, the SDK\'s own `anthropic.messages.create` (CLIENT). They are one provider call; only the OpenInference span carries session.id, user.id and metadata.',
    'llm.token_count.prompt INCLUDES llm.token_count.prompt_details.cache_read and .cache_write (present only when not zero); no reasoning count (the SDK span has gen_ai.usage.reasoning.output_tokens).',
  ],
  'vercel-ai6-openai': [
    'Per generateText/streamText/embed an outer span (ai.generateText, ai.streamText, ai.embed) with the totals of all its steps and one inner span per provider call (ai.generateText.doGenerate, ai.streamText.doStream, ai.embed.doEmbed); the tool round trip is one ai.generateText over two doGenerate spans and an ai.toolCall.',
    'gen_ai.system is `openai.responses` or `openai.chat` and there is no gen_ai.operation.name; cache and reasoning are only in ai.usage.* (inputTokenDetails.cacheReadTokens/noCacheTokens, outputTokenDetails.reasoningTokens, cachedInputTokens, reasoningTokens).',
    'Embeddings: ai.usage.tokens only, no provider attribute (ai.model.id only).',
  ],
  'vercel-ai6-anthropic': [
    'Outer ai.generateText / ai.streamText span with the totals, inner ai.generateText.doGenerate / ai.streamText.doStream per provider call; gen_ai.system is `anthropic.messages`.',
    'ai.usage.inputTokens and gen_ai.usage.input_tokens INCLUDE cache reads and writes (ai.usage.inputTokenDetails.noCacheTokens is Anthropic\'s input_tokens); thinking is ai.usage.outputTokenDetails.reasoningTokens.',
    'ai.response.providerMetadata holds Anthropic\'s raw usage object as JSON.',
  ],
  'vercel-ai7-openai': [
    'Per generateText/streamText: `invoke_agent {model}` (INTERNAL, the totals of all steps, not a call) > `step {n}` > `chat {model}` (CLIENT, one per provider call); the tool round trip has two steps and an `execute_tool get_weather`.',
    'embed: an outer `embeddings text-embedding-3-small` span without usage over an inner one (CLIENT) with gen_ai.usage.input_tokens.',
    'gen_ai.usage.input_tokens includes gen_ai.usage.cache_read.input_tokens; no reasoning count anywhere (the default integration drops it). The Chat Completions call (openai.chat) has no gen_ai.usage.cache_creation.input_tokens; the Responses API calls have it (0).',
  ],
  'vercel-ai7-anthropic': [
    'Same span shape as vercel-ai7-openai; gen_ai.usage.input_tokens INCLUDES cache reads and writes (gen_ai.usage.cache_read.input_tokens, gen_ai.usage.cache_creation.input_tokens); no thinking count.',
  ],
  'vercel-ai7-usage-openai': [
    'As vercel-ai7-openai, plus ai.usage.inputTokenDetails.noCacheTokens, ai.usage.outputTokenDetails.textTokens and ai.usage.outputTokenDetails.reasoningTokens on the invoke_agent, step and chat spans.',
  ],
  'vercel-ai7-usage-anthropic': [
    'As vercel-ai7-anthropic, plus ai.usage.inputTokenDetails.noCacheTokens and, for the thinking call, ai.usage.outputTokenDetails.textTokens/reasoningTokens.',
  ],
  'vercel-ai7-legacy-openai': ['The ai.* spans of AI SDK 6 (see vercel-ai6-openai), with ai.settings.context.* in place of ai.telemetry.metadata.*.'],
  'vercel-ai7-legacy-anthropic': ['The ai.* spans of AI SDK 6 (see vercel-ai6-anthropic), with ai.settings.context.* in place of ai.telemetry.metadata.*.'],
  'langfuse-openai': [
    'What a Langfuse server would receive: the LangfuseSpanProcessor\'s own export. One generation span (langfuse.observation.type=generation, INTERNAL) per call under the `support-turn` span.',
    'langfuse.observation.usage_details is a JSON string whose `input` EXCLUDES cached tokens (input_cached_tokens) and whose `output` EXCLUDES reasoning tokens (output_reasoning_tokens); `total` is the whole.',
    'The streamed generation\'s langfuse.observation.model.name is the requested `gpt-4o`; the embeddings generation has no usage_details.',
  ],
  'langfuse-anthropic': [
    'One hand-made generation per call (usage_details keys input, output, cache_read_input_tokens, cache_creation_input_tokens, as the application mapped them: input EXCLUDES cache, output INCLUDES thinking) with, as its child, the SDK\'s own `anthropic.messages.create`. They are one provider call.',
  ],
  'anthropic-sdk-otel-on': [
    'One CLIENT span `anthropic.messages.create` per call under the application span; gen_ai.usage.input_tokens INCLUDES cache reads and writes (gen_ai.usage.cache_read.input_tokens, gen_ai.usage.cache_write.input_tokens); thinking is gen_ai.usage.reasoning.output_tokens; session in gen_ai.conversation.id.',
  ],
};

for (const recording of RECORDINGS) {
  recording.notes = [...(NOTES[recording.name] ?? []), ...(recording.notes ?? [])];
}
