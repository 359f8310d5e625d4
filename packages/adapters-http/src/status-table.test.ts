import { describe, expect, it } from 'vitest';
import { STATUS_OF } from './errors/status-table.js';

/** API.md, *Error codes*, as written there: every code a client may see, with its status. */
const API_CODES = `
VALIDATION_FAILED 400 · INVALID_CREDENTIALS 401 · UNAUTHORIZED 401 · FORBIDDEN 403 ·
IP_NOT_ALLOWED 403 · ADMIN_CANNOT_PLAY 403 · ENTRY_LIMIT_REACHED 403 ·
LOTTERY_NOT_FOUND 404 · NOT_FOUND 404 · USERNAME_TAKEN / EMAIL_TAKEN 409 ·
CLOSING_DATE_TAKEN 409 · LOTTERY_CLOSED 409 · LOTTERY_NOT_CLOSED 409 · ALREADY_CLOSED 409 ·
ALREADY_DRAWN 409 · TICKET_TAKEN 409 · NOT_DRAWN 409 · IDEMPOTENCY_IN_PROGRESS 409 ·
LOTTERY_CANCELLED 409 · BEACON_PENDING 409 · INSUFFICIENT_FUNDS 402 ·
SOLD_OUT 410 · REQUEST_TIMEOUT 408 · PAYLOAD_TOO_LARGE 413 · IDEMPOTENCY_KEY_REUSED 422 ·
INVALID_VERIFICATION_CODE 400 · TOO_MANY_PRIZES 400 · RATE_LIMITED 429 ·
SERVICE_UNAVAILABLE 503 · BEACON_UNAVAILABLE 503 · INTERNAL 500`;

/** `A / B 409` gives both codes the status. */
function parse(list: string): Record<string, number> {
  const statuses: Record<string, number> = {};
  for (const entry of list.split('·')) {
    const words = entry.trim().split(/\s+/);
    const status = Number(words.pop());
    for (const code of words.filter((word) => word !== '/')) statuses[code] = status;
  }
  return statuses;
}

describe('the status table', () => {
  it("maps exactly API.md's error codes, each to API.md's status", () => {
    const documented = parse(API_CODES);
    expect(Object.keys(documented)).toHaveLength(32);
    expect(STATUS_OF).toEqual(documented);
  });
});
