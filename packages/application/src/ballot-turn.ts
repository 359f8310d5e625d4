import { fail, type Lottery, type ParticipantId, Wallet } from '@fairdraw/domain';
import type { Ballot, IdempotencyKey, Repositories } from './ports/repositories.js';
import type { IdempotencyStore } from './run-idempotent.js';
import { sealEntries } from './seal-entries.js';
import { TurnIdempotency } from './turn-idempotency.js';

/** One transaction's hold on a lottery, as the requests served in it see it. */
export interface BallotTurn {
  readonly repos: Repositories;
  /** Locked until the transaction ends; LOTTERY_NOT_FOUND when there is none. */
  readonly lottery: Lottery;
  /** Tickets the participant holds in the lottery, this turn's included (for per_participant_limit). */
  entriesOf(participantId: ParticipantId): Promise<number>;
  /** Tickets taken from the address, this turn's included (for per_ip_limit). */
  entriesFrom(ipHash: string): Promise<number>;
  /** Ballots issued by a request, written when the turn ends. */
  stage(ballots: readonly Ballot[]): void;
  /**
   * UNAUTHORIZED for a participant whose account is gone (a token outlived it). Such a ballot
   * makes the turn's INSERT fail; the turn then runs again with the accounts checked at its
   * start, so that it fails alone (one extra transaction, not one per neighbour).
   */
  requireAccount(participantId: ParticipantId | null): void;
  /**
   * The participant's wallet as this turn sees it, read once for all its requests: locked until
   * the transaction ends on a priced lottery (its purchases are written when the turn ends),
   * read without a lock on a free one (only to answer the balance).
   */
  walletOf(participantId: ParticipantId): Promise<Wallet>;
  /** The turn's Idempotency-Keys, read at its start and saved at its end (turn-idempotency.ts). */
  readonly idempotency: IdempotencyStore;
}

/** What a request asks of its turn before it runs. */
export interface TurnRequest {
  /** Tickets it asks for, to size turns. */
  readonly tickets: number;
  readonly idempotencyKey?: IdempotencyKey | undefined;
  /** Who takes the tickets, so that a limited lottery's counts are read once for the turn. */
  readonly entrant?: Entrant | undefined;
}

export interface Entrant {
  readonly participantId: ParticipantId | null;
  readonly ipHash: string | null;
}

const holderOf = {
  participant: (id: ParticipantId) => `participant:${id}`,
  address: (ipHash: string) => `ip:${ipHash}`,
};

/**
 * A turn as BallotBatches runs it: the locked lottery, what its requests staged, and what was
 * read for all of them at its start (entry counts, Idempotency-Keys, accounts).
 */
export class OpenTurn implements BallotTurn {
  private readonly staged: Ballot[] = [];
  /** Staged tickets by holder, so that a limit check costs O(1) however large the turn. */
  private readonly stagedBy = new Map<string, number>();
  /** Stored entry counts by holder, read once per turn. */
  private readonly counted = new Map<string, number>();
  /** Participants of the turn's requests that have no account. */
  private readonly accountless = new Set<ParticipantId>();
  private readonly wallets = new Map<ParticipantId, Wallet>();
  readonly idempotency: TurnIdempotency;

  constructor(
    readonly repos: Repositories,
    private readonly found: Lottery | null,
  ) {
    this.idempotency = new TurnIdempotency(repos.idempotency);
  }

  get lottery(): Lottery {
    return this.found ?? fail('LOTTERY_NOT_FOUND', 'no such lottery');
  }

  entriesOf(participantId: ParticipantId): Promise<number> {
    return this.entries(holderOf.participant(participantId));
  }

  entriesFrom(ipHash: string): Promise<number> {
    return this.entries(holderOf.address(ipHash));
  }

  private async entries(holder: string): Promise<number> {
    const stored = this.counted.get(holder) ?? (await this.repos.entryCounts.read(this.lottery.id, [holder]))[0] ?? 0;
    this.counted.set(holder, stored);
    return stored + (this.stagedBy.get(holder) ?? 0);
  }

  /**
   * Reads at the turn's start what its requests will check, one round trip per kind for all of
   * them: their Idempotency-Keys, the entry counts the lottery limits and, when asked, accounts.
   */
  async readAhead(requests: readonly TurnRequest[], options: { checkAccounts: boolean }): Promise<void> {
    await this.idempotency.prefetch(requests.flatMap((r) => (r.idempotencyKey ? [r.idempotencyKey] : [])));
    if (this.found === null) return;
    const entrants = requests.flatMap((r) => (r.entrant ? [r.entrant] : []));
    await this.readCounts(this.found, entrants);
    if (options.checkAccounts) await this.checkAccounts(entrants);
    await this.readWallets(
      entrants.flatMap((e) => (e.participantId === null || this.accountless.has(e.participantId) ? [] : [e.participantId])),
    );
  }

  /** A priced lottery locks the wallets it charges, all at once and in id order (see WalletRepository.lock). */
  private async readWallets(ids: readonly ParticipantId[]): Promise<void> {
    const wanted = [...new Set(ids)].filter((id) => !this.wallets.has(id));
    if (wanted.length === 0 || this.found === null) return;
    const { wallets } = this.repos;
    const found = this.isPriced ? await wallets.lock(wanted) : await wallets.find(wanted);
    for (const id of wanted) this.wallets.set(id, found.get(id) ?? Wallet.empty(id));
  }

  private get isPriced(): boolean {
    return (this.found?.toState().ticketPrice ?? 0) > 0;
  }

  async walletOf(participantId: ParticipantId): Promise<Wallet> {
    await this.readWallets([participantId]);
    return this.wallets.get(participantId) ?? Wallet.empty(participantId);
  }

  private async readCounts(lottery: Lottery, entrants: readonly Entrant[]): Promise<void> {
    const holders = new Set<string>();
    for (const { participantId, ipHash } of entrants) {
      if (participantId !== null) holders.add(holderOf.participant(participantId));
      if (ipHash !== null) holders.add(holderOf.address(ipHash));
    }
    const wanted = [...holders].filter((h) => this.limits(h) && !this.counted.has(h));
    if (wanted.length === 0) return;
    const counts = await this.repos.entryCounts.read(lottery.id, wanted);
    for (const [i, holder] of wanted.entries()) this.counted.set(holder, counts[i] ?? 0);
  }

  private async checkAccounts(entrants: readonly Entrant[]): Promise<void> {
    const ids = [...new Set(entrants.flatMap((e) => (e.participantId === null ? [] : [e.participantId])))];
    if (ids.length === 0) return;
    const existing = await this.repos.participants.existing(ids);
    for (const id of ids) if (!existing.has(id)) this.accountless.add(id);
  }

  requireAccount(participantId: ParticipantId | null): void {
    if (participantId !== null && this.accountless.has(participantId)) fail('UNAUTHORIZED', 'no account has this token');
  }

  /** Whether this lottery limits the holder's kind, and so keeps a counter for it. */
  private limits(holder: string): boolean {
    const { perParticipantLimit, perIpLimit } = this.lottery.toState().entry;
    return holder.startsWith('participant:') ? perParticipantLimit !== null : perIpLimit !== null;
  }

  stage(ballots: readonly Ballot[]): void {
    this.staged.push(...ballots);
    for (const { participantId, ipHash } of ballots) {
      if (participantId !== null) this.bump(holderOf.participant(participantId));
      if (ipHash !== null) this.bump(holderOf.address(ipHash));
    }
  }

  private bump(holder: string): void {
    this.stagedBy.set(holder, (this.stagedBy.get(holder) ?? 0) + 1);
  }

  /** Tickets issued so far, staged ones included: it moves as soon as a request takes any. */
  issued(): number {
    return this.found?.toState().ticketsIssued ?? 0;
  }

  /**
   * Writes what the turn's requests issued. True when they sold the pool out: the lottery closed
   * and its entries still need freezing, here (`seal: 'now'`) or by the caller after the commit.
   */
  async end(seal: 'now' | 'later'): Promise<boolean> {
    await this.idempotency.flush();
    const lottery = this.found;
    if (lottery === null || this.staged.length === 0) return false;
    await this.repos.ballots.addMany(this.staged);
    // The turn's purchases, in the transaction of their ballots.
    if (this.isPriced) await this.repos.wallets.save([...this.wallets.values()]);
    const added = new Map([...this.stagedBy].filter(([holder]) => this.limits(holder)));
    if (added.size > 0) await this.repos.entryCounts.add(lottery.id, added);
    const soldOut = lottery.toState().status === 'closed';
    if (soldOut && seal === 'now') await sealEntries(this.repos, lottery);
    await this.repos.lotteries.save(lottery);
    return soldOut && seal === 'later';
  }
}
