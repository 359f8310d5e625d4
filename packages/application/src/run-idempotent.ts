import type { Deps } from './deps.js';
import { fail } from './errors.js';
import type { IdempotencyRecord, IdempotencyRequest, IdempotentResponse } from './ports/repositories.js';

export type { IdempotencyRequest, IdempotentResponse } from './ports/repositories.js';

/**
 * Runs an action at most once per (scope, key). The action's writes and the stored response
 * commit in one transaction, so a crash can never leave ballots without their recorded response
 * or a response without its ballots. Failures are not recorded: a retry runs the action again.
 * (Ballots do the same per turn, for all of its keys at once: serve-ballot-turn.ts.)
 */
export function runIdempotent(
  deps: Pick<Deps, 'uow' | 'clock'>,
  request: IdempotencyRequest,
  action: () => Promise<IdempotentResponse>,
): Promise<IdempotentResponse & { replayed: boolean }> {
  return deps.uow.run(async (repos) => {
    const locked = await repos.idempotency.tryLock(request.scope, request.key);
    const existing = await storedResponse(request, locked, () => repos.idempotency.find(request.scope, request.key));
    if (existing !== null) return { ...existing, replayed: true };
    const response = await action();
    await repos.idempotency.save(request.scope, request.key, recordOf(request, response), deps.clock.now());
    return { ...response, replayed: false };
  });
}

/**
 * The response a key already has, or null when the action must run now: IDEMPOTENCY_IN_PROGRESS
 * when another transaction holds the key, IDEMPOTENCY_KEY_REUSED for another request's key.
 */
export async function storedResponse(
  request: IdempotencyRequest,
  locked: boolean,
  find: () => Promise<IdempotencyRecord | null> | IdempotencyRecord | null,
): Promise<IdempotentResponse | null> {
  if (!locked) fail('IDEMPOTENCY_IN_PROGRESS', 'a request with this Idempotency-Key is still being processed');
  const existing = await find();
  if (existing === null) return null;
  if (existing.fingerprint !== request.fingerprint) {
    fail('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');
  }
  return JSON.parse(existing.response) as IdempotentResponse;
}

export const recordOf = (request: IdempotencyRequest, response: IdempotentResponse): IdempotencyRecord => ({
  fingerprint: request.fingerprint,
  response: JSON.stringify(response),
});
