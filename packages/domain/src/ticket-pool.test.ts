import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { issueChosen, issueRandom, positionsToRead, type SlotWrite } from './ticket-pool.js';

/** A pool backed by a plain map, as a repository would store it. */
function storedPool(size: number) {
  const slots = new Map<number, number>();
  let remaining = size;
  const apply = (writes: readonly SlotWrite[]) => {
    for (const w of writes) slots.set(w.position, w.ticket);
  };
  const positionOf = (ticket: number) => {
    for (const [p, t] of slots) if (t === ticket) return p;
    return ticket - 1;
  };
  return {
    get remaining() {
      return remaining;
    },
    random(picks: number[]) {
      const view = new Map(
        positionsToRead(remaining, picks)
          .filter((p) => slots.has(p))
          .map((p) => [p, slots.get(p) ?? 0]),
      );
      const issue = issueRandom(remaining, picks, view);
      apply(issue.writes);
      remaining -= issue.tickets.length;
      return issue.tickets;
    },
    chosen(ticket: number) {
      const last = slots.get(remaining - 1) ?? remaining;
      const issue = issueChosen(remaining, ticket, positionOf(ticket), last);
      if (issue === null) return null;
      apply(issue.writes);
      remaining -= 1;
      return issue.tickets[0];
    },
  };
}

describe('ticket pool', () => {
  it('issues a whole pool exactly once, as a permutation of 1..N, whatever the picks', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: n, maxLength: n }),
              fc.integer({ min: 1, max: 7 }),
            ),
          ),
        ([n, fractions, batch]) => {
          const pool = storedPool(n);
          const issued: number[] = [];
          let f = 0;
          while (pool.remaining > 0) {
            const count = Math.min(batch, pool.remaining);
            const picks = Array.from({ length: count }, (_, j) => Math.floor((fractions[f++ % n] ?? 0) * (pool.remaining - j)));
            issued.push(...pool.random(picks));
          }
          expect(issued.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        },
      ),
    );
  });

  it('shares one pool between chosen numbers and random issue without conflict', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 300 }), (n, steps) => {
        const pool = storedPool(n);
        const issued = new Set<number>();
        for (const [chooseOne, x] of steps) {
          if (pool.remaining === 0) break;
          if (chooseOne) {
            const wanted = (x % n) + 1;
            const got = pool.chosen(wanted);
            expect(got === null).toBe(issued.has(wanted));
            if (got != null) issued.add(got);
          } else {
            const [ticket] = pool.random([x % pool.remaining]);
            expect(issued.has(ticket ?? 0)).toBe(false);
            issued.add(ticket ?? 0);
          }
        }
        expect(issued.size).toBe(n - pool.remaining);
      }),
    );
  });

  it('touches only O(count) slots, however large the pool', () => {
    const remaining = 10_000_000;
    const picks = [9_999_999, 0, 5_000_000];
    expect(positionsToRead(remaining, picks).length).toBeLessThanOrEqual(2 * picks.length);
    const issue = issueRandom(remaining, picks, new Map());
    expect(issue.tickets).toEqual([10_000_000, 1, 5_000_001]);
    expect(issue.writes.length).toBeLessThanOrEqual(2 * picks.length);
  });

  it('refuses a chosen number that was already issued', () => {
    const pool = storedPool(3);
    expect(pool.chosen(2)).toBe(2);
    expect(pool.chosen(2)).toBeNull();
    expect([...pool.random([0, 0])].sort()).toEqual([1, 3]);
  });
});
