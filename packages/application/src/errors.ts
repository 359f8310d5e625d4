import { type DomainCode, DomainError, type FieldProblem } from '@fairdraw/domain';

/**
 * The codes a use case or a store may refuse with: the domain's, and those only the
 * application knows (what is missing, who may ask, idempotency, the beacon, uniqueness that
 * only a store can see). The HTTP adapter's status table maps every one of them.
 */
export type ApplicationCode =
  | DomainCode
  | 'INVALID_CREDENTIALS'
  | 'FORBIDDEN'
  | 'LOTTERY_NOT_FOUND'
  | 'NOT_FOUND'
  | 'USERNAME_TAKEN'
  | 'EMAIL_TAKEN'
  | 'CLOSING_DATE_TAKEN'
  | 'IDEMPOTENCY_IN_PROGRESS'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'INVALID_VERIFICATION_CODE'
  | 'BEACON_PENDING'
  | 'BEACON_UNAVAILABLE';

/** An expected failure a use case or a store raises (the domain's own are DomainError). */
export class ApplicationError extends Error {
  override readonly name = 'ApplicationError';
  constructor(
    readonly code: ApplicationCode,
    message: string,
    readonly errors: readonly FieldProblem[] = [],
    /** When trying again makes sense (a beacon round not yet published): sent as Retry-After. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export function fail(code: ApplicationCode, message: string, errors: readonly FieldProblem[] = []): never {
  throw new ApplicationError(code, message, errors);
}

/** A failure that passes with time: the client is told how many seconds to wait. */
export function failFor(code: ApplicationCode, message: string, retryAfterSeconds: number): never {
  throw new ApplicationError(code, message, [], Math.max(1, Math.ceil(retryAfterSeconds)));
}

/** An expected failure: a refusal the client is told about, by its code (anything else is a 500). */
export type Refusal = DomainError | ApplicationError;

export function isRefusal(error: unknown): error is Refusal {
  return error instanceof DomainError || error instanceof ApplicationError;
}

/** The code of a refusal (the domain's or the application's); undefined for anything else. */
export function failureCode(error: unknown): ApplicationCode | undefined {
  return isRefusal(error) ? error.code : undefined;
}
