import { SPREAD_LOTTERIES } from './ballots.js';
import type { TransactionFigure } from './ceilings.js';
import type { HttpFigure } from './context.js';
import type { CpuShare } from './cpu-meter.js';
import type { Figures } from './phases.js';
import { TURN_ROWS } from './raw-turn.js';

export interface Row {
  readonly measure: string;
  readonly figure: string;
  readonly against: string;
  readonly ratio: string;
  readonly target: string;
  readonly verdict: 'PASS' | 'MISS' | '';
  readonly cpu: string;
}

const int = (n: number) => Math.round(n).toLocaleString('en');
const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;
const x = (n: number) => `${n.toFixed(2)}×`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const cpuOf = (c: CpuShare) =>
  `api ${c.api.toFixed(2)} · pg ${c.postgres.toFixed(2)} · gen ${c.loadGenerator.toFixed(2)}${c.helper > 0.005 ? ` · helper ${c.helper.toFixed(2)}` : ''} · other ${c.others.toFixed(2)}`;
const latency = (f: HttpFigure) => `p50 ${ms(f.load.latencyMs.p50)}, p99 ${ms(f.load.latencyMs.p99)}`;

const row = (measure: string, figure: string, cpu: CpuShare | null, more: Partial<Row> = {}): Row => ({
  measure,
  figure,
  against: '',
  ratio: '',
  target: '',
  verdict: '',
  cpu: cpu ? cpuOf(cpu) : '',
  ...more,
});

/** The figures as one table: each target's ratio against what it is measured against, and PASS/MISS. */
export function rowsOf(f: Figures): Row[] {
  const c = f.connections;
  const single = f.single.load.okPerSecond;
  const bulkBallots = f.bulk.load.okPerSecond * 100;
  // The most ballots one lottery takes per second here, whatever the request size (see raw-transactions.ts).
  const turnRows = f.probes.turn.perSecond * TURN_ROWS;
  const smallRate = f.raffle.small.load.okPerSecond;
  const drawLimit = f.closeDraw.n >= 10_000_000 ? 15 : 2;
  const bare = f.bareRoute.load.okPerSecond;
  const rows: Row[] = [
    row(`ceiling: bare Fastify GET, ${c} conn (autocannon)`, `${int(bare)} req/s (${latency(f.bareRoute)})`, f.bareRoute.cpu),
    ...(f.bareRouteWrk === null
      ? []
      : [
          row(
            `  the same, driven by wrk -t2 -c${c}`,
            `${int(f.bareRouteWrk.load.okPerSecond)} req/s (${latency(f.bareRouteWrk)})`,
            f.bareRouteWrk.cpu,
            { against: 'autocannon req/s', ratio: x(f.bareRouteWrk.load.okPerSecond / bare) },
          ),
        ]),
    row(
      `ceiling: raw pg INSERT txn, ${c} conn`,
      `${int(f.rawInsert.perSecond)} txn/s (p50 ${ms(f.rawInsert.latencyMs.p50)}, p99 ${ms(f.rawInsert.latencyMs.p99)})`,
      f.rawInsert.cpu,
    ),
    probeRow('probe: raw ballot txn each, hot lottery row', f.probes.hotRow, f.rawInsert.perSecond, f.probes.hotRow.cpu),
    probeRow('probe: raw ballot txn each, FOR SHARE + sequence', f.probes.sharedRow, f.rawInsert.perSecond, f.probes.sharedRow.cpu),
    row(
      `probe: raw turn of ${int(TURN_ROWS)} ballots, 1 conn`,
      `${int(turnRows)} ballots/s (${int(f.probes.turn.perSecond)} txn/s, p50 ${ms(f.probes.turn.latencyMs.p50)})`,
      f.probes.turn.cpu,
      { against: 'single req/s', ratio: x(turnRows / single) },
    ),
    row(
      `probe: the same turn, table with its 2 keys only`,
      `${int(f.probes.bareTurn.perSecond * TURN_ROWS)} ballots/s (${int(f.probes.bareTurn.perSecond)} txn/s, p50 ${ms(f.probes.bareTurn.latencyMs.p50)})`,
      f.probes.bareTurn.cpu,
      { against: 'single req/s', ratio: x((f.probes.bareTurn.perSecond * TURN_ROWS) / single) },
    ),
    row(`single ballot (count 1), ${c} conn, 15 s`, `${int(single)} req/s`, f.single.cpu, {
      against: 'raw INSERT txn/s',
      ratio: x(single / f.rawInsert.perSecond),
      target: '≥ 0.75×',
      verdict: verdict(single >= 0.75 * f.rawInsert.perSecond),
    }),
    row('  latency', latency(f.single), null, { target: 'p99 < 20 ms', verdict: verdict(f.single.load.latencyMs.p99 < 20) }),
    row(
      '  non-2xx / errors',
      `${int(f.single.load.non2xx)} / ${int(f.single.load.errors)} of ${int(f.single.load.requests)}${problemsOf(f.single)}`,
      null,
      {
        target: '0',
        verdict: verdict(f.single.load.non2xx === 0 && f.single.load.errors === 0),
      },
    ),
    row('  vs bare route', '', null, { against: 'bare Fastify req/s', ratio: x(single / bare) }),
    row(
      `single ballot, ${SPREAD_LOTTERIES} open lotteries (a random one per request), ${c} conn, 15 s`,
      `${int(f.spread.load.okPerSecond)} req/s (${latency(f.spread)}), non-2xx ${int(f.spread.load.non2xx)}${problemsOf(f.spread)}`,
      f.spread.cpu,
      {
        against: 'single req/s',
        ratio: x(f.spread.load.okPerSecond / single),
        target: '≥ 0.80×',
        verdict: verdict(f.spread.load.okPerSecond >= 0.8 * single && f.spread.load.non2xx === 0),
      },
    ),
    row(
      `single ballot, a new Idempotency-Key each, ${c} conn, 10 s`,
      `${int(f.keyed.load.okPerSecond)} req/s (${latency(f.keyed)}), non-2xx ${int(f.keyed.load.non2xx)}${problemsOf(f.keyed)}`,
      f.keyed.cpu,
      { against: 'single req/s', ratio: x(f.keyed.load.okPerSecond / single) },
    ),
    row(
      `bulk ballots (count 100), ${c} conn`,
      `${int(bulkBallots)} ballots/s (${int(f.bulk.load.okPerSecond)} req/s, ${latency(f.bulk)})${problemsOf(f.bulk)}`,
      f.bulk.cpu,
      {
        against: 'raw turn ballots/s',
        ratio: x(bulkBallots / turnRows),
        target: '≥ 0.90×',
        verdict: verdict(bulkBallots >= 0.9 * turnRows && f.bulk.load.non2xx === 0),
      },
    ),
    row('  vs single', '', null, { against: 'single req/s', ratio: x(bulkBallots / single) }),
    row(
      `raffle: ${f.raffle.small.pools} pools of 10^3, guests`,
      `${int(smallRate)} tickets/s (${latency(f.raffle.small)})${problemsOf(f.raffle.small)}`,
      f.raffle.small.cpu,
      {
        against: 'single req/s',
        ratio: x(smallRate / single),
        target: '≥ 0.60×',
        verdict: verdict(smallRate >= 0.6 * single),
      },
    ),
    raffleRow('raffle: a 10^7 pool', f.raffle.large, smallRate),
    raffleRow(
      `raffle: 10^${Math.log10(f.raffle.nearlySold.limit)} pool ${((100 * f.raffle.nearlySold.sold) / f.raffle.nearlySold.limit).toFixed(1)}% sold`,
      f.raffle.nearlySold,
      smallRate,
    ),
    row(
      `  its last ticket (closes it; ${int(f.raffle.nearlySold.limit)} entries to freeze)`,
      `${int(f.raffle.lastTicket.ms)} ms (HTTP ${f.raffle.lastTicket.status}); entries frozen after ${int(f.raffle.lastTicket.sealedMs)} ms`,
      null,
    ),
    ...readRows(f, c),
    row(
      `close + draw of ${int(f.closeDraw.n)} ballots`,
      `${f.closeDraw.seconds.toFixed(2)} s (close ${f.closeDraw.closeSeconds.toFixed(2)} + draw ${f.closeDraw.drawSeconds.toFixed(2)})`,
      f.closeDraw.cpu,
      { target: `< ${drawLimit} s`, verdict: verdict(f.closeDraw.seconds < drawLimit) },
    ),
    row('  peak RSS of that process', `${int(f.closeDraw.peakRssMb)} MB (${int(f.closeDraw.baselineRssMb)} MB at start)`, null, {
      target: '< 300 MB',
      verdict: verdict(f.closeDraw.peakRssMb < 300),
    }),
    row(
      `login, a new address each, ${c} conn`,
      `${f.login.capacity.load.okPerSecond.toFixed(1)} logins/s (${latency(f.login.capacity)})`,
      f.login.capacity.cpu,
    ),
    row(
      `login, one address, ${c} conn, 5 s`,
      `${int(f.login.oneAddress.load.ok)} accepted (limit ${f.login.authLimitPerMinute}/min), ${int(f.login.oneAddress.load.statusCodes['429'] ?? 0)} × 429 at ${int(f.login.oneAddress.load.requests / f.login.oneAddress.load.seconds)} req/s`,
      f.login.oneAddress.cpu,
    ),
    row(
      'API RSS after the load',
      `${int(f.apiRss.rss)} MB (${int(f.apiRss.atStart)} MB once started, peak ${int(f.apiRss.peak)} MB)`,
      null,
      {
        target: '< 250 MB',
        verdict: verdict(f.apiRss.rss < 250),
      },
    ),
    row(
      `login burst, a new address each, ${f.loginBurst.connections} conn, 10 s`,
      `${f.loginBurst.load.okPerSecond.toFixed(1)} logins/s (${latency(f.loginBurst)})`,
      f.loginBurst.cpu,
    ),
    row(
      '  API RSS after it',
      `${int(f.loginBurst.rssAfter)} MB (${int(f.loginBurst.rssBefore)} MB before, peak ${int(f.loginBurst.rssPeak)} MB during it)`,
      null,
      { target: '< 250 MB', verdict: verdict(f.loginBurst.rssAfter < 250) },
    ),
  ];
  return rows;
}

/** Each read against the bare route; the drawn record's two rows are shown, not targets. */
function readRows(f: Figures, c: number): Row[] {
  const bare = f.bareRoute.load.okPerSecond;
  const read = (measure: string, figure: HttpFigure, target: boolean): Row => {
    const rate = figure.load.okPerSecond;
    return row(`${measure}, ${c} conn, 5 s`, `${int(rate)} req/s (${latency(figure)})${problemsOf(figure)}`, figure.cpu, {
      against: 'bare Fastify req/s',
      ratio: x(rate / bare),
      ...(target ? { target: '≥ 0.30×', verdict: verdict(rate >= 0.3 * bare && figure.load.non2xx === 0) } : {}),
    });
  };
  const { reads } = f;
  return [
    read('GET /lotteries/{id} (open)', reads.lottery, true),
    read(`GET /lotteries?status=open (${reads.openList.items} items)`, reads.openList, true),
    read('GET /lotteries/{id}/draw (drawn)', reads.drawRecord, false),
    read('  the same with its ETag in If-None-Match (304)', reads.drawRevalidated, false),
  ];
}

function probeRow(measure: string, figure: TransactionFigure, ceiling: number, cpu: CpuShare): Row {
  return row(measure, `${int(figure.perSecond)} txn/s (p50 ${ms(figure.latencyMs.p50)}, p99 ${ms(figure.latencyMs.p99)})`, cpu, {
    against: 'raw INSERT txn/s',
    ratio: x(figure.perSecond / ceiling),
  });
}

/** ` (409 LOTTERY_CLOSED × 3, ...)` when a load met problems. */
function problemsOf(figure: HttpFigure): string {
  const entries = Object.entries(figure.load.problems);
  return entries.length === 0 ? '' : ` (${entries.map(([key, n]) => `${key} × ${n}`).join(', ')})`;
}

function raffleRow(measure: string, figure: HttpFigure, smallRate: number): Row {
  const rate = figure.load.okPerSecond;
  return row(measure, `${int(rate)} tickets/s (${latency(figure)})${problemsOf(figure)}`, figure.cpu, {
    against: '10^3 pools',
    ratio: x(rate / smallRate),
    target: '≥ 0.80×',
    verdict: verdict(rate >= 0.8 * smallRate && figure.load.non2xx === 0),
  });
}

/** A Markdown table: readable in a terminal and pasted as is into docs/benchmarks.md. */
export function tableOf(rows: readonly Row[]): string {
  const header = ['measure', 'figure', 'against', 'ratio', 'target', 'verdict', 'CPU cores used'];
  const cells = rows.map((r) => [r.measure, r.figure, r.against, r.ratio, r.target, r.verdict, r.cpu]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (values: readonly string[]) => `| ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
