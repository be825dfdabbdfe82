// A loopback OTLP/HTTP trace receiver standing in for an OpenTelemetry Collector: it keeps the raw
// JSON body of every export request (an ExportTraceServiceRequest), so that a recording is exactly
// what the instrumentation's exporter sent, one request per line as `lockn audit` reads it.

import http from 'node:http';
import { gunzipSync } from 'node:zlib';

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export class Collector {
  constructor() {
    this.requests = [];
    this.errors = [];
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

  /** The export requests received since the last call, and the errors met while receiving them. */
  take() {
    const taken = { requests: this.requests, errors: this.errors };
    this.requests = [];
    this.errors = [];
    return taken;
  }

  async handle(req, res) {
    const parts = [];
    for await (const part of req) parts.push(part);
    let raw = Buffer.concat(parts);
    const path = new URL(req.url, 'http://x').pathname;
    const type = String(req.headers['content-type'] ?? '');
    if (req.method !== 'POST' || !path.endsWith('/v1/traces')) {
      this.errors.push(`unexpected ${req.method} ${path}`);
      res.writeHead(404).end();
      return;
    }
    if (!type.startsWith('application/json')) {
      // A protobuf body would need decoding that changes it; the scenarios configure JSON instead.
      this.errors.push(`export to ${path} with content-type ${type}: only OTLP/HTTP JSON is recorded`);
      res.writeHead(415).end();
      return;
    }
    try {
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      this.requests.push({ path, body: JSON.parse(raw.toString('utf8')) });
    } catch (e) {
      this.errors.push(`export to ${path}: ${e}`);
      res.writeHead(400).end();
      return;
    }
    const reply = '{}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': reply.length });
    res.end(reply);
  }
}
