/**
 * Expected business failures carry a stable code. The HTTP adapter maps each code to a
 * status in one table; anything thrown that is not a DomainError is unexpected (a 500).
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'INVALID_CREDENTIALS'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'IP_NOT_ALLOWED'
  | 'ADMIN_CANNOT_PLAY'
  | 'ENTRY_LIMIT_REACHED'
  | 'LOTTERY_NOT_FOUND'
  | 'NOT_FOUND'
  | 'USERNAME_TAKEN'
  | 'EMAIL_TAKEN'
  | 'CLOSING_DATE_TAKEN'
  | 'LOTTERY_CLOSED'
  | 'LOTTERY_NOT_CLOSED'
  | 'ALREADY_CLOSED'
  | 'ALREADY_DRAWN'
  | 'TICKET_TAKEN'
  | 'NOT_DRAWN'
  | 'IDEMPOTENCY_IN_PROGRESS'
  | 'SOLD_OUT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'INVALID_VERIFICATION_CODE'
  | 'TOO_MANY_PRIZES'
  | 'INSUFFICIENT_FUNDS'
  | 'LOTTERY_CANCELLED'
  | 'BEACON_PENDING'
  | 'BEACON_UNAVAILABLE';

export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: readonly FieldProblem[] = [],
    /** When trying again makes sense (a beacon round not yet published): sent as Retry-After. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

/** A failure that passes with time: the client is told how many seconds to wait. */
export function failFor(code: ErrorCode, message: string, retryAfterSeconds: number): never {
  throw new DomainError(code, message, [], Math.max(1, Math.ceil(retryAfterSeconds)));
}

export function fail(code: ErrorCode, message: string, errors: readonly FieldProblem[] = []): never {
  throw new DomainError(code, message, errors);
}

export function invalid(path: string, message: string): never {
  throw new DomainError('VALIDATION_FAILED', message, [{ path, message }]);
}
