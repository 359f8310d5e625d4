import { cryptoRandom, type Deps, failureCode, hmacHasher, simulatedPayments, systemClock, wireDeps } from '@fairdraw/application';
import { plainTextPasswords, testWebhookPorts } from '@fairdraw/application/testing';
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { createPostgresUnitOfWork } from '../unit-of-work.js';

/**
 * The use cases' dependencies on a real database, as production wires them except for the
 * password hasher (argon2's cost buys nothing in a test). The clock is the real one: concurrency
 * tests compare the instants that transactions record. Each call batches ballots on its own,
 * as a separate API process would.
 */
export function postgresTestDeps(db: Kysely<Database>): Deps {
  const uow = createPostgresUnitOfWork(db);
  return wireDeps({
    uow,
    clock: systemClock,
    random: cryptoRandom,
    passwords: plainTextPasswords,
    keyed: hmacHasher('test secret'),
    settings: { timeZone: 'UTC', refreshTokenTtlMs: 30 * 86_400_000, currency: 'EUR' },
    payments: simulatedPayments,
    webhooks: testWebhookPorts,
  });
}

export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: string };

/** What a task returned, or which error code it failed with. */
export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    // An unexpected error (a deadlock, a broken constraint) keeps its message, so an assertion
    // on codes shows what went wrong.
    (error: unknown) => ({ ok: false, code: failureCode(error) ?? `UNEXPECTED: ${String(error)}` }),
  );
}

/** Starts every task at once and settles them all. */
export function settleAll<T>(tasks: readonly (() => Promise<T>)[]): Promise<Settled<T>[]> {
  return Promise.all(tasks.map((task) => settle(task())));
}
