import { dateIn } from '@fairdraw/domain';
import { describe, expect, it } from 'vitest';
import { spawnCompiled } from './testing/child-worker.js';
import { drawRows, lotteryClosingSoon, lotteryStatus, pastClosing, useRuntimeStack, workerEnv } from './testing/stack.js';

const shared = useRuntimeStack();

async function closeAndDraw(args: string[], extra: Record<string, string> = {}) {
  const run = spawnCompiled('close-and-draw', workerEnv(shared.database, shared.stack.redis, extra), args);
  const { code } = await run.exited;
  return { code, output: run.output() };
}

describe('pnpm close-and-draw', () => {
  it('runs the scheduled job once and prints what it provisioned, closed and drew', async () => {
    const lottery = await lotteryClosingSoon(shared.runtime.deps, 1_000, 2);
    await pastClosing(lottery);
    const yesterday = dateIn(new Date(Date.now() - 86_400_000), 'UTC');

    // --date limits the run to what was due by the end of that date: nothing yet.
    const limited = await closeAndDraw(['--date', yesterday]);
    expect(limited).toEqual({ code: 0, output: 'nothing was due\n' });
    expect(await lotteryStatus(shared.runtime.deps, lottery)).toBe('open');

    const first = await closeAndDraw([], { DAILY_LOTTERIES: 'true', DAILY_LOTTERY_DAYS_AHEAD: '2' });
    expect(first.code).toBe(0);
    const lines = first.output.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('provisioned '))).toHaveLength(2);
    expect(lines).toContain(`closed and drew no date ${lottery.toState().name} (${lottery.id}): 2 entries, 1 winner`);
    expect(lines.some((l) => /^ {2}#1 Winner: ticket [12] \(ballot [0-9a-f-]{36}, player-/.test(l))).toBe(true);
    expect(await lotteryStatus(shared.runtime.deps, lottery)).toBe('drawn');

    const again = await closeAndDraw([], { DAILY_LOTTERIES: 'true', DAILY_LOTTERY_DAYS_AHEAD: '2' });
    expect(again).toEqual({ code: 0, output: 'nothing was due\n' });
    expect(await drawRows(shared.database, lottery)).toBe(1);
  });

  it('rejects a malformed date with usage help', async () => {
    const { code, output } = await closeAndDraw(['--date', '2026-02-30']);
    expect(code).toBe(2);
    expect(output).toContain('--date must be a calendar date');
    expect(output).toContain('usage: pnpm close-and-draw');
  });
});
