import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_HELP, parseDemoOptions, UsageError } from './demo-options.js';
import { planDemo } from './demo-plan.js';

const TODAY = '2030-01-10';
const NOW = new Date('2030-01-10T09:00:00Z');

/** A repeatable uniform source, so a failing plan can be looked at again. */
function seeded(seed: string) {
  let counter = 0;
  return (bound: number) => {
    if (!(bound >= 1)) throw new RangeError(`below(${bound})`);
    const digest = createHash('sha256').update(`${seed}:${counter++}`).digest();
    return digest.readUInt32BE(0) % bound;
  };
}

describe('pnpm demo options', () => {
  it('has the defaults the help promises', () => {
    expect(parseDemoOptions([], TODAY)).toEqual({
      url: 'http://127.0.0.1:3000',
      lotteries: 30,
      users: 10,
      ballots: 100,
      raffles: 6,
      drawn: 6,
      date: '2030-01-11',
    });
    expect(DEMO_HELP).toContain('--lotteries N');
    expect(DEMO_HELP).toContain('ADMIN_USERNAME');
  });

  it('takes every option, and --help', () => {
    const argv = ['--url', 'http://10.0.0.5:3000/', '--lotteries', '4', '--users', '2', '--ballots', '9', '--raffles', '1', '--drawn', '0'];
    expect(parseDemoOptions([...argv, '--date', TODAY], TODAY)).toMatchObject({
      url: 'http://10.0.0.5:3000',
      lotteries: 4,
      users: 2,
      ballots: 9,
      raffles: 1,
      drawn: 0,
      date: TODAY,
    });
    expect(parseDemoOptions(['--help'], TODAY)).toBe('help');
  });

  it('refuses what it cannot do, saying which option', () => {
    const refused = (argv: string[]) => () => parseDemoOptions(argv, TODAY);
    expect(refused(['--lotteries', 'many'])).toThrow(/--lotteries/);
    expect(refused(['--lotteries', '3', '--raffles', '4'])).toThrow(/--raffles/);
    expect(refused(['--date', '2030-01-09'])).toThrow(/--date must be today/);
    expect(refused(['--date', '2030-02-30'])).toThrow(/--date must be a date/);
    expect(refused(['--users', '0'])).toThrow(/at least one user/);
    expect(refused(['--nope'])).toThrow(UsageError);
    expect(refused(['--url', 'localhost:3000'])).toThrow(/--url/);
  });
});

describe('the demo plan', () => {
  const options = parseDemoOptions(['--lotteries', '30', '--users', '10', '--ballots', '400'], TODAY);
  if (options === 'help') throw new Error('unreachable');

  it('places every ticket, never more than a raffle holds, a few at a time', () => {
    for (const seed of ['a', 'b', 'c']) {
      const plan = planDemo(options, 'ab12', NOW, seeded(seed));
      expect(plan.ballots.reduce((sum, b) => sum + b.count, 0) + plan.unplaced).toBe(400);
      for (const [i, lottery] of plan.lotteries.entries()) {
        const taken = plan.ballots.filter((b) => b.lottery === i).reduce((sum, b) => sum + b.count, 0);
        expect(taken).toBeLessThanOrEqual(lottery.body.ticket_limit ?? Number.POSITIVE_INFINITY);
      }
      for (const b of plan.ballots) {
        expect(b.count).toBeGreaterThanOrEqual(1);
        expect(b.count).toBeLessThanOrEqual(5);
        // Guests and chosen numbers only where a raffle allows them.
        if (b.user === null || b.ticketNumber !== null) expect(plan.lotteries[b.lottery]?.raffle).toBe(true);
        if (b.ticketNumber !== null) expect(b.count).toBe(1);
      }
      const chosen = plan.ballots.filter((b) => b.ticketNumber !== null).map((b) => `${b.lottery}:${b.ticketNumber}`);
      expect(new Set(chosen).size).toBe(chosen.length);
    }
  });

  it('makes the raffles and the draws asked for; the others close on the date, after now', () => {
    const plan = planDemo(options, 'ab12', NOW, seeded('d'));
    expect(plan.lotteries.filter((l) => l.raffle)).toHaveLength(6);
    expect(plan.lotteries.filter((l) => l.drawn)).toHaveLength(6);
    for (const lottery of plan.lotteries) {
      if (lottery.drawn) {
        expect(lottery.body.closes_at).toBeUndefined();
        continue;
      }
      const closesAt = Date.parse(lottery.body.closes_at ?? '');
      expect(closesAt).toBeGreaterThan(NOW.getTime() + 10 * 60_000);
      expect(new Date(closesAt).toISOString().slice(0, 10)).toBe('2030-01-11');
    }
  });

  it('stops placing tickets when every lottery is a full raffle, and says how many are left', () => {
    const small = parseDemoOptions(['--lotteries', '1', '--raffles', '1', '--ballots', '500'], TODAY);
    if (small === 'help') throw new Error('unreachable');
    const plan = planDemo(small, 'ab12', NOW, seeded('h'));
    const limit = plan.lotteries[0]?.body.ticket_limit ?? 0;
    expect(plan.ballots.reduce((sum, b) => sum + b.count, 0)).toBe(limit);
    expect(plan.unplaced).toBe(500 - limit);
  });

  it('names users as the service accepts them, unique per run', () => {
    const plan = planDemo(options, 'zz9q', NOW, seeded('e'));
    expect(plan.users.map((u) => u.username)).toEqual(Array.from({ length: 10 }, (_, i) => `demo-zz9q-${String(i + 1).padStart(2, '0')}`));
    for (const user of plan.users) expect(user.username).toMatch(/^[A-Za-z0-9_.-]{3,32}$/);
    expect(plan.users[0]?.password.length).toBeGreaterThanOrEqual(8);
  });

  it('keeps the closing instants of a demo for today in what is left of it', () => {
    const today = parseDemoOptions(['--date', TODAY, '--drawn', '0'], TODAY);
    if (today === 'help') throw new Error('unreachable');
    const plan = planDemo(today, 'ab12', NOW, seeded('f'));
    for (const lottery of plan.lotteries) expect(Date.parse(lottery.body.closes_at ?? '')).toBeGreaterThan(NOW.getTime());
    expect(() => planDemo(today, 'ab12', new Date('2030-01-10T23:59:30Z'), seeded('g'))).toThrow(/too late/);
  });
});
