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
import {
  createDatabase,
  createPostgresUnitOfWork,
  createReadinessProbe,
  type Database,
  LotteryReadCache,
  migrateToLatest,
  poolUsage,
  Reachability,
  startEmbeddedPostgres,
} from '@fairdraw/adapters-postgres';
import {
  type BeaconDrawScheduler,
  cryptoRandom,
  type DeliveryDeps,
  type Deps,
  hmacHasher,
  type PaymentProvider,
  StoreUnavailable,
  simulatedPayments,
  systemClock,
  wireDeps,
} from '@fairdraw/application';
import type { Kysely } from 'kysely';
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
  /** The pool that serves the use cases (for its gauges). */
  readonly db: Kysely<Database>;
  /** Resolves when the database answers, within about 1.5 s either way (its own connection). */
  pingDatabase(): Promise<void>;
  close(): Promise<void>;
}

/** pino's logger fits (the worker's, the API's `app.log`); the default writes to the console. */
export interface RuntimeLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** Until an app hands its pino logger over, the runtime reports to the console. */
export const consoleLog: RuntimeLog = {
  info: (details, message) => console.info(message, JSON.stringify(details)),
  warn: (details, message) => console.warn(message, JSON.stringify(details)),
};

/**
 * One warning when the database becomes unreachable and one note when it is back, whatever
 * noticed it first (a request, an idle connection, the readiness probe); the requests of the
 * outage answer 503 without a log line each.
 */
function databaseReachability(log: () => RuntimeLog): Reachability {
  return new Reachability({
    onUnreachable: (error) =>
      log().warn(
        { err: { message: error.message, code: (error as { code?: unknown }).code } },
        'database unreachable: requests that need it answer 503 until it is back',
      ),
    onReachable: (downForMs) => log().info({ down_for_ms: downForMs }, 'database reachable again'),
    onBusy: (error) =>
      log().warn(
        { err: { message: error.message } },
        'database pool exhausted: requests waiting longer than DATABASE_ACQUIRE_TIMEOUT_MS answer 503',
      ),
  });
}

export interface RuntimeOptions {
  readonly migrate: boolean;
  /**
   * Answer lottery reads from memory for LOTTERY_CACHE_MS: for the API, whose public reads are
   * its hottest path. A worker serves no reads, and its stale copies would only mislead.
   */
  readonly lotteryReadCache?: boolean | undefined;
  /** Read at each event, so a caller may point it at a logger made after the runtime. */
  readonly log?: (() => RuntimeLog) | undefined;
}

export async function startRuntime(settings: Settings, options: RuntimeOptions): Promise<Runtime> {
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
    const log = options.log ?? ((): RuntimeLog => consoleLog);
    const url = server?.url ?? settings.DATABASE_URL ?? '';
    const reachability = databaseReachability(log);
    const db = createDatabase(url, {
      poolSize: settings.DATABASE_POOL_SIZE,
      acquireTimeoutMs: settings.DATABASE_ACQUIRE_TIMEOUT_MS,
      reachability,
      // The pool reconnects by itself; an operator still wants to know the server dropped us.
      onIdleClientError: (error) => log().warn({ err: { message: error.message } }, 'database connection lost (will reconnect)'),
    });
    const probe = createReadinessProbe(url, { reachability });
    if (options.migrate || embedded) await migrateToLatest(db);
    const secret = await jwtSecret(settings.JWT_SECRET, embedded, dataDir);
    const hashSecret = settings.HASH_SECRET ?? deriveKey(secret, 'keyed-hash').toString('hex');
    const lotteryCache = options.lotteryReadCache ? new LotteryReadCache(settings.LOTTERY_CACHE_MS) : undefined;
    const uow = createPostgresUnitOfWork(db, lotteryCache ? { lotteryCache } : {});
    // Webhook secrets are sealed with a key of their own, derived like the stored responses' one.
    const secrets = webhookSecretBox(deriveKey(secret, 'webhook-secrets').toString('hex'));
    const addressRule = { allowPrivate: settings.WEBHOOK_ALLOW_PRIVATE };
    const metrics = createMetrics({ processMetrics: true, poolStats: () => poolUsage(db) });
    const beacon = new DrandRelays({
      mode: settings.DRAW_BEACON,
      urls: settings.BEACON_URLS,
      chainHash: settings.BEACON_CHAIN_HASH,
      log: consoleLog,
      onRelayEvent: (event) => metrics.beaconFetched(event.kind, event.outcome),
    });
    let beaconDraws: BeaconDrawScheduler | null = null;
    const telemetry = metrics.telemetry;
    const deps = wireDeps(
      {
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
        payments: paymentProviders[settings.PAYMENTS],
        webhooks: { payloads: httpWebhookPayloads, addresses: webhookAddressPolicy(addressRule), secrets },
        beacon,
        // Late-bound: the scheduler that draws needs these deps, and these deps schedule draws.
        beaconDraws: { drawAt: async (lotteryId, at) => beaconDraws?.drawAt(lotteryId, at) },
      },
      {
        maxTurns: settings.BALLOT_TURNS,
        // Its draw seals it instead; the operator should still hear that the database refused
        // (an outage is reported once already).
        onSealError: (error) => {
          if (!(error instanceof StoreUnavailable)) log().warn({ err: error }, 'sealing a sold-out lottery failed (its draw will seal it)');
        },
      },
    );
    return {
      deps,
      deliveryDeps: { uow, clock: systemClock, secrets, transport: webhookTransport(addressRule), telemetry },
      beacon,
      useBeaconDraws: (scheduler) => {
        beaconDraws = scheduler;
      },
      jwtSecret: secret,
      responseKey: deriveKey(secret, 'idempotent-responses'),
      embedded,
      metrics,
      db,
      pingDatabase: () => probe.check(),
      close: async () => {
        beacon.stop();
        // Answer every waiting ballot and finish sealing sold-out pools before the pool goes.
        await deps.ballotBatches.idle();
        await probe.close();
        await db.destroy();
        await server?.stop();
      },
    };
  } catch (error) {
    await server?.stop();
    throw error;
  }
}
