/**
 * `pnpm demo` as an operator runs it: the compiled CLI, in a child process without a terminal,
 * against a real server (the HTTP adapter over PostgreSQL, wired by the API's own runtime).
 * What it says it made is then read back through the public API, and its draws verified.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureAdmin } from '@fairdraw/application';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi, startTestApi, type TestApi } from '../testing/api-server.js';
import { verifyDraw } from './verify-draw.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = `${ROOT}apps/api/dist/cli/demo.js`;
const ADMIN = { ADMIN_USERNAME: 'demo-admin', ADMIN_PASSWORD: 'demo admin password' };

let server: TestApi;
let base = '';

beforeAll(async () => {
  buildApi();
  // The service's own rate limits: the demo must get through them.
  server = await startTestApi();
  base = server.base;
  await ensureAdmin(server.runtime.deps, { username: ADMIN.ADMIN_USERNAME, password: ADMIN.ADMIN_PASSWORD });
});

afterAll(() => server?.close());

/** Runs the CLI asynchronously (this process serves its requests), with no terminal attached. */
function demo(args: string[], env: Record<string, string> = ADMIN): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

const get = async <T>(path: string): Promise<T> => {
  const response = await fetch(`${base}${path}`);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
};

interface LotteryView {
  id: string;
  name: string;
  status: string;
  ticket_limit: number | null;
  tickets_issued: number;
  entry: { guests: boolean };
}

describe('pnpm demo against a running service', () => {
  it('makes what it was asked for, says so, and its draws verify', async () => {
    const run = await demo(['--url', base, '--lotteries', '6', '--users', '4', '--ballots', '60', '--raffles', '2', '--drawn', '2']);
    expect(run.code, run.stderr).toBe(0);
    // Without a terminal, progress is plain lines.
    expect(run.stderr).toContain('registering users: 4/4 done');
    expect(run.stderr).toContain('taking tickets: 60/60 done');
    expect(run.stderr).toContain('closing and drawing: 2/2 done');
    expect(run.stdout).toContain(`Made on ${base}:`);
    expect(run.stdout).toMatch(/4 participants: demo-[0-9a-z]{4}-1 … demo-[0-9a-z]{4}-4, password "demo password [0-9a-z]{4}"/);
    expect(run.stdout).toContain('6 lotteries (2 raffles');
    expect(run.stdout).toMatch(/60 tickets in \d+ requests/);

    const { items } = await get<{ items: LotteryView[] }>('/lotteries?limit=100');
    expect(items).toHaveLength(6);
    expect(items.filter((l) => l.ticket_limit !== null && l.entry.guests)).toHaveLength(2);
    expect(items.reduce((sum, l) => sum + l.tickets_issued, 0)).toBe(60);
    const drawn = items.filter((l) => l.status === 'drawn');
    expect(drawn).toHaveLength(2);
    expect(items.filter((l) => l.status === 'open')).toHaveLength(4);
    for (const lottery of drawn) {
      expect(run.stdout).toContain(`${base}/verify/${lottery.id}`);
      expect(await verifyDraw(base, lottery.id)).toEqual([]);
    }
    // The participants it printed can sign in with the password it printed.
    const username = /(demo-[0-9a-z]{4}-1) /.exec(run.stdout)?.[1];
    const password = /password "([^"]+)"/.exec(run.stdout)?.[1];
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(login.status).toBe(200);
  });

  it('documents itself, and stops with status 2 and a reason without credentials or with a bad option', async () => {
    const help = await demo(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: pnpm demo');
    const bare = await demo(['--url', base], {});
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('ADMIN_USERNAME');
    const bad = await demo(['--url', base, '--ballots', '-3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--ballots');
  });

  it('says so when the admin credentials are refused, and exits 1', async () => {
    const run = await demo(['--url', base, '--lotteries', '1'], { ADMIN_USERNAME: 'demo-admin', ADMIN_PASSWORD: 'not the password' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ADMIN_USERNAME / ADMIN_PASSWORD were refused');
  });
});
