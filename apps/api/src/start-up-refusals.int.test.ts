import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { PostgresServer } from '@fairdraw/adapters-postgres';
import { freshDatabase, postgresTestDeps, startTestPostgres, type TestDatabase } from '@fairdraw/adapters-postgres/testing';
import { registerParticipant } from '@fairdraw/application';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Settings that must stop the real process (node apps/api/dist/main.js) before it serves
// anything: exit code 1 and a message naming the setting and what to do (issue 10).
const root = fileURLToPath(new URL('../../../', import.meta.url));

let postgres: PostgresServer | null = null;
let database: TestDatabase | null = null;

beforeAll(() => {
  const built = spawnSync(`${root}node_modules/.bin/tsc`, ['-b', 'apps/api'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`tsc -b apps/api failed:\n${built.stdout}${built.stderr}`);
});
afterAll(async () => {
  await database?.drop();
  await postgres?.stop();
});

/** Runs the API with `env` until it exits (or 30 s pass), and returns its exit code and output. */
function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [`${root}apps/api/dist/main.js`], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve) => {
    const bound = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(bound);
      resolve({ code, output });
    });
  });
}

const SOME_DATABASE = 'postgres://nobody:nothing@127.0.0.1:1/none';
const goodSecret = () => randomBytes(32).toString('hex');

describe('start-up refuses', () => {
  it('TRUST_PROXY=true', async () => {
    const { code, output } = await start({ DATABASE_URL: SOME_DATABASE, JWT_SECRET: goodSecret(), TRUST_PROXY: 'true' });
    expect(code).toBe(1);
    expect(output).toMatch(/TRUST_PROXY=true is refused/);
  });

  it(".env.example's JWT_SECRET placeholder, saying how to make a key", async () => {
    const placeholder = 'change-me-to-64-hex-characters-from-openssl-rand-hex-32';
    const { code, output } = await start({ DATABASE_URL: SOME_DATABASE, JWT_SECRET: placeholder });
    expect(code).toBe(1);
    expect(output).toMatch(/JWT_SECRET is not a random key/);
    expect(output).toContain('openssl rand -hex 32');
  });

  it('an ADMIN_USERNAME that a participant holds (ignoring case), and never listens', async () => {
    postgres = await startTestPostgres();
    database = await freshDatabase(postgres);
    await registerParticipant(postgresTestDeps(database.db), { username: 'Boss', password: 'a participant password' });
    const { code, output } = await start({
      DATABASE_URL: database.url,
      JWT_SECRET: goodSecret(),
      ADMIN_USERNAME: 'boss',
      ADMIN_PASSWORD: 'an admin password',
      DAILY_LOTTERIES: 'false',
    });
    expect(code).toBe(1);
    expect(output).toMatch(/ADMIN_USERNAME "boss" is already held by a participant \("Boss"\)/);
    expect(output).not.toMatch(/Server listening/);
  });
});
