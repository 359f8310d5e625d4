/**
 * A finite pool of tickets 1..N handed out in an unpredictable order, as a lazily
 * materialised Fisher-Yates shuffle. Conceptually the unissued tickets sit in an array
 * A[0..remaining-1] with A[p] = p + 1 until a slot is rewritten; only rewritten slots are
 * stored, so issuing costs O(count) however large N is or however full the pool. Issuing swaps
 * the chosen slot with the last unissued one and shrinks the array; the issued ticket stays
 * recorded past the end so that `positionOf` remains exact for chosen numbers.
 */

/** Slot contents the caller loaded: position → ticket. Positions not present hold p + 1. */
export type SlotView = ReadonlyMap<number, number>;

/** What an unwritten slot holds, and where a ticket sits that was never moved: A[p] = p + 1. */
export const unmovedTicketAt = (position: number): number => position + 1;
export const unmovedPositionOf = (ticket: number): number => ticket - 1;

export interface SlotWrite {
  readonly position: number;
  readonly ticket: number;
}

export interface PoolIssue {
  readonly tickets: readonly number[];
  readonly writes: readonly SlotWrite[];
}

/** Positions a random issue will read, given the picks r_j in [0, remaining - j). */
export function positionsToRead(remaining: number, picks: readonly number[]): number[] {
  const positions = new Set<number>();
  picks.forEach((pick, j) => {
    positions.add(pick);
    positions.add(remaining - 1 - j);
  });
  return [...positions];
}

export function issueRandom(remaining: number, picks: readonly number[], slots: SlotView): PoolIssue {
  const view = new Map(slots);
  const touched = new Set<number>();
  const read = (p: number) => view.get(p) ?? unmovedTicketAt(p);
  const tickets = picks.map((pick, j) => {
    const last = remaining - 1 - j;
    if (!Number.isInteger(pick) || pick < 0 || pick > last) throw new RangeError(`pick ${pick} outside 0..${last}`);
    const ticket = read(pick);
    view.set(pick, read(last));
    view.set(last, ticket);
    touched.add(pick).add(last);
    return ticket;
  });
  return { tickets, writes: [...touched].map((position) => ({ position, ticket: read(position) })) };
}

/**
 * Takes a chosen ticket out of the pool. `positionOfTicket` is where the ticket sits (p - 1 if
 * never moved), `ticketAtLast` the ticket at position remaining - 1. Returns null when the ticket
 * was already issued.
 */
export function issueChosen(remaining: number, ticket: number, positionOfTicket: number, ticketAtLast: number): PoolIssue | null {
  if (positionOfTicket >= remaining) return null;
  const last = remaining - 1;
  const writes: SlotWrite[] =
    positionOfTicket === last
      ? [{ position: last, ticket }]
      : [
          { position: positionOfTicket, ticket: ticketAtLast },
          { position: last, ticket },
        ];
  return { tickets: [ticket], writes };
}
