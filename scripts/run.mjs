#!/usr/bin/env node
// `npm start` / `npm test` on a fresh clone with nothing but Node and npm: install with pnpm 12
// (fetched through npx when it is not on the PATH), build, then run. Plain JS: nothing is built yet.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const task = process.argv[2];
const bin = (name) => `${root}node_modules/.bin/${name}`;
// The API's live heap under the bench's loads is 40-50 MB; uncapped, V8 let its old space reach
// ~140 MB of mostly garbage before collecting it (docs/benchmarks.md, issue 15). Also in the Dockerfile.
const API_HEAP = '--max-old-space-size=192';

function runOrExit(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function pnpmCommand() {
  try {
    if (execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).startsWith('12.')) return ['pnpm', []];
  } catch {}
  return ['npx', ['--yes', 'pnpm@12']];
}

const [pnpm, prefix] = pnpmCommand();
runOrExit(pnpm, [...prefix, 'install', '--frozen-lockfile', '--reporter=silent']);
runOrExit(bin('tsc'), ['-b']);

if (task === 'test') {
  // The build leaves tests out; type-check them too, so a test cannot rot unnoticed.
  runOrExit(bin('tsc'), ['-p', 'tsconfig.test.json']);
  runOrExit(bin('biome'), ['check', '.']);
  // Unused files, exports and dependencies fail the run (knip.json names the entry points).
  runOrExit(bin('knip'), []);
  if (!existsSync('/usr/bin/redis-server') && spawnSync('redis-server', ['--version']).status !== 0) {
    console.warn('redis-server is not installed: the worker tests will fail. Install it with `apt-get install -y redis-server`.');
  }
  // The JSON report lets this script refuse skipped tests (in CI nothing may be skipped for missing
  // infrastructure) and print one plain closing line that any CI reader understands.
  const report = `${root}node_modules/.cache/vitest-report.json`;
  const result = spawnSync(
    bin('vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(3)],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  const summary = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : null;
  if (summary) {
    const skipped = summary.numPendingTests + summary.numTodoTests;
    console.log(`${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${skipped} skipped`);
    if (skipped > 0 && process.env.CI) {
      console.error('Skipped tests are failures in CI: every test must run (see the messages above for what is missing).');
      process.exit(1);
    }
  }
  process.exit(result.status ?? 1);
} else if (task === 'start' || task === 'worker') {
  const entry = task === 'start' ? 'apps/api/dist/main.js' : 'apps/worker/dist/main.js';
  // argon2's 19 MiB buffers would otherwise stay in glibc's heap after each login, and V8 would
  // let its old space grow to several times the live heap under load (docs/benchmarks.md).
  // A NODE_OPTIONS of the caller's comes after the cap, so its own --max-old-space-size wins.
  const nodeOptions = [task === 'start' ? API_HEAP : '', process.env.NODE_OPTIONS ?? ''].filter(Boolean).join(' ');
  const env = { MALLOC_MMAP_THRESHOLD_: '131072', ...process.env, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };
  const child = spawn(process.execPath, [`${root}${entry}`], { stdio: 'inherit', env });
  // Hand signals on, so Ctrl-C or a SIGTERM to this wrapper shuts the service down cleanly.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  // npm runs this script through `sh -c`, which does not pass a SIGTERM on: when the shell dies
  // and leaves this wrapper orphaned, stop the service as if the signal had arrived.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && child.kill('SIGTERM'), 500).unref();
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.error('usage: node scripts/run.mjs start|worker|test');
  process.exit(2);
}
