/**
 * `pnpm demo`: fills a running service with demo data through its public API alone (see
 * DEMO_HELP), so it works against any fairdraw server the admin can reach.
 */
import { randomInt } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { createFairdrawClient, type FairdrawClient } from '@fairdraw/client';
import { expectStatus, patientFetch, ServiceRefused } from './demo-http.js';
import { DEMO_HELP, type DemoOptions, parseDemoOptions, UsageError } from './demo-options.js';
import { type DemoPlan, planDemo } from './demo-plan.js';
import { barProgress, lineProgress, type Progress } from './demo-progress.js';

interface Made {
  users: string[];
  lotteries: { id: string; name: string; raffle: boolean }[];
  requests: number;
  tickets: number;
  guestTickets: number;
  chosenNumbers: number;
  soldOut: number;
  drawn: { id: string; name: string; winners: number }[];
}

/** Runs `work` over the items, `width` at a time, in order of start. */
async function inPool<T>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

const bearer = (token: string | null) => (token === null ? {} : { authorization: `Bearer ${token}` });
const codeOf = (error: unknown) => (error as { code?: string } | undefined)?.code;

async function execute(api: FairdrawClient, plan: DemoPlan, admin: { username: string; password: string }, progress: Progress, made: Made) {
  const login = await api.POST('/auth/login', { body: admin });
  if (login.response.status === 401) throw new Error('ADMIN_USERNAME / ADMIN_PASSWORD were refused (401): are they the service admin?');
  const adminToken = expectStatus('POST /auth/login', login, 200).access_token;
  const asAdmin = { headers: bearer(adminToken) };

  const tokens: string[] = [];
  const users = progress.phase('registering users', plan.users.length);
  await inPool(plan.users, 4, async (user, i) => {
    tokens[i] = expectStatus('POST /auth/register', await api.POST('/auth/register', { body: user }), 201).access_token;
    made.users[i] = user.username;
    users.tick();
  });
  users.done();

  const lotteries = progress.phase('creating lotteries', plan.lotteries.length);
  await inPool(plan.lotteries, 4, async (planned, i) => {
    const body = expectStatus(
      'POST /lotteries',
      await api.POST('/lotteries', { body: { ...planned.body, prizes: [...planned.body.prizes] }, ...asAdmin }),
      201,
    );
    made.lotteries[i] = { id: body.id, name: body.name, raffle: planned.raffle };
    lotteries.tick();
  });
  lotteries.done();

  const tickets = progress.phase(
    'taking tickets',
    plan.ballots.reduce((sum, b) => sum + b.count, 0),
  );
  await inPool(plan.ballots, 8, async (ballot) => {
    const lottery = made.lotteries[ballot.lottery];
    if (lottery === undefined) return;
    const params = { path: { id: lottery.id } };
    const headers = bearer(ballot.user === null ? null : (tokens[ballot.user] ?? null));
    const take = (body: { count: number } | { ticket_number: number }) => api.POST('/lotteries/{id}/ballots', { params, headers, body });
    let answer = await take(ballot.ticketNumber === null ? { count: ballot.count } : { ticket_number: ballot.ticketNumber });
    // The pool's random issue may have taken that number first: take any other instead.
    if (answer.response.status === 409 && codeOf(answer.error) === 'TICKET_TAKEN') answer = await take({ count: 1 });
    else if (answer.response.status === 201 && ballot.ticketNumber !== null) made.chosenNumbers += 1;
    if (answer.response.status === 410) {
      made.soldOut += ballot.count;
    } else {
      expectStatus(`POST /lotteries/${lottery.id}/ballots`, answer, 201);
      made.requests += 1;
      made.tickets += ballot.count;
      if (ballot.user === null) made.guestTickets += ballot.count;
    }
    tickets.tick(ballot.count);
  });
  tickets.done();

  const toDraw = plan.lotteries.flatMap((planned, i) => (planned.drawn && made.lotteries[i] ? [made.lotteries[i]] : []));
  const draws = progress.phase('closing and drawing', toDraw.length);
  await inPool(toDraw, 2, async (lottery) => {
    const params = { path: { id: lottery.id } };
    const closed = await api.POST('/lotteries/{id}/close', { params, body: {}, ...asAdmin });
    // A raffle that sold out closed by itself.
    if (!(closed.response.status === 409 && codeOf(closed.error) === 'ALREADY_CLOSED')) {
      expectStatus(`POST /lotteries/${lottery.id}/close`, closed, 200);
    }
    let drawn = await api.POST('/lotteries/{id}/draw', { params, body: {}, ...asAdmin });
    // A fairdraw-v2 lottery waits for its beacon round (BEACON_MARGIN_S after the close).
    for (let attempt = 0; attempt < 30 && drawn.response.status === 409 && codeOf(drawn.error) === 'BEACON_PENDING'; attempt++) {
      const seconds = Math.min(60, Math.max(1, Number(drawn.response.headers.get('retry-after') ?? '1') || 1));
      progress.note(`waiting ${seconds} s for the beacon round of ${lottery.name}`);
      await sleep(seconds * 1000);
      drawn = await api.POST('/lotteries/{id}/draw', { params, body: {}, ...asAdmin });
    }
    const draw = expectStatus(`POST /lotteries/${lottery.id}/draw`, drawn, 201);
    made.drawn.push({ ...lottery, winners: draw.winners.length });
    draws.tick();
  });
  draws.done();
}

function summary(options: DemoOptions, plan: DemoPlan, made: Made, waitedSeconds: number): string {
  const users = made.users.filter(Boolean);
  const lotteries = made.lotteries.filter(Boolean);
  const raffles = lotteries.filter((l) => l.raffle).length;
  const lines = [
    `Made on ${options.url}:`,
    `  ${users.length} participants${users.length > 0 ? `: ${users[0]} … ${users[users.length - 1]}, password "${plan.users[0]?.password}"` : ''}`,
    `  ${lotteries.length} lotteries (${raffles} raffle${raffles === 1 ? '' : 's'} with numbered tickets and guests); those not drawn close on ${options.date} (UTC)`,
    `  ${made.tickets} tickets in ${made.requests} requests (${made.guestTickets} by guests, ${made.chosenNumbers} chosen numbers)`,
  ];
  if (plan.unplaced + made.soldOut > 0) lines.push(`  ${plan.unplaced + made.soldOut} tickets not taken: the raffles sold out`);
  lines.push(`  ${made.drawn.length} drawn${made.drawn.length > 0 ? ':' : ''}`);
  for (const d of made.drawn) lines.push(`    ${d.name}: ${d.winners} winner${d.winners === 1 ? '' : 's'}, ${options.url}/verify/${d.id}`);
  if (waitedSeconds > 0) lines.push(`  (waited ${waitedSeconds} s for the service's rate limits)`);
  lines.push(`See ${options.url}/ for the open lotteries and the latest winners.`);
  return `${lines.join('\n')}\n`;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let options: DemoOptions | 'help';
  try {
    options = parseDemoOptions(argv, new Date().toISOString().slice(0, 10));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`pnpm demo: ${error.message}\n(pnpm demo --help lists the options)\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(DEMO_HELP);
    return 0;
  }
  const admin = { username: env.ADMIN_USERNAME ?? '', password: env.ADMIN_PASSWORD ?? '' };
  if (admin.username === '' || admin.password === '') {
    process.stderr.write('pnpm demo: set ADMIN_USERNAME and ADMIN_PASSWORD to the service admin (the demo creates lotteries)\n');
    return 2;
  }
  const run = randomInt(36 ** 4)
    .toString(36)
    .padStart(4, '0');
  let plan: DemoPlan;
  try {
    plan = planDemo(options, run, new Date(), (bound) => randomInt(bound));
  } catch (error) {
    process.stderr.write(`pnpm demo: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const progress = process.stderr.isTTY ? barProgress(process.stderr) : lineProgress((line) => process.stderr.write(`${line}\n`));
  const patient = patientFetch(options.url, (seconds, why) => progress.note(`${why}: waiting ${seconds} s`));
  const api = createFairdrawClient({ baseUrl: options.url, fetch: patient });
  const made: Made = { users: [], lotteries: [], requests: 0, tickets: 0, guestTickets: 0, chosenNumbers: 0, soldOut: 0, drawn: [] };
  try {
    await execute(api, plan, admin, progress, made);
    process.stdout.write(summary(options, plan, made, patient.waitedSeconds()));
    return 0;
  } catch (error) {
    process.stderr.write(`\npnpm demo stopped: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!(error instanceof ServiceRefused) && !(error instanceof Error)) throw error;
    process.stdout.write(summary(options, plan, made, patient.waitedSeconds()));
    return 1;
  }
}

// Run as a script (not when a test imports it).
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
