import { randomUUID } from 'node:crypto';
import { TURN_ROWS } from './raw-turn.js';
import { percentile } from './stats.js';
import { type PgClient, pg } from './third-party.js';

/**
 * Raw pg transactions from `connections` clients at once, durable as the service's are,
 * bounded in time and in count; prints one JSON line. Kinds:
 * - `insert`: the ceiling of issue 6: BEGIN; one-row INSERT into an indexed table; COMMIT. The
 *   best any design that commits each ballot can do here.
 * - `hot-row`: the service's ballot transaction without the service: lock the lottery row FOR
 *   UPDATE, take the next number, UPDATE the row, INSERT the ballot, COMMIT. What the current
 *   design can do at best, whatever the HTTP side does.
 * - `shared-row`: the same ballot with the lottery row locked FOR SHARE (a close still waits
 *   for it) and its number from a sequence: no row that every ballot must update.
 * - `turn`: a group-commit turn as the service runs one: lock the lottery, INSERT 5,000
 *   participants' ballots in one statement, UPDATE the lottery, COMMIT. Turns of one lottery are
 *   serial, so rows/s of one connection is the most ballots any request size can get into one
 *   lottery here.
 * - `bare-turn`: the same turn into a copy of the ballots table with only its two keys (no
 *   foreign keys, no secondary indexes): what any schema that keeps the keys could do.
 */
type Kind = 'insert' | 'hot-row' | 'shared-row' | 'turn' | 'bare-turn';
const [url = '', kind = 'insert', connectionsArg = '64', secondsArg = '10', maxArg = '1000000', lotteryId = randomUUID()] =
  process.argv.slice(2);
const deadline = performance.now() + Number(secondsArg) * 1000;
const max = Number(maxArg);

const BALLOT = 'insert into ballots (id, lottery_id, ticket_number, participant_id, ip_hash, code_hash, created_at)';
const transactions: Record<Kind, (client: PgClient, n: number) => Promise<unknown>> = {
  insert: (client, n) =>
    client.query('insert into bench_ceiling (id, lottery_id, n, code_hash, created_at) values ($1, $2, $3, $4, now())', [
      randomUUID(),
      lotteryId,
      n,
      randomUUID(),
    ]),
  'hot-row': async (client) => {
    const { rows } = await client.query<{ tickets_issued: number }>('select * from lotteries where id = $1 for update', [lotteryId]);
    const ticket = (rows[0]?.tickets_issued ?? 0) + 1;
    await client.query('update lotteries set tickets_issued = $2 where id = $1', [lotteryId, ticket]);
    await client.query(`${BALLOT} values ($1, $2, $3, null, $4, $5, now())`, [randomUUID(), lotteryId, ticket, randomUUID(), randomUUID()]);
  },
  'shared-row': async (client) => {
    await client.query(`select id from lotteries where id = $1 and status = 'open' for share`, [lotteryId]);
    await client.query(`${BALLOT} values ($1, $2, nextval('bench_ticket_numbers'), null, $3, $4, now())`, [
      randomUUID(),
      lotteryId,
      randomUUID(),
      randomUUID(),
    ]);
  },
  turn: (client) => turn(client, 'ballots'),
  'bare-turn': (client) => turn(client, 'bench_bare_ballots'),
};

async function turn(client: PgClient, table: string): Promise<void> {
  await client.query('select * from lotteries where id = $1 for update', [lotteryId]);
  const { rows } = await client.query<{ tickets_issued: number }>(
    'update lotteries set tickets_issued = tickets_issued + $2 where id = $1 returning tickets_issued',
    [lotteryId, TURN_ROWS],
  );
  const first = (rows[0]?.tickets_issued ?? 0) - TURN_ROWS + 1;
  const column = <T>(value: (i: number) => T) => Array.from({ length: TURN_ROWS }, (_, i) => value(i));
  await client.query(
    `insert into ${table} (id, lottery_id, ticket_number, participant_id, ip_hash, code_hash, created_at) select * from unnest($1::uuid[], $2::uuid[], $3::integer[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[])`,
    [
      column(() => randomUUID()),
      column(() => lotteryId),
      column((i) => first + i),
      column((i) => participants[i % participants.length]),
      column(() => randomUUID()),
      column(() => randomUUID()),
      column(() => new Date().toISOString()),
    ],
  );
}
const transaction = transactions[kind as Kind];
if (transaction === undefined) throw new Error(`unknown kind ${kind}`);

const clients = Array.from({ length: Number(connectionsArg) }, () => new pg.Client({ connectionString: url }));
await Promise.all(clients.map((c) => c.connect()));
// A turn writes participants' ballots, as the bulk load does (their foreign key and indexes included).
const participants =
  kind === 'turn'
    ? (await (clients[0] ?? never()).query<{ id: string }>('select id from participants limit 200')).rows.map((r) => r.id)
    : [];
const latencies: number[] = [];
let next = 0;

const started = performance.now();
const cpuBefore = process.cpuUsage();
await Promise.all(
  clients.map(async (client) => {
    while (performance.now() < deadline && next < max) {
      const n = ++next;
      const t0 = performance.now();
      await client.query('begin');
      await transaction(client, n);
      await client.query('commit');
      latencies.push(performance.now() - t0);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
await Promise.all(clients.map((c) => c.end()));
process.stdout.write(
  `${JSON.stringify({
    transactions: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  })}\n`,
);

function never(): never {
  throw new Error('no client');
}
