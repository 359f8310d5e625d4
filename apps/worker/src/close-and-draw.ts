import { parseArgs } from 'node:util';
import { runScheduledDraws, ScheduledDrawsFailed, type ScheduledDrawsOutcome } from '@fairdraw/application';
import { endOfDate, isCalendarDate } from '@fairdraw/domain';
import { readSettings, startRuntime } from '@fairdraw/runtime';
import { reportOutcome } from './outcome-report.js';

const USAGE = `usage: pnpm close-and-draw [--date YYYY-MM-DD]

Runs the worker's scheduled job once: provisions the coming daily lotteries (unless
DAILY_LOTTERIES=false), then closes and draws every lottery that is due. With --date, only
lotteries that were due by the midnight ending that date (SERVICE_TIMEZONE) are drawn.
Safe beside running workers: a lottery is drawn once, whoever gets there first.`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { date: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.date !== undefined && !isCalendarDate(values.date)) {
    console.error(`--date must be a calendar date such as 2026-11-22, not "${values.date}"\n\n${USAGE}`);
    return 2;
  }
  const settings = readSettings(process.env);
  const runtime = await startRuntime(settings, { migrate: false });
  try {
    const asOf = values.date ? endOfDate(values.date, settings.SERVICE_TIMEZONE) : undefined;
    let outcome: ScheduledDrawsOutcome;
    let failed = false;
    try {
      outcome = await runScheduledDraws(runtime.deps, {
        dailyLotteries: settings.DAILY_LOTTERIES,
        daysAhead: settings.DAILY_LOTTERY_DAYS_AHEAD,
        asOf,
      });
    } catch (error) {
      if (!(error instanceof ScheduledDrawsFailed)) throw error;
      outcome = error.outcome;
      failed = true;
    }
    console.log(await reportOutcome(runtime.deps, outcome));
    return failed ? 1 : 0;
  } finally {
    await runtime.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
