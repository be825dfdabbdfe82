// The Vercel AI SDK calls of the vercel-ai-6 and vercel-ai-7 scenarios: the same calls through the
// `ai` module and the provider of the scenario's own workspace, with that major's telemetry options
// (`callOptions`, spread into every call). The system prompt goes in `systemKey`: `system` in AI SDK 6,
// `instructions` in 7 (which rejects system messages among `messages`).
'use strict';
const kit = require('./kit.cjs');

/**
 * OpenAI: generateText on the Responses API (the provider's default), the same on the Chat
 * Completions API (`openai.chat`), streamText, a reasoning model, a tool round trip (two model
 * calls in one generateText), embed. Seven provider calls.
 */
async function runVercelOpenAI({ ai, z, openai, callOptions, systemKey }) {
  await ai.generateText({ model: openai('gpt-4o'), [systemKey]: kit.SYSTEM, prompt: kit.PROMPTS.chat, ...callOptions });
  await ai.generateText({ model: openai.chat('gpt-4o'), [systemKey]: kit.SYSTEM, prompt: kit.PROMPTS.chat, ...callOptions });
  const stream = ai.streamText({ model: openai('gpt-4o'), [systemKey]: kit.SYSTEM, prompt: kit.PROMPTS.stream, ...callOptions });
  let streamed = '';
  for await (const text of stream.textStream) streamed += text;
  if (!streamed) throw new Error('streamText gave no text');
  await ai.generateText({
    model: openai('o3-mini'),
    prompt: kit.PROMPTS.reasoning,
    providerOptions: { openai: { reasoningEffort: 'medium' } },
    ...callOptions,
  });
  await toolRoundTrip({ ai, z, model: openai('gpt-4o'), callOptions });
  await ai.embed({ model: openai.embedding('text-embedding-3-small'), value: kit.PROMPTS.embed, ...callOptions });
}

/** Anthropic: generateText with a cached system prompt, streamText, extended thinking, a tool round trip. Five provider calls. */
async function runVercelAnthropic({ ai, z, anthropic, callOptions, systemKey }) {
  const system = { [systemKey]: { role: 'system', content: kit.SYSTEM, providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } } } };
  await ai.generateText({
    model: anthropic('claude-sonnet-4-5'),
    ...system,
    messages: [{ role: 'user', content: kit.PROMPTS.chat }],
    maxOutputTokens: 1024,
    ...callOptions,
  });
  const stream = ai.streamText({
    model: anthropic('claude-sonnet-4-5'),
    ...system,
    messages: [{ role: 'user', content: kit.PROMPTS.stream }],
    maxOutputTokens: 1024,
    ...callOptions,
  });
  let streamed = '';
  for await (const text of stream.textStream) streamed += text;
  if (!streamed) throw new Error('streamText gave no text');
  await ai.generateText({
    model: anthropic('claude-sonnet-4-5'),
    prompt: kit.PROMPTS.thinking,
    maxOutputTokens: 4096,
    providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 2048 } } },
    ...callOptions,
  });
  await toolRoundTrip({ ai, z, model: anthropic('claude-sonnet-4-5'), callOptions });
}

async function toolRoundTrip({ ai, z, model, callOptions }) {
  const result = await ai.generateText({
    model,
    prompt: kit.PROMPTS.tool,
    tools: {
      get_weather: ai.tool({
        description: kit.WEATHER_DESCRIPTION,
        inputSchema: z.object({ city: z.string().describe('City name') }),
        execute: async (input) => kit.getWeather(input),
      }),
    },
    stopWhen: ai.stepCountIs(2),
    ...callOptions,
  });
  if (result.steps.length !== 2) throw new Error(`the tool round trip took ${result.steps.length} step(s), not 2`);
}

module.exports = { runVercelAnthropic, runVercelOpenAI };
