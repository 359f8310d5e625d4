import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildServer } from '@fairdraw/adapters-http';
import type { PostgresServer } from '@fairdraw/adapters-postgres';
import { freshDatabase, startTestPostgres, type TestDatabase } from '@fairdraw/adapters-postgres/testing';
import { type Runtime, readSettings, startRuntime } from '@fairdraw/runtime';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A CLI runs from dist, as `pnpm <cli>` does: build the API's project (tsc -b skips what is current). */
export function buildApi(): void {
  const built = spawnSync(`${ROOT}node_modules/.bin/tsc`, ['-b', 'apps/api'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`tsc -b apps/api failed:\n${built.stdout}${built.stderr}`);
}

export interface TestApi {
  /** http://127.0.0.1:<port> */
  readonly base: string;
  readonly runtime: Runtime;
  readonly database: TestDatabase;
  close(): Promise<void>;
}

/**
 * A real server for end-to-end tests: the HTTP adapter over a fresh PostgreSQL database, wired
 * by the API's own runtime, listening on a free port of 127.0.0.1. `env` adds settings (rate
 * limits, for instance) to the ones it needs.
 */
export async function startTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  const postgres: PostgresServer = await startTestPostgres();
  const database = await freshDatabase(postgres);
  const settings = readSettings({
    DATABASE_URL: database.url,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const runtime = await startRuntime(settings, { migrate: false, lotteryReadCache: true });
  const app = await buildServer({
    deps: runtime.deps,
    jwt: { secret: runtime.jwtSecret, issuer: 'fairdraw', audience: 'fairdraw-api', accessTtlSeconds: 900 },
    adminIpAllowlist: [],
    trustProxy: false,
    rateLimitPerMinute: settings.RATE_LIMIT_PER_MINUTE,
    authRateLimitPerMinute: settings.AUTH_RATE_LIMIT_PER_MINUTE,
    logger: false,
    responseSecret: runtime.responseKey.toString('hex'),
    readiness: async () => ({ database: 'ok' }),
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    base,
    runtime,
    database,
    close: async () => {
      await app.close();
      await runtime.close();
      await database.drop();
      await postgres.stop();
    },
  };
}
