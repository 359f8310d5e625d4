import type { ApplicationCode } from '@fairdraw/application';

/** Codes only the HTTP layer raises: access by address, limits, readiness, what went wrong. */
type HttpOnlyCode = 'IP_NOT_ALLOWED' | 'RATE_LIMITED' | 'PAYLOAD_TOO_LARGE' | 'SERVICE_UNAVAILABLE' | 'INTERNAL' | 'REQUEST_TIMEOUT';
/** Every code the API answers: the application's (which include the domain's) and the HTTP layer's. */
export type ProblemCode = ApplicationCode | HttpOnlyCode;

/**
 * The one table of API.md's error codes: every problem response takes its status from here.
 * Typed by ProblemCode, so a code added to any layer without a status does not compile.
 */
export const STATUS_OF: Readonly<Record<ProblemCode, number>> = {
  VALIDATION_FAILED: 400,
  INVALID_VERIFICATION_CODE: 400,
  TOO_MANY_PRIZES: 400,
  INVALID_CREDENTIALS: 401,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  IP_NOT_ALLOWED: 403,
  ADMIN_CANNOT_PLAY: 403,
  ENTRY_LIMIT_REACHED: 403,
  INSUFFICIENT_FUNDS: 402,
  LOTTERY_NOT_FOUND: 404,
  NOT_FOUND: 404,
  USERNAME_TAKEN: 409,
  EMAIL_TAKEN: 409,
  CLOSING_DATE_TAKEN: 409,
  LOTTERY_CLOSED: 409,
  LOTTERY_NOT_CLOSED: 409,
  ALREADY_CLOSED: 409,
  ALREADY_DRAWN: 409,
  TICKET_TAKEN: 409,
  NOT_DRAWN: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  LOTTERY_CANCELLED: 409,
  BEACON_PENDING: 409,
  SOLD_OUT: 410,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
  BEACON_UNAVAILABLE: 503,
};

export const TITLE_OF: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
