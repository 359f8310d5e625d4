import type { BallotQueue } from './ports/ballot-queue.js';
import type { BeaconDrawScheduler, RandomnessBeacon } from './ports/beacon.js';
import type { PaymentProvider } from './ports/payments.js';
import type { UnitOfWork } from './ports/repositories.js';
import type { Clock, KeyedHasher, PasswordHasher, RandomSource } from './ports/system.js';
import type { Telemetry } from './ports/telemetry.js';
import type { WebhookPorts } from './ports/webhooks.js';
import type { Seals } from './seal-coordinator.js';

export interface Settings {
  /** IANA zone that defines calendar dates and midnight. */
  readonly timeZone: string;
  readonly refreshTokenTtlMs: number;
  /** CURRENCY: the ISO 4217 code of every wallet and of new lotteries' prices. */
  readonly currency: string;
  /** BEACON_MARGIN_S: seconds from a v2 lottery's closing instant to its beacon round (default 10). */
  readonly beaconMarginS?: number | undefined;
}

/**
 * Everything the use cases need, as the composition root assembles it. Each use case takes a
 * Pick of it naming the ports it uses (and its callees use); this record satisfies them all.
 */
export interface Deps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly passwords: PasswordHasher;
  /** HMAC with a server secret, for verification codes and guest addresses. */
  readonly keyed: KeyedHasher;
  readonly settings: Settings;
  /** Groups concurrent ballots of one lottery into shared transactions; one per process. */
  readonly ballotBatches: BallotQueue;
  /** Freezes closed lotteries' entries: in a close's or draw's transaction, or after a sell-out. */
  readonly seals: Seals;
  /** PAYMENTS: where deposits come from. */
  readonly payments: PaymentProvider;
  /** Event payloads, the SSRF rule and the secrets' encryption, for webhooks. */
  readonly webhooks: WebhookPorts;
  /** The drand beacon for fairdraw-v2; absent: every new lottery is v1 and v2 draws are BEACON_UNAVAILABLE. */
  readonly beacon?: RandomnessBeacon | undefined;
  /** Draws v2 lotteries when their round is published; absent: the scheduled ticks do. */
  readonly beaconDraws?: BeaconDrawScheduler | undefined;
  /** Counts and durations for operators (GET /metrics); nothing is recorded when absent. */
  readonly telemetry?: Telemetry | undefined;
}
