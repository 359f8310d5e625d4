import { parseArgs } from 'node:util';

export interface DemoOptions {
  readonly url: string;
  readonly lotteries: number;
  readonly users: number;
  /** Tickets in all, spread over the users and the lotteries. */
  readonly ballots: number;
  /** Of the lotteries, how many are raffles (a numbered pool, guests welcome). */
  readonly raffles: number;
  /** Of the lotteries, how many the demo closes and draws once their ballots are in. */
  readonly drawn: number;
  /** The UTC date on which the lotteries left open close. */
  readonly date: string;
}

export const DEMO_HELP = `usage: pnpm demo [options]

Fills a running fairdraw service with demo data through its public API: participants,
lotteries and raffles, ballots (some chosen numbers, some guests), and a few draws, so that
the front page, /winners and /verify have something to show. Prints what it made.

  --url URL          the service (default http://127.0.0.1:3000)
  --lotteries N      lotteries to create, raffles included (default 30)
  --users N          participants to register, demo-<run>-<i> (default 10)
  --ballots N        tickets to take in all, spread over users and lotteries (default 100)
  --raffles N        how many of the lotteries are raffles: 20-200 numbered tickets,
                     guests welcome (default: a fifth of --lotteries, rounded up)
  --drawn N          how many of the lotteries to close and draw at the end
                     (default: a fifth of --lotteries, rounded down)
  --date YYYY-MM-DD  the UTC date the other lotteries close on, their closing instants spread
                     over it; today or later (default: tomorrow)
  --help             this text

The admin signs in with ADMIN_USERNAME and ADMIN_PASSWORD from the environment (the same
variables that create the first admin at start-up). On a terminal a progress bar shows each
phase; otherwise each phase prints plain lines. Exit status: 0 done, 1 the service refused or
failed (what was made so far is printed), 2 bad options or missing credentials.
`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const count = (name: string, value: string | undefined, fallback: number, max: number): number => {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > max) throw new UsageError(`--${name} must be a whole number from 0 to ${max}`);
  return Number(value);
};

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Parses argv (without node and the script); `today` is the current UTC date. */
export function parseDemoOptions(argv: readonly string[], today: string): DemoOptions | 'help' {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const url = values.url ?? 'http://127.0.0.1:3000';
  if (!/^https?:\/\/[^/]+/.test(url)) throw new UsageError('--url must be an http:// or https:// address');
  const lotteries = count('lotteries', values.lotteries, 30, 1000);
  const raffles = count('raffles', values.raffles, Math.ceil(lotteries / 5), 1000);
  const drawn = count('drawn', values.drawn, Math.floor(lotteries / 5), 1000);
  if (raffles > lotteries) throw new UsageError('--raffles cannot exceed --lotteries');
  if (drawn > lotteries) throw new UsageError('--drawn cannot exceed --lotteries');
  const users = count('users', values.users, 10, 1000);
  const ballots = count('ballots', values.ballots, 100, 1_000_000);
  if (ballots > 0 && (users === 0 || lotteries === 0)) throw new UsageError('ballots need at least one user and one lottery');
  const date = values.date ?? addDays(today, 1);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || addDays(date, 0) !== date) throw new UsageError('--date must be a date, YYYY-MM-DD');
  if (date < today) throw new UsageError(`--date must be today (${today}) or later: ballots need open lotteries`);
  return { url: url.replace(/\/+$/, ''), lotteries, users, ballots, raffles, drawn, date };
}

function parse(argv: readonly string[]) {
  const text = { type: 'string' } as const;
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: { url: text, lotteries: text, users: text, ballots: text, raffles: text, drawn: text, date: text, help: { type: 'boolean' } },
  });
}
