import { fail } from '@fairdraw/domain';
import type { Deps } from './deps.js';

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
export async function runIdempotent(
  deps: Deps,
  request: IdempotencyRequest,
  action: () => Promise<IdempotentResponse>,
): Promise<IdempotentResponse & { replayed: boolean }> {
  const { scope, key, fingerprint } = request;
  return deps.uow.run(async (repos) => {
    if (!(await repos.idempotency.tryLock(scope, key))) {
      fail('IDEMPOTENCY_IN_PROGRESS', 'a request with this Idempotency-Key is still being processed');
    }
    const existing = await repos.idempotency.find(scope, key);
    if (existing !== null) {
      if (existing.fingerprint !== fingerprint) {
        fail('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');
      }
      return { ...(JSON.parse(existing.response) as IdempotentResponse), replayed: true };
    }
    const response = await action();
    await repos.idempotency.save(scope, key, { fingerprint, response: JSON.stringify(response) }, deps.clock.now());
    return { ...response, replayed: false };
  });
}
