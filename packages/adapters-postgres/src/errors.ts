import { AccountGone, type ApplicationCode, ApplicationError } from '@fairdraw/application';

/**
 * Unique constraints (and unique indexes) whose violation is an expected business failure,
 * answered with the application's code for it (the store, not the domain, sees these).
 */
const UNIQUE: Readonly<Record<string, readonly [ApplicationCode, string]>> = {
  participants_username_key: ['USERNAME_TAKEN', 'this username is taken'],
  participants_email_key: ['EMAIL_TAKEN', 'this email is taken'],
  lotteries_closes_on_key: ['CLOSING_DATE_TAKEN', 'a lottery already closes on this date'],
  ballots_lottery_ticket_key: ['TICKET_TAKEN', 'this ticket is taken'],
  draws_pkey: ['ALREADY_DRAWN', 'this lottery has been drawn'],
};

/**
 * Foreign keys whose violation is the client's doing: a well-signed token can outlive its
 * account (a store reset under the same JWT_SECRET). The key catches it at no extra query.
 */
const ACCOUNT_KEYS = new Set(['ballots_participant_id_fkey', 'wallets_participant_id_fkey']);

/** Runs a write and turns a known constraint violation into its ApplicationError; anything else is rethrown. */
export async function asRefusal<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    const { code, constraint } = error as { code?: unknown; constraint?: unknown };
    if (code === '23503' && typeof constraint === 'string' && ACCOUNT_KEYS.has(constraint)) throw new AccountGone();
    const known = code === '23505' && typeof constraint === 'string' ? UNIQUE[constraint] : undefined;
    if (known === undefined) throw error;
    throw new ApplicationError(known[0], known[1]);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A string that PostgreSQL would reject as a uuid can name no row (rather than fail the query). */
export const isUuid = (value: string): boolean => UUID.test(value);
