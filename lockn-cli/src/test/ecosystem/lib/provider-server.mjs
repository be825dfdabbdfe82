// A loopback HTTP server shaped like OpenAI's API (/v1/chat/completions, /v1/responses, /v1/embeddings)
// and Anthropic's Messages API (/v1/messages), streaming and not. Every answer carries a KNOWN usage,
// chosen by what kind of call it is (see USAGE), and every call is logged with exactly the usage the
// server returned: that log is the ground truth written to each recording's expectations file.
//
// Response bodies follow the providers' own shapes field by field (checked against the type
// definitions of openai 7.60.0 and @anthropic-ai/sdk 1.17.0: ChatCompletion, ChatCompletionChunk,
// CompletionUsage, Response, ResponseUsage, ResponseStreamEvent, CreateEmbeddingResponse, Message,
// Usage, MessageDeltaUsage, RawMessageStreamEvent). Ids are deterministic per recording (a counter),
// timestamps are real.

import http from 'node:http';
import { gunzipSync } from 'node:zlib';

/** Requested model alias -> the dated model id the provider reports as served. */
export const SERVED_MODEL = {
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'o3-mini': 'o3-mini-2025-01-31',
  'text-embedding-3-small': 'text-embedding-3-small',
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
};

/**
 * The usage each kind of call is answered with. OpenAI: `input` is prompt_tokens / input_tokens and
 * INCLUDES `cached`; `output` INCLUDES `reasoning`. Anthropic: `input` is input_tokens and EXCLUDES
 * `cacheRead` and `cacheWrite`; `output` INCLUDES `thinking`.
 */
export const USAGE = {
  openai: {
    chat: { input: 1804, cached: 1536, output: 96, reasoning: 0 },
    stream: { input: 2210, cached: 1920, output: 187, reasoning: 0 },
    reasoning: { input: 1340, cached: 1024, output: 1186, reasoning: 1024 },
    tool_call: { input: 412, cached: 0, output: 19, reasoning: 0 },
    tool_result: { input: 463, cached: 0, output: 38, reasoning: 0 },
  },
  openaiEmbeddingTokensPerInput: 9,
  anthropic: {
    chat: { input: 312, cacheRead: 2048, cacheWrite: 1536, output: 176, thinking: 0 },
    stream: { input: 21, cacheRead: 3072, cacheWrite: 0, output: 241, thinking: 0 },
    thinking: { input: 58, cacheRead: 0, cacheWrite: 0, output: 1480, thinking: 1152 },
    tool_call: { input: 380, cacheRead: 0, cacheWrite: 0, output: 64, thinking: 0 },
    tool_result: { input: 455, cacheRead: 0, cacheWrite: 0, output: 83, thinking: 0 },
  },
};

const TEXT = {
  chat: 'Your order #4411 shipped yesterday and should arrive on Thursday.',
  stream: 'Refunds go back to the original card within five business days.',
  reasoning: 'The cheapest plan that covers 12 seats is Team at $240 per month.',
  tool_result: 'It is 18 degrees and sunny in Paris.',
  thinking: 'The total is 42 items across three warehouses.',
};
const TOOL_ARGS = { city: 'Paris' };
const EMBEDDING_DIMENSIONS = 8;

function servedModel(requested) {
  return SERVED_MODEL[requested] ?? requested;
}

function isReasoningModel(model) {
  return /^o\d/.test(model) || model.startsWith('gpt-5');
}

/** Splits a text into stream chunks of about three words. */
function chunks(text) {
  const words = text.split(' ');
  const out = [];
  for (let i = 0; i < words.length; i += 3) {
    out.push((i === 0 ? '' : ' ') + words.slice(i, i + 3).join(' '));
  }
  return out;
}

function sse(res, event, data) {
  if (event) res.write(`event: ${event}\n`);
  res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

function json(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The request id header each provider sends: OpenAI's `x-request-id`, Anthropic's `request-id`. */
function requestIdHeader(provider, id) {
  return provider === 'anthropic' ? { 'request-id': `req_${id}` } : { 'x-request-id': `req_${id}` };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export class ProviderServer {
  constructor() {
    this.calls = [];
    this.recording = 'unset';
    this.seq = 0;
    this.server = http.createServer((req, res) => this.handle(req, res));
    // Longer than any pause of a scenario (Node's default is 5 s): a client that reuses a connection
    // the server has just closed fails with "other side closed".
    this.server.keepAliveTimeout = 120_000;
  }

  /** Listens on loopback at `port` (so that recorded server.port/url.full attributes stay the same), or any free port when it is taken. */
  async start(port = 0) {
    await listen(this.server, port).catch((e) => {
      if (e.code !== 'EADDRINUSE' || port === 0) throw e;
      console.error(`port ${port} is taken: listening on another one (recorded ports will differ)`);
      return listen(this.server, 0);
    });
    this.url = `http://127.0.0.1:${this.server.address().port}`;
    return this.url;
  }

  stop() {
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(resolve));
  }

  /** Starts a new recording: ids restart, the call log empties. */
  begin(recording) {
    this.recording = recording;
    this.seq = 0;
    this.calls = [];
  }

  /** The calls served since {@link begin}. */
  take() {
    const calls = this.calls;
    this.calls = [];
    return calls;
  }

  nextId(prefix) {
    this.seq += 1;
    return `${prefix}lockn${String(this.seq).padStart(4, '0')}`;
  }

  async handle(req, res) {
    const parts = [];
    for await (const part of req) parts.push(part);
    let raw = Buffer.concat(parts);
    if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    let body;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    } catch {
      return json(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
    }
    const path = new URL(req.url, 'http://x').pathname;
    try {
      if (req.method === 'POST' && path.endsWith('/v1/chat/completions')) return this.chatCompletions(body, res);
      if (req.method === 'POST' && path.endsWith('/v1/responses')) return this.responses(body, res);
      if (req.method === 'POST' && path.endsWith('/v1/embeddings')) return this.embeddings(body, res);
      if (req.method === 'POST' && path.endsWith('/v1/messages')) return this.messages(body, res);
    } catch (e) {
      console.error(`provider server: ${req.method} ${path} failed:`, e);
      return json(res, 500, { error: { message: String(e), type: 'server_error' } });
    }
    console.error(`provider server: unexpected ${req.method} ${path}`);
    return json(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });
  }

  log(call) {
    this.calls.push({ seq: this.calls.length + 1, ...call });
  }

  // ---------------------------------------------------------------- OpenAI

  openaiUsageLog(kind, u) {
    return {
      input: u.input,
      inputExcludingCache: u.input - u.cached,
      cacheRead: u.cached,
      cacheWrite: 0,
      output: u.output,
      outputExcludingReasoning: u.output - u.reasoning,
      reasoning: u.reasoning,
      total: u.input + u.output,
    };
  }

  chatUsage(u) {
    return {
      prompt_tokens: u.input,
      completion_tokens: u.output,
      total_tokens: u.input + u.output,
      prompt_tokens_details: { cached_tokens: u.cached, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: u.reasoning,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    };
  }

  chatKind(body) {
    const messages = body.messages ?? [];
    const last = messages[messages.length - 1];
    if (last?.role === 'tool') return 'tool_result';
    if (Array.isArray(body.tools) && body.tools.length > 0) return 'tool_call';
    if (isReasoningModel(body.model)) return 'reasoning';
    if (body.stream) return 'stream';
    return 'chat';
  }

  toolName(body) {
    const tool = (body.tools ?? [])[0];
    return tool?.function?.name ?? tool?.name ?? 'get_weather';
  }

  chatCompletions(body, res) {
    const kind = this.chatKind(body);
    const u = USAGE.openai[kind];
    const id = this.nextId('chatcmpl-');
    const model = servedModel(body.model);
    const created = Math.floor(Date.now() / 1000);
    const fingerprint = 'fp_lockn0806';
    const usage = this.chatUsage(u);
    const includeUsage = !body.stream || body.stream_options?.include_usage === true;
    const toolCall =
      kind === 'tool_call'
        ? { id: `call_${id.slice(9)}`, type: 'function', function: { name: this.toolName(body), arguments: JSON.stringify(TOOL_ARGS) } }
        : undefined;
    const text = kind === 'tool_call' ? null : TEXT[kind];
    this.log({
      provider: 'openai',
      api: 'chat.completions',
      operation: 'chat',
      kind,
      streaming: !!body.stream,
      usageReturned: includeUsage,
      requestModel: body.model,
      responseModel: model,
      responseId: id,
      finishReason: toolCall ? 'tool_calls' : 'stop',
      usage: this.openaiUsageLog(kind, u),
      providerUsage: usage,
    });
    if (!body.stream) {
      return json(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: text,
              ...(toolCall ? { tool_calls: [toolCall] } : {}),
              refusal: null,
              annotations: [],
            },
            logprobs: null,
            finish_reason: toolCall ? 'tool_calls' : 'stop',
          },
        ],
        usage,
        service_tier: 'default',
        system_fingerprint: fingerprint,
      }, requestIdHeader('openai', id));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...requestIdHeader('openai', id) });
    const base = { id, object: 'chat.completion.chunk', created, model, service_tier: 'default', system_fingerprint: fingerprint };
    const chunk = (choices, extra = {}) => ({ ...base, choices, ...(includeUsage ? { usage: null } : {}), ...extra });
    sse(res, null, chunk([{ index: 0, delta: { role: 'assistant', content: toolCall ? null : '', refusal: null }, logprobs: null, finish_reason: null }]));
    if (toolCall) {
      sse(res, null, chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] }, logprobs: null, finish_reason: null }]));
      sse(res, null, chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: toolCall.function.arguments } }] }, logprobs: null, finish_reason: null }]));
    } else {
      for (const piece of chunks(text)) {
        sse(res, null, chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]));
      }
    }
    sse(res, null, chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: toolCall ? 'tool_calls' : 'stop' }]));
    if (includeUsage) sse(res, null, { ...base, choices: [], usage });
    sse(res, null, '[DONE]');
    res.end();
  }

  responsesKind(body) {
    const input = Array.isArray(body.input) ? body.input : [];
    if (input.some((item) => item?.type === 'function_call_output')) return 'tool_result';
    if ((body.tools ?? []).some((t) => t.type === 'function')) return 'tool_call';
    if (isReasoningModel(body.model)) return 'reasoning';
    if (body.stream) return 'stream';
    return 'chat';
  }

  responses(body, res) {
    const kind = this.responsesKind(body);
    const u = USAGE.openai[kind];
    const id = this.nextId('resp_');
    const suffix = id.slice(5);
    const model = servedModel(body.model);
    const createdAt = Math.floor(Date.now() / 1000);
    const usage = {
      input_tokens: u.input,
      input_tokens_details: { cached_tokens: u.cached, cache_write_tokens: 0 },
      output_tokens: u.output,
      output_tokens_details: { reasoning_tokens: u.reasoning },
      total_tokens: u.input + u.output,
    };
    const output = [];
    if (kind === 'reasoning') output.push({ id: `rs_${suffix}`, type: 'reasoning', summary: [] });
    if (kind === 'tool_call') {
      output.push({
        id: `fc_${suffix}`,
        type: 'function_call',
        status: 'completed',
        arguments: JSON.stringify(TOOL_ARGS),
        call_id: `call_${suffix}`,
        name: this.toolName(body),
      });
    } else {
      output.push({
        id: `msg_${suffix}`,
        type: 'message',
        status: 'completed',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: TEXT[kind] }],
        role: 'assistant',
      });
    }
    const response = (status, withOutput) => ({
      id,
      object: 'response',
      created_at: createdAt,
      status,
      background: false,
      completed_at: status === 'completed' ? createdAt : null,
      error: null,
      incomplete_details: null,
      instructions: body.instructions ?? null,
      max_output_tokens: body.max_output_tokens ?? null,
      max_tool_calls: null,
      model,
      output: withOutput ? output : [],
      parallel_tool_calls: true,
      previous_response_id: body.previous_response_id ?? null,
      prompt_cache_key: null,
      prompt_cache_retention: null,
      reasoning: { effort: isReasoningModel(body.model) ? (body.reasoning?.effort ?? 'medium') : null, summary: null },
      safety_identifier: null,
      service_tier: 'default',
      store: body.store ?? true,
      temperature: 1.0,
      text: { format: { type: 'text' }, verbosity: 'medium' },
      tool_choice: 'auto',
      tools: body.tools ?? [],
      top_logprobs: 0,
      top_p: 1.0,
      truncation: 'disabled',
      usage: status === 'completed' ? usage : null,
      user: null,
      metadata: body.metadata ?? {},
    });
    this.log({
      provider: 'openai',
      api: 'responses',
      operation: 'chat',
      kind,
      streaming: !!body.stream,
      usageReturned: true,
      requestModel: body.model,
      responseModel: model,
      responseId: id,
      finishReason: kind === 'tool_call' ? 'tool_calls' : 'stop',
      usage: this.openaiUsageLog(kind, u),
      providerUsage: usage,
    });
    if (!body.stream) return json(res, 200, response('completed', true), requestIdHeader('openai', id));

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...requestIdHeader('openai', id) });
    let sequence = 0;
    const event = (type, fields) => sse(res, type, { type, sequence_number: sequence++, ...fields });
    event('response.created', { response: response('in_progress', false) });
    event('response.in_progress', { response: response('in_progress', false) });
    output.forEach((item, outputIndex) => {
      if (item.type === 'message') {
        const text = item.content[0].text;
        event('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
        event('response.content_part.added', { item_id: item.id, output_index: outputIndex, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
        for (const piece of chunks(text)) {
          event('response.output_text.delta', { item_id: item.id, output_index: outputIndex, content_index: 0, delta: piece, logprobs: [] });
        }
        event('response.output_text.done', { item_id: item.id, output_index: outputIndex, content_index: 0, text, logprobs: [] });
        event('response.content_part.done', { item_id: item.id, output_index: outputIndex, content_index: 0, part: item.content[0] });
      } else if (item.type === 'function_call') {
        event('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } });
        event('response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta: item.arguments });
        event('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, arguments: item.arguments });
      } else {
        event('response.output_item.added', { output_index: outputIndex, item });
      }
      event('response.output_item.done', { output_index: outputIndex, item });
    });
    event('response.completed', { response: response('completed', true) });
    res.end();
  }

  embeddings(body, res) {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const tokens = USAGE.openaiEmbeddingTokensPerInput * inputs.length;
    const model = servedModel(body.model);
    const dimensions = body.dimensions ?? EMBEDDING_DIMENSIONS;
    const data = inputs.map((_, index) => {
      const vector = Array.from({ length: dimensions }, (_, i) => Math.round(Math.sin(index + i + 1) * 1e4) / 1e5);
      const embedding =
        body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    const usage = { prompt_tokens: tokens, total_tokens: tokens };
    this.log({
      provider: 'openai',
      api: 'embeddings',
      operation: 'embeddings',
      kind: 'embeddings',
      streaming: false,
      usageReturned: true,
      requestModel: body.model,
      responseModel: model,
      responseId: null,
      inputs: inputs.length,
      usage: {
        input: tokens,
        inputExcludingCache: tokens,
        cacheRead: 0,
        cacheWrite: 0,
        output: 0,
        outputExcludingReasoning: 0,
        reasoning: 0,
        total: tokens,
      },
      providerUsage: usage,
    });
    return json(res, 200, { object: 'list', data, model, usage }, requestIdHeader('openai', `embd_${this.calls.length}`));
  }

  // ------------------------------------------------------------- Anthropic

  messagesKind(body) {
    const messages = body.messages ?? [];
    const last = messages[messages.length - 1];
    const lastContent = Array.isArray(last?.content) ? last.content : [];
    if (last?.role === 'user' && lastContent.some((block) => block?.type === 'tool_result')) return 'tool_result';
    if (Array.isArray(body.tools) && body.tools.length > 0) return 'tool_call';
    if (body.thinking?.type === 'enabled' || body.thinking?.type === 'adaptive') return 'thinking';
    if (body.stream) return 'stream';
    return 'chat';
  }

  anthropicUsage(u) {
    return {
      input_tokens: u.input,
      cache_creation_input_tokens: u.cacheWrite,
      cache_read_input_tokens: u.cacheRead,
      cache_creation: { ephemeral_5m_input_tokens: u.cacheWrite, ephemeral_1h_input_tokens: 0 },
      output_tokens: u.output,
      ...(u.thinking > 0 ? { output_tokens_details: { thinking_tokens: u.thinking } } : {}),
      service_tier: 'standard',
    };
  }

  messages(body, res) {
    const kind = this.messagesKind(body);
    const u = USAGE.anthropic[kind];
    const id = this.nextId('msg_01');
    const model = servedModel(body.model);
    const usage = this.anthropicUsage(u);
    const content = [];
    if (kind === 'thinking') {
      content.push({
        type: 'thinking',
        thinking: 'Three warehouses hold 12, 14 and 16 items; their sum is 42.',
        signature: 'EqQBCkYIBxgCKkBlockNFixtureSignatureOnlyForRecordingsAAAA==',
      });
    }
    let stopReason = 'end_turn';
    if (kind === 'tool_call') {
      content.push({ type: 'text', text: 'Let me look up the weather.' });
      content.push({ type: 'tool_use', id: `toolu_${id.slice(6)}`, name: this.toolName(body), input: TOOL_ARGS });
      stopReason = 'tool_use';
    } else {
      content.push({ type: 'text', text: TEXT[kind] });
    }
    this.log({
      provider: 'anthropic',
      api: 'messages',
      operation: 'chat',
      kind,
      streaming: !!body.stream,
      usageReturned: true,
      requestModel: body.model,
      responseModel: model,
      responseId: id,
      finishReason: stopReason,
      usage: {
        input: u.input + u.cacheRead + u.cacheWrite,
        inputExcludingCache: u.input,
        cacheRead: u.cacheRead,
        cacheWrite: u.cacheWrite,
        output: u.output,
        outputExcludingReasoning: u.output - u.thinking,
        reasoning: u.thinking,
        total: u.input + u.cacheRead + u.cacheWrite + u.output,
      },
      providerUsage: usage,
    });
    const message = (withContent, messageUsage, stop) => ({
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: withContent ? content : [],
      stop_reason: stop,
      stop_sequence: null,
      usage: messageUsage,
    });
    if (!body.stream) return json(res, 200, message(true, usage, stopReason), requestIdHeader('anthropic', id));

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...requestIdHeader('anthropic', id) });
    const event = (type, fields) => sse(res, type, { type, ...fields });
    // message_start carries the input side and a first output count; message_delta the cumulative totals.
    const { output_tokens_details: _, ...startUsage } = usage;
    event('message_start', { message: message(false, { ...startUsage, output_tokens: 1 }, null) });
    content.forEach((block, index) => {
      if (block.type === 'text') {
        event('content_block_start', { index, content_block: { type: 'text', text: '' } });
        if (index === 0) event('ping', {});
        for (const piece of chunks(block.text)) event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
      } else if (block.type === 'thinking') {
        event('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
        event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: block.thinking } });
        event('content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature } });
      } else if (block.type === 'tool_use') {
        event('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
      }
      event('content_block_stop', { index });
    });
    event('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: {
        input_tokens: u.input,
        cache_creation_input_tokens: u.cacheWrite,
        cache_read_input_tokens: u.cacheRead,
        output_tokens: u.output,
        ...(u.thinking > 0 ? { output_tokens_details: { thinking_tokens: u.thinking } } : {}),
      },
    });
    event('message_stop', {});
    res.end();
  }
}
