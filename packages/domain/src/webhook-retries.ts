/**
 * API.md's delivery schedule: 10 attempts in all; after a failed attempt the next waits 10 s,
 * then twice as long each time, never more than an hour. The waits are 10 s, 20 s, … 2560 s, so
 * the tenth attempt comes about 85 minutes after the first: a receiver down for an hour still
 * gets the event when it returns.
 */
export const WEBHOOK_MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 10_000;
const LONGEST_WAIT_MS = 3_600_000;

/** When the next attempt is due after `attemptsMade` failed ones, or null when none is left. */
export function nextWebhookAttempt(attemptsMade: number, failedAt: Date): Date | null {
  if (!Number.isSafeInteger(attemptsMade) || attemptsMade < 1)
    throw new RangeError(`attempts made must be at least 1, not ${attemptsMade}`);
  if (attemptsMade >= WEBHOOK_MAX_ATTEMPTS) return null;
  const wait = Math.min(FIRST_RETRY_MS * 2 ** (attemptsMade - 1), LONGEST_WAIT_MS);
  return new Date(failedAt.getTime() + wait);
}
