/**
 * A finite pool of tickets 1..N handed out in an unpredictable order, as a lazily
 * materialised Fisher-Yates shuffle. Conceptually the unissued tickets sit in an array
 * A[0..remaining-1] with A[p] = p + 1 until a slot is rewritten; only rewritten slots are
 * stored, so issuing costs O(count) however large N is or however full the pool. Issuing swaps
 * the chosen slot with the last unissued one and shrinks the array; the issued ticket stays
 * recorded past the end so that `positionOf` remains exact for chosen numbers.
 *
 * A ballot turn takes many requests' tickets with two pool statements, not two per request:
 * a `PoolOverlay` holds the slots the turn read (positions its random picks need, and the
 * places of its chosen numbers, found by ticket, in one read), every request of the turn is
 * answered from it and its swaps are applied to it in arrival order, so a later request sees
 * an earlier one's, and `writes()` is every slot the turn moved, written in one statement.
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

/** Slots to read: by position, and the places of tickets (found by ticket; absent: unmoved). */
export interface PoolAsk {
  readonly positions: readonly number[];
  readonly tickets: readonly number[];
}

/**
 * The pool as one turn sees it: what it read, with its own swaps on top. Pure: the caller reads
 * what `missing` names, hands it to `learn`, and writes `writes()` at the end of the turn.
 */
export class PoolOverlay {
  /** Known slots, read or rewritten by the turn: position → ticket. */
  private readonly slots = new Map<number, number>();
  /** Known places of tickets: ticket → position. */
  private readonly places = new Map<number, number>();
  private readonly moved = new Set<number>();

  /** What of `ask` the overlay does not know yet. */
  missing(ask: PoolAsk): PoolAsk {
    return {
      positions: [...new Set(ask.positions.filter((p) => !this.slots.has(p)))],
      tickets: [...new Set(ask.tickets.filter((t) => !this.places.has(t)))],
    };
  }

  /**
   * Learns what a read of `asked` found (`found`: the stored rows among them, position →
   * ticket). An asked position not found holds p + 1; an asked ticket not found was never
   * moved. What the turn rewrote itself wins over what is stored.
   */
  learn(asked: PoolAsk, found: SlotView): void {
    for (const [position, ticket] of found) this.know(position, ticket);
    for (const position of asked.positions) this.know(position, unmovedTicketAt(position));
    for (const ticket of asked.tickets) this.know(unmovedPositionOf(ticket), ticket);
  }

  /** The slots of `positions`, or null if one was never read. */
  view(positions: readonly number[]): SlotView | null {
    const view = new Map<number, number>();
    for (const p of positions) {
      const ticket = this.slots.get(p);
      if (ticket === undefined) return null;
      view.set(p, ticket);
    }
    return view;
  }

  /** Where `ticket` sits, or undefined if its place was never read. */
  positionOf(ticket: number): number | undefined {
    return this.places.get(ticket);
  }

  /** Applies one request's swaps, so that the turn's next request sees them. */
  apply(writes: readonly SlotWrite[]): void {
    for (const { position, ticket } of writes) {
      this.slots.set(position, ticket);
      this.places.set(ticket, position);
      this.moved.add(position);
    }
  }

  /** Every slot the turn moved, with what it holds now: one write for the turn. */
  writes(): SlotWrite[] {
    return [...this.moved].map((position) => ({ position, ticket: this.slots.get(position) ?? unmovedTicketAt(position) }));
  }

  private know(position: number, ticket: number): void {
    // Known first is true: a stored row beats the unmoved default, the turn's swaps beat both.
    if (this.slots.has(position) || this.places.has(ticket)) return;
    this.slots.set(position, ticket);
    this.places.set(ticket, position);
  }
}
