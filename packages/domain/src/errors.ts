/**
 * Expected business failures carry a stable code. These are the codes the domain itself raises;
 * the application adds its own (ApplicationCode) and the HTTP adapter maps every code the API
 * answers to a status in one table. Anything thrown that is neither is unexpected (a 500).
 */
export type DomainCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'ADMIN_CANNOT_PLAY'
  | 'ENTRY_LIMIT_REACHED'
  | 'LOTTERY_CLOSED'
  | 'LOTTERY_NOT_CLOSED'
  | 'ALREADY_CLOSED'
  | 'ALREADY_DRAWN'
  | 'TICKET_TAKEN'
  | 'NOT_DRAWN'
  | 'SOLD_OUT'
  | 'TOO_MANY_PRIZES'
  | 'INSUFFICIENT_FUNDS'
  | 'LOTTERY_CANCELLED';

export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainCode,
    message: string,
    readonly errors: readonly FieldProblem[] = [],
  ) {
    super(message);
  }
}

export function fail(code: DomainCode, message: string, errors: readonly FieldProblem[] = []): never {
  throw new DomainError(code, message, errors);
}

export function invalid(path: string, message: string): never {
  throw new DomainError('VALIDATION_FAILED', message, [{ path, message }]);
}
