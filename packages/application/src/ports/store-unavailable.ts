/**
 * What the store rejects with when it cannot serve right now: the database cannot be reached
 * (refused, terminated, shutting down, in recovery) or no connection came free in time. Not a
 * refusal: the client did nothing wrong, and the same request may succeed in a moment, so
 * the HTTP layer answers 503 SERVICE_UNAVAILABLE with `Retry-After`. Nothing was applied unless
 * the failure hit a COMMIT, whose outcome is unknown; an Idempotency-Key makes the retry safe.
 */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
  constructor(
    message: string,
    /** A fair wait before trying again, in whole seconds (the `Retry-After` value). */
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
