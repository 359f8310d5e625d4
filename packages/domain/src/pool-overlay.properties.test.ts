import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { issueChosen, issueRandom, type PoolAsk, PoolOverlay, positionsToRead } from './ticket-pool.js';

/** The reference: a plain array Fisher–Yates, every slot materialised. */
function plainPool(size: number) {
  const a = Array.from({ length: size }, (_, i) => i + 1);
  let remaining = size;
  const take = (i: number) => {
    const ticket = a[i] as number;
    a[i] = a[remaining - 1] as number;
    a[remaining - 1] = ticket;
    remaining -= 1;
    return ticket;
  };
  return {
    array: a,
    get remaining() {
      return remaining;
    },
    random: (picks: readonly number[]) => picks.map(take),
    chosen(ticket: number) {
      const i = a.indexOf(ticket);
      return i < 0 || i >= remaining ? null : take(i);
    },
  };
}

type Op = { readonly kind: 'random'; readonly fractions: readonly number[] } | { readonly kind: 'chosen'; readonly ticket: number };

const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const pick = (f: number, bound: number) => Math.floor(f * bound);

describe('pool overlay', () => {
  it('issues what a plain array Fisher–Yates issues, turn after turn, chosen numbers mixed in, no ticket twice', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 60 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(
                fc.array(
                  fc.oneof(
                    fc.record({ kind: fc.constant('random' as const), fractions: fc.array(fraction, { minLength: 1, maxLength: 4 }) }),
                    fc.record({ kind: fc.constant('chosen' as const), ticket: fc.integer({ min: 1, max: n }) }),
                  ),
                  { minLength: 1, maxLength: 6 },
                ),
                { minLength: 1, maxLength: 12 },
              ),
            ),
          ),
        ([n, turns]) => {
          const plain = plainPool(n);
          // The store: only slots written, as pool_slots holds them.
          const stored = new Map<number, number>();
          let remaining = n;
          const issued = new Set<number>();
          const read = (ask: PoolAsk) => new Map([...stored].filter(([p, t]) => ask.positions.includes(p) || ask.tickets.includes(t)));
          for (const ops of turns as Op[][]) {
            const overlay = new PoolOverlay();
            const learn = (ask: PoolAsk) => {
              const missing = overlay.missing(ask);
              if (missing.positions.length > 0 || missing.tickets.length > 0) overlay.learn(missing, read(missing));
            };
            for (const op of ops) {
              if (op.kind === 'chosen') {
                const ask = { positions: remaining > 0 ? [remaining - 1] : [], tickets: [op.ticket] };
                learn(ask);
                const expected = plain.chosen(op.ticket);
                const position = overlay.positionOf(op.ticket);
                const last = remaining > 0 ? overlay.view([remaining - 1])?.get(remaining - 1) : 0;
                expect(position).toBeDefined();
                expect(last).toBeDefined();
                const issue = remaining === 0 ? null : issueChosen(remaining, op.ticket, position ?? -1, last ?? -1);
                expect(issue?.tickets[0] ?? null).toBe(expected);
                if (issue === null) continue;
                overlay.apply(issue.writes);
                remaining -= 1;
                for (const t of issue.tickets) {
                  expect(issued.has(t)).toBe(false);
                  issued.add(t);
                }
                continue;
              }
              const count = Math.min(op.fractions.length, remaining);
              const picks = op.fractions.slice(0, count).map((f, j) => pick(f, remaining - j));
              const ask = { positions: positionsToRead(remaining, picks), tickets: [] };
              learn(ask);
              const slots = overlay.view(ask.positions);
              expect(slots).not.toBeNull();
              const issue = issueRandom(remaining, picks, slots ?? new Map());
              expect(issue.tickets).toEqual(plain.random(picks));
              overlay.apply(issue.writes);
              remaining -= issue.tickets.length;
              for (const t of issue.tickets) {
                expect(issued.has(t)).toBe(false);
                issued.add(t);
              }
            }
            for (const { position, ticket } of overlay.writes()) stored.set(position, ticket);
            expect(remaining).toBe(plain.remaining);
          }
          expect(Array.from({ length: n }, (_, p) => stored.get(p) ?? p + 1)).toEqual(plain.array);
        },
      ),
    );
  });

  it('reads once what a turn asks up front, and answers a later request from the turn’s own swaps', () => {
    const overlay = new PoolOverlay();
    // Pool of 10, nothing stored yet: the turn reads position 0 (a random pick) and ticket 10's place.
    overlay.learn({ positions: [0, 9], tickets: [10] }, new Map());
    const first = issueRandom(10, [0], overlay.view([0, 9]) ?? new Map());
    expect(first.tickets).toEqual([1]);
    overlay.apply(first.writes);
    // Ticket 10 moved to position 0 within the turn: the overlay knows without another read.
    expect(overlay.positionOf(10)).toBe(0);
    expect(overlay.positionOf(1)).toBe(9);
    expect(overlay.missing({ positions: [0, 8], tickets: [10, 1] })).toEqual({ positions: [8], tickets: [] });
    expect(overlay.writes().sort((a, b) => a.position - b.position)).toEqual([
      { position: 0, ticket: 10 },
      { position: 9, ticket: 1 },
    ]);
  });
});
