import { fail } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import type { IdempotencyRepository } from './ports/repositories.js';
import type { Clock } from './ports/system.js';

export interface IdempotencyRequest {
  /** Whose keys these are: a participant, or a guest's address. */
  readonly scope: string;
  readonly key: string;
  /** Identifies the request; the same key with another fingerprint is IDEMPOTENCY_KEY_REUSED. */
  readonly fingerprint: string;
}

export interface IdempotentResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * Runs an action at most once per (scope, key). The action's writes and the stored response
 * commit in one transaction, so a crash can never leave ballots without their recorded response
 * or a response without its ballots. Failures are not recorded: a retry runs the action again.
 */
export function runIdempotent(
  deps: Deps,
  request: IdempotencyRequest,
  action: () => Promise<IdempotentResponse>,
): Promise<IdempotentResponse & { replayed: boolean }> {
  return deps.uow.run((repos) => idempotently(repos.idempotency, deps.clock, request, action));
}

/** What a key needs of its store; a ballot turn passes one that reads all its keys at once. */
export type IdempotencyStore = Pick<IdempotencyRepository, 'tryLock' | 'find' | 'save'>;

/** The same inside a transaction the caller already holds, through the store it gives. */
export async function idempotently(
  store: IdempotencyStore,
  clock: Clock,
  request: IdempotencyRequest,
  action: () => Promise<IdempotentResponse>,
): Promise<IdempotentResponse & { replayed: boolean }> {
  const { scope, key, fingerprint } = request;
  if (!(await store.tryLock(scope, key))) {
    fail('IDEMPOTENCY_IN_PROGRESS', 'a request with this Idempotency-Key is still being processed');
  }
  const existing = await store.find(scope, key);
  if (existing !== null) {
    if (existing.fingerprint !== fingerprint) {
      fail('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');
    }
    return { ...(JSON.parse(existing.response) as IdempotentResponse), replayed: true };
  }
  const response = await action();
  await store.save(scope, key, { fingerprint, response: JSON.stringify(response) }, clock.now());
  return { ...response, replayed: false };
}
