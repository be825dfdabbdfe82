// Installs every scenario as its own npm project (run by `npm ci` / `npm install` here, as the
// postinstall script). Each scenario is an application of its own, with its own package-lock.json:
// a shared tree (npm workspaces) would hoist a package used by two scenarios (say @anthropic-ai/sdk)
// next to one scenario's @opentelemetry/api, so that in the other scenario it would talk to an API
// copy with no tracer provider registered and silently emit nothing.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

for (const name of readdirSync(SCENARIOS).sort()) {
  const dir = join(SCENARIOS, name);
  if (!existsSync(join(dir, 'package.json'))) continue;
  const command = existsSync(join(dir, 'package-lock.json')) ? 'ci' : 'install';
  console.log(`scenarios/${name}: npm ${command}`);
  const result = spawnSync(npm, [command, '--no-fund', '--no-audit', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`scenarios/${name}: npm ${command} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}
