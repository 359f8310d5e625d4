import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the fields they need from many shapes
  json(): any;
}

interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly idempotencyKey?: string;
}

export interface ApiProcess {
  /** http://127.0.0.1:<port> */
  readonly base: string;
  /** One request, its body read whole. */
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** pino's lines so far, parsed (lines that are not JSON are left out). */
  logLines(): Record<string, unknown>[];
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

/**
 * The compiled API (`node apps/api/dist/main.js`) over an external database, listening on a
 * port the OS picks; resolves once it listens. `env` adds settings to the minimal ones.
 */
export async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  // tsc -b rebuilds only what changed; the child runs the compiled code, not the sources.
  execFileSync(`${root}node_modules/.bin/tsc`, ['-b', 'apps/api'], { cwd: root, stdio: 'inherit' });
  const child = spawn(process.execPath, [`${root}apps/api/dist/main.js`], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: randomBytes(32).toString('hex'),
      DAILY_LOTTERIES: 'false',
      // No beacon relays to reach from a test: fairdraw-v1 only, and no warning about it.
      DRAW_BEACON: 'off',
      LOG_LEVEL: 'info',
      // As `npm start` and the image run it (allocator-advice.ts), so the log holds no such warning.
      MALLOC_MMAP_THRESHOLD_: '131072',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = await listening(child, () => output);
  return {
    base,
    call: (method, path, options) => call(base, method, path, options),
    output: () => output,
    logLines: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

function listening(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', () => {
      const match = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(output());
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the API exited with ${code} before listening:\n${output()}`)));
  });
}

async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? null : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}
