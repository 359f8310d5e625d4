import { createHash } from 'node:crypto';
import type { Deps } from '../deps.js';
import type { PasswordHasher, RandomSource } from '../ports/system.js';
import { cryptoRandom } from '../system/crypto-random.js';
import { hmacHasher } from '../system/hmac-hasher.js';
import { simulatedPayments } from '../system/simulated-payments.js';
import { wireDeps } from '../wire-deps.js';
import { createInMemoryUnitOfWork, type InMemoryUnitOfWork } from './in-memory-unit-of-work.js';
import { testWebhookPorts } from './test-webhooks.js';

/** A clock tests move by hand. */
export class ManualClock {
  constructor(private current: Date = new Date('2030-01-10T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Fast and obviously fake: tests need a hasher's contract, not argon2's cost. */
export const plainTextPasswords: PasswordHasher = {
  hash: async (password) => `test$${createHash('sha256').update(password).digest('hex')}`,
  verify: async (hash, password) => hash === `test$${createHash('sha256').update(password).digest('hex')}`,
};

export interface TestDeps extends Deps {
  readonly uow: InMemoryUnitOfWork;
  readonly clock: ManualClock;
}

export function testDeps(
  overrides: { timeZone?: string; random?: RandomSource; now?: Date | string; uow?: InMemoryUnitOfWork } = {},
): TestDeps {
  const uow = overrides.uow ?? createInMemoryUnitOfWork();
  return wireDeps({
    uow,
    clock: new ManualClock(new Date(overrides.now ?? '2030-01-10T12:00:00.000Z')),
    random: overrides.random ?? cryptoRandom,
    passwords: plainTextPasswords,
    keyed: hmacHasher('test secret'),
    settings: { timeZone: overrides.timeZone ?? 'UTC', refreshTokenTtlMs: 30 * 86_400_000, currency: 'EUR' },
    payments: simulatedPayments,
    webhooks: testWebhookPorts,
  });
}
