import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { API_ENTRY } from './fairdraw.js';

export interface ApiProcess {
  readonly url: string;
  readonly pid: number;
  readonly admin: { readonly username: string; readonly password: string };
  readonly settings: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * The service as it runs in production (`node apps/api/dist/main.js`), configured only through
 * its environment: logging at warn, the general rate limit raised out of the way (the load
 * comes from one machine), the auth limit left at its default (the login phase measures it),
 * one proxy trusted (TRUST_PROXY=1: the bench stands in for it, writing one X-Forwarded-For
 * entry per request), so that each request can be a different client.
 */
export async function startApi(options: {
  databaseUrl: string;
  port: number;
  cpuProfileDir?: string | undefined;
  /** More environment for the API process (--api-env NAME=VALUE): what-if runs, e.g. allocator settings. */
  extraEnv?: Readonly<Record<string, string>> | undefined;
}): Promise<ApiProcess> {
  const admin = { username: 'bench-admin', password: randomBytes(12).toString('base64url') };
  const settings: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(options.port),
    DATABASE_URL: options.databaseUrl,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ADMIN_USERNAME: admin.username,
    ADMIN_PASSWORD: admin.password,
    LOG_LEVEL: 'warn',
    TRUST_PROXY: '1',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    // Long enough that tokens taken at the start outlive a --large run.
    ACCESS_TOKEN_TTL: '2h',
    // As the Dockerfile and `npm start` ship it: argon2's buffers go back to the system.
    MALLOC_MMAP_THRESHOLD_: '131072',
    // As the Dockerfile and `npm start` ship it: V8's old space capped at 4x the live heap.
    NODE_OPTIONS: '--max-old-space-size=192',
    ...options.extraEnv,
  };
  const flags = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...flags, fileURLToPath(API_ENTRY)], {
    env: { PATH: process.env.PATH ?? '', ...settings },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilReady(url, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const { JWT_SECRET: _, ADMIN_PASSWORD: __, ...shown } = settings;
  return {
    url,
    pid: child.pid ?? 0,
    admin,
    settings: shown,
    stop: () => stopChild(child),
  };
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with code ${child.exitCode} before it was ready`);
    const ready = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the API was not ready within 60 s');
}

/** SIGTERM (a clean stop, which also writes a --cpu-prof profile), SIGKILL after 15 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
