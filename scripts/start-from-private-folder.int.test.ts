import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm start` as the README gives it, in a clone inside a folder of mode 0700 (as root's home and
// every `mktemp -d` are). As root, PostgreSQL runs as the "postgres" user, which cannot enter that
// folder: the service must keep its cluster and binaries where that user can reach them. As
// another user, the cluster stays in the clone's DATA_DIR. Either way it must start, keep its
// data across a restart, and stop cleanly on Ctrl-C.
const root = fileURLToPath(new URL('..', import.meta.url));
const asRoot = process.getuid?.() === 0;
const ADMIN = { username: 'private-admin', password: 'admin password 123' };

let privateDir = '';
let clone = '';
let home = '';

/**
 * What a clone has: the tracked files, as they are in this working tree (so uncommitted work is
 * tested too); without git (a tree unpacked from an archive), everything but what installs and
 * builds make.
 */
async function copyWorkingTree(to: string): Promise<void> {
  const files = existsSync(join(root, '.git')) ? gitFiles() : await sourceFiles('');
  for (const file of files) {
    await mkdir(dirname(join(to, file)), { recursive: true });
    await copyFile(join(root, file), join(to, file));
    await chmod(join(to, file), (await stat(join(root, file))).mode & 0o777);
  }
}

const gitFiles = () =>
  execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(root, file)));

const MADE = new Set(['node_modules', '.git', '.data', 'dist', '.cache']);

async function sourceFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(root, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && !MADE.has(entry.name)) found.push(...(await sourceFiles(path)));
    else if (entry.isFile() && !entry.name.endsWith('.tsbuildinfo')) found.push(path);
  }
  return found;
}

interface Started {
  readonly process: ChildProcess;
  readonly base: string;
  readonly exited: Promise<void>;
  output(): string;
}

/** `npm start` in the clone, in a process group of its own (as a terminal runs it), until it serves. */
async function npmStart(): Promise<Started> {
  const child = spawn('npm', ['start'], {
    cwd: clone,
    detached: true,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      EMBEDDED_POSTGRES_DIR: home,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      DAILY_LOTTERIES: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const match = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then(() => reject(new Error(`npm start exited before listening:\n${output}`)));
  });
  return { process: child, base, exited, output: () => output };
}

/** Ctrl-C: SIGINT to the whole process group (npm, the wrapper, the API and PostgreSQL). */
async function ctrlC(started: Started): Promise<void> {
  const { pid, exitCode, signalCode } = started.process;
  if (pid !== undefined && exitCode === null && signalCode === null) process.kill(-pid, 'SIGINT');
  await started.exited;
}

const clusterDir = async () => {
  if (!asRoot) return join(clone, '.data', 'postgres');
  const [key] = await readdir(join(home, 'clusters'));
  return join(home, 'clusters', String(key), 'data');
};
const postmasterPid = async () => Number((await readFile(join(await clusterDir(), 'postmaster.pid'), 'utf8')).split('\n')[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function login(base: string, body: object): Promise<number> {
  const answer = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return answer.status;
}

beforeAll(async () => {
  privateDir = await mkdtemp(join(tmpdir(), 'fairdraw-private-'));
  expect((await stat(privateDir)).mode & 0o777).toBe(0o700);
  clone = join(privateDir, 'fairdraw');
  await copyWorkingTree(clone);
  // Where, as root, the cluster and binaries go (the service's default is /var/lib/fairdraw).
  home = join(await mkdtemp(join(tmpdir(), 'fairdraw-home-')), 'embedded');
  await chmod(dirname(home), 0o755);
}, 300_000);

afterAll(async () => {
  // Only if a test failed half-way: never leave a PostgreSQL behind.
  const pid = await postmasterPid().catch(() => 0);
  if (pid > 0 && alive(pid)) process.kill(pid, 'SIGINT');
  await rm(privateDir, { recursive: true, force: true });
  await rm(dirname(home), { recursive: true, force: true });
});

describe('npm start from a clone in a folder of mode 0700', () => {
  it('installs, builds, serves, keeps its data across a restart and stops on Ctrl-C', async () => {
    const first = await npmStart();
    try {
      expect((await fetch(`${first.base}/health/ready`)).status).toBe(200);
      const registered = await fetch(`${first.base}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'kept', password: 'kept password 1' }),
      });
      expect(registered.status).toBe(201);
    } finally {
      await ctrlC(first);
    }
    const cluster = await clusterDir();
    expect(existsSync(join(cluster, 'PG_VERSION'))).toBe(true);
    // Stopped cleanly: the server removed its lock file.
    expect(existsSync(join(cluster, 'postmaster.pid'))).toBe(false);
    // The superuser's password stays with the clone's other secrets, readable by this user only.
    expect((await stat(join(clone, '.data', 'postgres-password'))).mode & 0o777).toBe(0o600);
    if (asRoot) {
      // Nothing in the clone that the "postgres" user would have to reach; the copy of the binaries is shared.
      expect(existsSync(join(clone, '.data', 'postgres'))).toBe(false);
      expect((await readdir(home)).sort()).toEqual(['clusters', expect.stringMatching(/^postgres-\d/)]);
      expect(first.output()).toContain(`embedded PostgreSQL keeps its data in ${cluster}`);
    } else {
      expect(existsSync(home)).toBe(false);
    }

    const second = await npmStart();
    try {
      expect(await login(second.base, { username: 'kept', password: 'kept password 1' })).toBe(200);
      expect(await login(second.base, ADMIN)).toBe(200);
      const pid = await postmasterPid();
      expect(alive(pid)).toBe(true);
      await ctrlC(second);
      expect(alive(pid)).toBe(false);
    } finally {
      await ctrlC(second);
    }
    expect(second.output()).not.toMatch(/"level":50|Error:/);
  }, 600_000);
});
