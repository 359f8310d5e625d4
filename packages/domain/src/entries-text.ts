/**
 * Reads the served entries text in chunks of any size: digests it exactly as served, counts its
 * lines, checks each is canonical ("{ticket_number}:{ballot_id}", ascending, lower-case) and keeps
 * only the lines at the indices asked for, so a verifier holds O(winners) in memory.
 */
import { createHash } from 'node:crypto';

const LINE = /^([1-9][0-9]*):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const MAX_PROBLEMS = 5;

export interface EntryAt {
  readonly ticketNumber: number;
  readonly ballotId: string;
}

export interface EntriesRead {
  readonly entriesDigest: string;
  readonly n: number;
  readonly problems: readonly string[];
  /** The lines at the wanted indices that were present. */
  readonly found: ReadonlyMap<number, EntryAt>;
}

export class EntriesReader {
  private readonly hash = createHash('sha256');
  private readonly found = new Map<number, EntryAt>();
  private readonly problems: string[] = [];
  private problemCount = 0;
  private rest = '';
  private n = 0;
  private lastTicket = 0;

  constructor(private readonly wanted: ReadonlySet<number>) {}

  push(chunk: string): void {
    this.hash.update(chunk);
    const lines = (this.rest + chunk).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  finish(): EntriesRead {
    if (this.rest !== '') {
      this.problem(`the entries text does not end with a newline`);
      this.line(this.rest);
    }
    if (this.problemCount > MAX_PROBLEMS) this.problems.push(`... and ${this.problemCount - MAX_PROBLEMS} more malformed lines`);
    return { entriesDigest: this.hash.digest('hex'), n: this.n, problems: this.problems, found: this.found };
  }

  private line(line: string): void {
    const index = this.n++;
    const match = LINE.exec(line);
    const ticketNumber = Number(match?.[1]);
    if (!match || !Number.isSafeInteger(ticketNumber)) {
      this.problem(`line ${index + 1} is not "{ticket_number}:{ballot_id}": ${JSON.stringify(line.slice(0, 80))}`);
      return;
    }
    if (ticketNumber <= this.lastTicket)
      this.problem(`line ${index + 1}: ticket ${ticketNumber} does not come after ticket ${this.lastTicket}`);
    this.lastTicket = Math.max(this.lastTicket, ticketNumber);
    if (this.wanted.has(index)) this.found.set(index, { ticketNumber, ballotId: match[2] ?? '' });
  }

  private problem(message: string): void {
    this.problemCount += 1;
    if (this.problemCount <= MAX_PROBLEMS) this.problems.push(message);
  }
}
