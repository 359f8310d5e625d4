import { resolve } from 'node:path';
import {
  createMetrics,
  DrandRelays,
  httpWebhookPayloads,
  type Metrics,
  webhookAddressPolicy,
  webhookSecretBox,
  webhookTransport,
} from '@fairdraw/adapters-http';
import { createDatabase, createPostgresUnitOfWork, migrateToLatest, poolStatsOf, startEmbeddedPostgres } from '@fairdraw/adapters-postgres';
import {
  BallotBatches,
  type BeaconDrawScheduler,
  cryptoRandom,
  type DeliveryDeps,
  type Deps,
  hmacHasher,
  type PaymentProvider,
  simulatedPayments,
  systemClock,
} from '@fairdraw/application';
import { sql } from 'kysely';
import { argon2Hasher } from './argon2-hasher.js';
import { deriveKey, jwtSecret } from './secrets.js';
import type { Settings } from './settings.js';

/** PAYMENTS: the deposit providers there are (a real one would be added here). */
const paymentProviders: Readonly<Record<Settings['PAYMENTS'], PaymentProvider>> = { simulated: simulatedPayments };

/**
 * What both processes share: the database (embedded when no DATABASE_URL is given), the
 * migrations and the use cases' dependencies. Each app adds its own front (HTTP or jobs).
 */
export interface Runtime {
  readonly deps: Deps;
  /** What the webhook deliveries need: the store, the clock, the secrets' key and the transport. */
  readonly deliveryDeps: DeliveryDeps;
  readonly jwtSecret: string;
  readonly responseKey: Buffer;
  readonly embedded: boolean;
  /** The drand relays (DRAW_BEACON); its chain info is fetched only once the app calls start(). */
  readonly beacon: DrandRelays;
  /** Where v2 draws are scheduled once their lottery is created: the app's scheduler, set when it starts. */
  useBeaconDraws(scheduler: BeaconDrawScheduler | null): void;
  /** This process's Prometheus series: the use cases', its pool's and Node's. */
  readonly metrics: Metrics;
  pingDatabase(): Promise<void>;
  close(): Promise<void>;
}

/** Until an app hands its pino logger over, the beacon reports to the console. */
const consoleLog = {
  info: (details: object, message: string) => console.info(message, JSON.stringify(details)),
  warn: (details: object, message: string) => console.warn(message, JSON.stringify(details)),
};

export async function startRuntime(settings: Settings, options: { migrate: boolean }): Promise<Runtime> {
  const embedded = settings.DATABASE_URL === undefined;
  const dataDir = resolve(settings.DATA_DIR);
  const server = embedded
    ? await startEmbeddedPostgres({
        dataDir: resolve(dataDir, 'postgres'),
        passwordFile: resolve(dataDir, 'postgres-password'),
        homeDir: settings.EMBEDDED_POSTGRES_DIR,
      })
    : null;
  if (server !== null && server.clusterDir !== resolve(dataDir, 'postgres')) {
    // As root in a folder the "postgres" user cannot enter (README, Quick start): say where the data is.
    console.info(`embedded PostgreSQL keeps its data in ${server.clusterDir}: the "postgres" user cannot enter ${dataDir}`);
  }
  try {
    const db = createDatabase(server?.url ?? settings.DATABASE_URL ?? '', {
      poolSize: settings.DATABASE_POOL_SIZE,
      // The pool reconnects by itself; an operator still wants to know the server dropped us.
      onIdleClientError: (error) => console.warn(`database connection lost (will reconnect): ${error.message}`),
    });
    if (options.migrate || embedded) await migrateToLatest(db);
    const secret = await jwtSecret(settings.JWT_SECRET, embedded, dataDir);
    const hashSecret = settings.HASH_SECRET ?? deriveKey(secret, 'keyed-hash').toString('hex');
    const uow = createPostgresUnitOfWork(db);
    // Webhook secrets are sealed with a key of their own, derived like the stored responses' one.
    const secrets = webhookSecretBox(deriveKey(secret, 'webhook-secrets').toString('hex'));
    const addressRule = { allowPrivate: settings.WEBHOOK_ALLOW_PRIVATE };
    const metrics = createMetrics({ processMetrics: true, poolStats: () => poolStatsOf(db) });
    const beacon = new DrandRelays({
      mode: settings.DRAW_BEACON,
      urls: settings.BEACON_URLS,
      chainHash: settings.BEACON_CHAIN_HASH,
      log: consoleLog,
      onRelayEvent: (event) => metrics.beaconFetched(event.kind, event.outcome),
    });
    let beaconDraws: BeaconDrawScheduler | null = null;
    const telemetry = metrics.telemetry;
    const deps: Deps = {
      uow,
      clock: systemClock,
      random: cryptoRandom,
      passwords: argon2Hasher(),
      keyed: hmacHasher(hashSecret),
      settings: {
        timeZone: settings.SERVICE_TIMEZONE,
        refreshTokenTtlMs: settings.REFRESH_TOKEN_TTL,
        currency: settings.CURRENCY,
        beaconMarginS: settings.BEACON_MARGIN_S,
      },
      telemetry,
      ballotBatches: new BallotBatches(uow, {
        telemetry,
        // Its draw seals it instead; the operator should still hear that the database refused.
        onSealError: (error) => console.warn(`sealing a sold-out lottery failed (its draw will seal it): ${String(error)}`),
      }),
      payments: paymentProviders[settings.PAYMENTS],
      webhooks: { payloads: httpWebhookPayloads, addresses: webhookAddressPolicy(addressRule), secrets },
      beacon,
      // Late-bound: the scheduler that draws needs these deps, and these deps schedule draws.
      beaconDraws: { drawAt: async (lotteryId, at) => beaconDraws?.drawAt(lotteryId, at) },
    };
    return {
      deps,
      deliveryDeps: { uow, clock: systemClock, secrets, transport: webhookTransport(addressRule) },
      beacon,
      useBeaconDraws: (scheduler) => {
        beaconDraws = scheduler;
      },
      jwtSecret: secret,
      responseKey: deriveKey(secret, 'idempotent-responses'),
      embedded,
      metrics,
      pingDatabase: async () => {
        await sql`select 1`.execute(db);
      },
      close: async () => {
        beacon.stop();
        // Answer every waiting ballot and finish sealing sold-out pools before the pool goes.
        await deps.ballotBatches.idle();
        await db.destroy();
        await server?.stop();
      },
    };
  } catch (error) {
    await server?.stop();
    throw error;
  }
}
