import type { BallotQueue } from './ballot-batches.js';
import type { PaymentProvider } from './ports/payments.js';
import type { UnitOfWork } from './ports/repositories.js';
import type { Clock, KeyedHasher, PasswordHasher, RandomSource } from './ports/system.js';
import type { WebhookPorts } from './ports/webhooks.js';

export interface Settings {
  /** IANA zone that defines calendar dates and midnight. */
  readonly timeZone: string;
  readonly refreshTokenTtlMs: number;
  /** CURRENCY: the ISO 4217 code of every wallet and of new lotteries' prices. */
  readonly currency: string;
}

/** Everything a use case may need; each use case takes the whole bag and uses what it names. */
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
  /** PAYMENTS: where deposits come from. */
  readonly payments: PaymentProvider;
  /** Event payloads, the SSRF rule and the secrets' encryption, for webhooks. */
  readonly webhooks: WebhookPorts;
}
