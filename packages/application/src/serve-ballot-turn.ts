import {
  DomainError,
  type IssuePlan,
  Lottery,
  type LotteryId,
  type ParticipantId,
  type PoolAnswer,
  type PoolAsk,
  PoolOverlay,
  poolAnswerOf,
  poolAskOf,
  Wallet,
} from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { fail, isRefusal } from './errors.js';
import { HolderKey } from './holder-key.js';
import type { BallotAnswer, BallotRequest, Issued, IssuedBallot } from './ports/ballot-queue.js';
import type { Ballot, IdempotencyKey, IdempotencyRecord, Repositories } from './ports/repositories.js';
import { recordLotteryEvent } from './record-lottery-event.js';
import { recordOf, storedResponse } from './run-idempotent.js';

/** What a turn needs besides its store: the clock and randomness, and the event outbox's payloads. */
export type TurnContext = Pick<Deps, 'clock' | 'random' | 'webhooks'>;

type TurnOutcome = { readonly ok: true; readonly answer: BallotAnswer } | { readonly ok: false; readonly error: unknown };

export interface ServedTurn {
  /** One per request, in the order given. */
  readonly outcomes: readonly TurnOutcome[];
  /** The turn sold the pool out: the lottery closed, its entries still to be sealed. */
  readonly soldOut: boolean;
  /** Tickets the turn issued. */
  readonly issued: number;
}

export interface TurnOptions {
  /** Read the turn's participants' accounts first (the retry after an unknown account failed it). */
  readonly checkAccounts: boolean;
  /**
   * The turn's participants' wallets as read without a lock while the turn began (what a free
   * lottery answers as the balance): one round trip fewer while the lotteries are locked.
   * Without it, the turn reads them itself.
   */
  readonly walletsRead?: Promise<ReadonlyMap<ParticipantId, Wallet>> | undefined;
}

/** The waiting requests of one lottery, served in arrival order. */
export interface LotteryBatch {
  readonly lotteryId: LotteryId;
  readonly requests: readonly BallotRequest[];
}

/**
 * One transaction's work for the waiting requests of one or more lotteries, top-down: lock the
 * lotteries (one statement, in id order), read ahead what every request will check
 * (Idempotency-Keys, accounts when asked and wallets for all of them; entry counts per limited
 * lottery), serve each lottery's requests in arrival order (its key, its rules, its tickets),
 * then write what they took in one statement per kind for the whole turn. So many lotteries
 * selling a ticket each cost one turn, as a crowd on one lottery does. A request refused by a
 * rule before it took a ticket gets its error and the others go on; anything else fails the
 * turn (ballot-batches.ts decides what runs again). Runs inside the caller's unit of work,
 * which commits it. Answers one ServedTurn per batch, in the order given.
 */
export async function serveBallotTurn(
  repos: Repositories,
  batches: readonly LotteryBatch[],
  context: TurnContext,
  options: TurnOptions,
): Promise<ServedTurn[]> {
  const locked = await repos.lotteries.lockMany(batches.map((b) => b.lotteryId));
  const parts = batches.map((batch) => ({ ...batch, lottery: locked.get(batch.lotteryId) ?? null }));
  const keys = await readKeys(
    repos,
    parts.flatMap((p) => p.requests),
  );
  const accounts = await readAccounts(repos, parts, options);
  const turns: (Turn & { readonly part: (typeof parts)[number] })[] = [];
  for (const part of parts) {
    const { lottery, requests } = part;
    const ahead = lottery === null ? nothingAhead : await readAhead(repos, lottery, requests, accounts);
    const pool = lottery === null ? nothingDrawn() : await drawAhead(repos, lottery, requests, context, { ahead, keys });
    turns.push({ part, context, keys, ahead, pool, taken: new Taken(lottery) });
  }
  const alone = parts.reduce((n, p) => n + p.requests.length, 0) === 1;
  const served: Omit<ServedTurn, 'soldOut'>[] = [];
  for (const turn of turns) served.push(await serveRequests(repos, turn.part.lottery, turn.part.requests, { ...turn, alone }));
  await keys.save(repos);
  await writeTaken(repos, turns, accounts);
  // A lottery that took tickets and is closed now sold its last one in this turn.
  return served.map((s, i) => ({ ...s, soldOut: s.issued > 0 && turns[i]?.taken.lottery?.toState().status === 'closed' }));
}

/** One lottery's requests in arrival order; its tickets are written with the whole turn's. */
async function serveRequests(
  repos: Repositories,
  lottery: Lottery | null,
  requests: readonly BallotRequest[],
  turn: Turn & { readonly alone: boolean },
): Promise<Omit<ServedTurn, 'soldOut'>> {
  const { taken } = turn;
  const issuedAtStart = taken.count();
  const outcomes: TurnOutcome[] = [];
  for (const request of requests) {
    const issuedBefore = taken.count();
    try {
      outcomes.push({ ok: true, answer: await serveRequest(repos, lottery, request, turn) });
    } catch (error) {
      // Refused with nothing taken: answered alone. Otherwise (or alone) the turn rolls back.
      if (!isRefusal(error) || turn.alone || taken.count() !== issuedBefore) throw error;
      outcomes.push({ ok: false, error });
    }
  }
  return { outcomes, issued: taken.count() - issuedAtStart };
}

interface Turn {
  readonly context: TurnContext;
  readonly keys: TurnKeys;
  readonly ahead: ReadAhead;
  readonly pool: DrawnAhead;
  readonly taken: Taken;
}

/** A request's key first (a replay needs no lottery), then its tickets, then its stored response. */
async function serveRequest(repos: Repositories, found: Lottery | null, request: BallotRequest, turn: Turn): Promise<BallotAnswer> {
  const { once } = request;
  if (once !== undefined) {
    const stored = await storedResponse(once.key, turn.keys.locked(once.key), () => turn.keys.find(once.key));
    if (stored !== null) return { kind: 'replayed', response: stored };
  }
  const lottery = found ?? fail('LOTTERY_NOT_FOUND', 'no such lottery');
  const issued = await issueTickets(repos, lottery, request, turn);
  if (once === undefined) return { kind: 'issued', issued, response: null };
  const response = once.respond(issued);
  turn.keys.record(once.key, recordOf(once.key, response), turn.context.clock.now());
  return { kind: 'issued', issued, response };
}

/** Checks the request's rules in API.md's order, takes its tickets and stages its ballots. */
async function issueTickets(repos: Repositories, lottery: Lottery, request: BallotRequest, turn: Turn): Promise<Issued> {
  const { context, ahead, pool, taken } = turn;
  const { player, ipHash } = request;
  const participantId = player.participantId;
  // Read the clock only once the lock is held: a request that waited behind a close or other
  // ballots until past closes_at must be refused, not judged by the instant it arrived.
  const now = context.clock.now();
  const plan = lottery.planIssue({ player, count: request.count, chosenTicket: request.ticketNumber, now }, pool.draw);
  if (participantId !== null && ahead.accountless.has(participantId)) fail('UNAUTHORIZED', 'no account has this token');
  const answer = await askPool(repos, lottery.id, plan, pool.overlay);
  const { perParticipantLimit, perIpLimit } = lottery.toState().entry;
  const soFar = {
    byParticipant: perParticipantLimit !== null && participantId !== null ? taken.heldBy(ahead, HolderKey.participant(participantId)) : 0,
    byIp: perIpLimit !== null ? taken.heldBy(ahead, HolderKey.address(ipHash)) : 0,
  };
  const wallet = participantId === null ? null : ahead.walletOf(participantId);
  // Paid after the entry limits, before anything is taken: a request that cannot pay leaves no trace.
  const issue = lottery.issueTickets(plan, answer, soFar, now, wallet?.balance ?? null);
  const charged = lottery.priceOf(issue.tickets.length);
  if (charged > 0 && wallet !== null) {
    wallet.purchase({ id: request.purchaseId, lotteryId: lottery.id, ballotCount: issue.tickets.length, price: charged, now });
  }
  const ballots = issue.tickets.map((ticketNumber, i): IssuedBallot => {
    const { id, verificationCode, codeHash } = request.blanks[i] ?? unprepared();
    return { verificationCode, ballot: { id, lotteryId: lottery.id, ticketNumber, participantId, ipHash, codeHash, createdAt: now } };
  });
  // In memory: the turn's next request sees this one's swaps; writeTaken writes them all at once.
  pool.overlay.apply(issue.writes);
  taken.stage(ballots.map((b) => b.ballot));
  // The last ticket closed the pool: receivers hear of it from this turn's transaction.
  if (lottery.toState().status === 'closed') await recordLotteryEvent(context, repos, { type: 'lottery.closed', lottery, at: now });
  return { ballots, charged, balance: wallet?.balance ?? null };
}

/**
 * What a plan needs of the pool, from the turn's overlay. drawAhead read what the turn's plans
 * were expected to need; a plan it did not foresee (a request drawn again, see drawAhead) reads
 * the slots still missing here: a second pool read in that turn, and only then.
 */
async function askPool(repos: Repositories, lotteryId: LotteryId, plan: IssuePlan, overlay: PoolOverlay): Promise<PoolAnswer> {
  const known = poolAnswerOf(plan, overlay);
  if (known !== null) return known;
  await readInto(repos, lotteryId, overlay, overlay.missing(poolAskOf(plan)));
  return poolAnswerOf(plan, overlay) ?? unread();
}

async function readInto(repos: Repositories, lotteryId: LotteryId, overlay: PoolOverlay, ask: PoolAsk): Promise<void> {
  if (ask.positions.length === 0 && ask.tickets.length === 0) return;
  overlay.learn(ask, await repos.pools.readSlots(lotteryId, ask.positions, ask.tickets));
}

/** The turn's pool: its overlay and the draws its requests' plans take, drawn ahead. */
interface DrawnAhead {
  readonly overlay: PoolOverlay;
  readonly draw: (bound: number) => number;
}

/** No lottery: every request is answered before it would draw. */
const nothingDrawn = (): DrawnAhead => ({ overlay: new PoolOverlay(), draw: () => unread() });

/**
 * Draws every request's picks before the pool is read, so that one statement reads the slots
 * of the whole turn. It plans the requests in arrival order on a copy of the lottery, deciding
 * the refusals that need no pool from what readAhead read (rules, accounts, entry limits,
 * funds), so each request's picks are drawn below the exact count left when it is served.
 * Only what the pool alone decides is assumed: a chosen number is taken as free. Serving then
 * takes the draws in order while each is asked for the bound it was drawn below; from the
 * first one asked for another bound (an earlier request of the turn found its chosen number
 * TICKET_TAKEN, or the clock passed a closing instant meanwhile), the rest are thrown away and
 * drawn anew. A draw is used only by its bound, never by its value, so every pick stays uniform.
 */
async function drawAhead(
  repos: Repositories,
  lottery: Lottery,
  requests: readonly BallotRequest[],
  context: TurnContext,
  { ahead, keys }: { readonly ahead: ReadAhead; readonly keys: TurnKeys },
): Promise<DrawnAhead> {
  const overlay = new PoolOverlay();
  if (lottery.ticketsRemaining === null) return { overlay, draw: (bound) => context.random.below(bound) };
  const tape: { readonly bound: number; readonly value: number }[] = [];
  const copy = Lottery.restore(lottery.toState());
  const held = new Map(ahead.counted);
  const spent = new Map<ParticipantId, number>();
  const positions = new Set<number>();
  const tickets = new Set<number>();
  const now = context.clock.now();
  const { perParticipantLimit, perIpLimit } = lottery.toState().entry;
  for (const request of requests) {
    const { player, ipHash, once } = request;
    const participantId = player.participantId;
    // Answered by its key before it draws: replayed, or refused while another holds the key.
    if (once !== undefined && (!keys.locked(once.key) || keys.find(once.key) !== null)) continue;
    try {
      const plan = copy.planIssue({ player, count: request.count, chosenTicket: request.ticketNumber, now }, (bound) => {
        const value = context.random.below(bound);
        tape.push({ bound, value });
        return value;
      });
      if (participantId !== null && ahead.accountless.has(participantId)) continue;
      const byParticipant = participantId === null ? null : HolderKey.participant(participantId);
      const byIp = HolderKey.address(ipHash);
      const soFar = {
        byParticipant: perParticipantLimit !== null && byParticipant !== null ? (held.get(byParticipant) ?? 0) : 0,
        byIp: perIpLimit !== null ? (held.get(byIp) ?? 0) : 0,
      };
      const funds = participantId === null ? null : ahead.walletOf(participantId).balance - (spent.get(participantId) ?? 0);
      const count = copy.issueTickets(plan, assumedAnswer(plan), soFar, now, funds).tickets.length;
      const ask = poolAskOf(plan);
      for (const p of ask.positions) positions.add(p);
      for (const t of ask.tickets) tickets.add(t);
      if (byParticipant !== null) held.set(byParticipant, (held.get(byParticipant) ?? 0) + count);
      held.set(byIp, (held.get(byIp) ?? 0) + count);
      if (participantId !== null) spent.set(participantId, (spent.get(participantId) ?? 0) + copy.priceOf(count));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  await readInto(repos, lottery.id, overlay, { positions: [...positions], tickets: [...tickets] });
  let next = 0;
  const draw = (bound: number): number => {
    const drawn = tape[next];
    if (drawn?.bound === bound) {
      next += 1;
      return drawn.value;
    }
    next = tape.length;
    return context.random.below(bound);
  };
  return { overlay, draw };
}

/** What drawAhead assumes the pool answers: whatever the picks read, and every chosen number free. */
function assumedAnswer(plan: IssuePlan): PoolAnswer {
  switch (plan.kind) {
    case 'sequential':
      return { kind: 'sequential' };
    case 'random':
      return { kind: 'random', slots: new Map() };
    case 'chosen':
      return { kind: 'chosen', positionOfTicket: 0, ticketAtLast: 0 };
  }
}

/**
 * Writes the turn's pool slots (one statement per raffle that moved any), ballots, purchases,
 * entry counts (one per limited lottery) and lotteries (one statement for all of them).
 */
async function writeTaken(
  repos: Repositories,
  turns: readonly { readonly pool: DrawnAhead; readonly taken: Taken }[],
  accounts: Accounts,
): Promise<void> {
  const writing = turns.flatMap(({ pool, taken }) =>
    taken.lottery !== null && taken.ballots.length > 0 ? [{ lottery: taken.lottery, overlay: pool.overlay, taken }] : [],
  );
  if (writing.length === 0) return;
  for (const { lottery, overlay } of writing) {
    // Every slot the turn's swaps moved, in one statement.
    const moved = overlay.writes();
    if (moved.length > 0) await repos.pools.write(lottery.id, moved);
  }
  await repos.ballots.addMany(writing.flatMap((w) => w.taken.ballots));
  // The turn's purchases, in the transaction of their ballots (the store writes only wallets that moved).
  if (writing.some((w) => isPriced(w.lottery))) await repos.wallets.save(accounts.wallets());
  for (const { lottery, taken } of writing) {
    const added = new Map([...taken.byHolder].filter(([holder]) => limits(lottery, holder)));
    if (added.size > 0) await repos.entryCounts.add(lottery.id, added);
  }
  await repos.lotteries.saveMany(writing.map((w) => w.lottery));
}

/**
 * The turn's participants: those without an account (read only on the retry that checks them)
 * and their wallets, one or two statements for the whole turn. A priced lottery locks the
 * wallets it charges, all at once and in id order (see WalletRepository.lock); a free one
 * reads them only to answer the balance, unless the same turn charges them elsewhere.
 */
interface Accounts {
  readonly accountless: ReadonlySet<ParticipantId>;
  walletOf(participantId: ParticipantId): Wallet;
  wallets(): Wallet[];
}

async function readAccounts(
  repos: Repositories,
  parts: readonly { readonly lottery: Lottery | null; readonly requests: readonly BallotRequest[] }[],
  options: TurnOptions,
): Promise<Accounts> {
  const charged = new Set<ParticipantId>();
  const answered = new Set<ParticipantId>();
  for (const { lottery, requests } of parts) {
    if (lottery === null) continue;
    // An admin is refused (ADMIN_CANNOT_PLAY) before anything of theirs is read: no wallet.
    for (const { player } of requests) {
      if (player.isAdmin || player.participantId === null) continue;
      (isPriced(lottery) ? charged : answered).add(player.participantId);
    }
  }
  const participants = [...new Set([...charged, ...answered])];
  const accountless = new Set<ParticipantId>();
  if (options.checkAccounts && participants.length > 0) {
    const existing = await repos.participants.existing(participants);
    for (const id of participants) if (!existing.has(id)) accountless.add(id);
  }
  const toLock = [...charged].filter((id) => !accountless.has(id));
  const toRead = [...answered].filter((id) => !accountless.has(id) && !charged.has(id));
  const locked = toLock.length === 0 ? new Map<ParticipantId, Wallet>() : await repos.wallets.lock(toLock);
  const read = toRead.length === 0 ? new Map<ParticipantId, Wallet>() : ((await options.walletsRead) ?? (await repos.wallets.find(toRead)));
  // A wallet the turn charges is the locked one, whatever was read before the lock.
  const found = new Map([...read, ...locked]);
  const wallets = new Map([...toLock, ...toRead].map((id) => [id, found.get(id) ?? Wallet.empty(id)]));
  return {
    accountless,
    walletOf: (id) => wallets.get(id) ?? Wallet.empty(id),
    wallets: () => [...wallets.values()],
  };
}

/** What one lottery's part of the turn read at its start: counts for its limits, and the turn's accounts. */
interface ReadAhead {
  /** Stored tickets per limited holder. */
  readonly counted: ReadonlyMap<HolderKey, number>;
  readonly accountless: ReadonlySet<ParticipantId>;
  walletOf(participantId: ParticipantId): Wallet;
}

const nothingAhead: ReadAhead = {
  counted: new Map(),
  accountless: new Set(),
  walletOf: (id) => Wallet.empty(id),
};

async function readAhead(
  repos: Repositories,
  lottery: Lottery,
  requests: readonly BallotRequest[],
  accounts: Accounts,
): Promise<ReadAhead> {
  // An admin is refused (ADMIN_CANNOT_PLAY) before anything of theirs is read: no counts.
  const holders = new Set<HolderKey>();
  for (const { player, ipHash } of requests) {
    if (!player.isAdmin && player.participantId !== null) holders.add(HolderKey.participant(player.participantId));
    holders.add(HolderKey.address(ipHash));
  }
  const limited = [...holders].filter((holder) => limits(lottery, holder));
  const counts = limited.length === 0 ? [] : await repos.entryCounts.read(lottery.id, limited);
  return {
    counted: new Map(limited.map((holder, i) => [holder, counts[i] ?? 0])),
    accountless: accounts.accountless,
    walletOf: (id) => accounts.walletOf(id),
  };
}

/** The tickets the turn's requests took so far, by holder, so that a limit check costs O(1). */
class Taken {
  readonly ballots: Ballot[] = [];
  readonly byHolder = new Map<HolderKey, number>();

  constructor(readonly lottery: Lottery | null) {}

  /** The lottery's tickets issued, this turn's included: it moves as soon as a request takes any. */
  count(): number {
    return this.lottery?.toState().ticketsIssued ?? 0;
  }

  heldBy(ahead: ReadAhead, holder: HolderKey): number {
    return (ahead.counted.get(holder) ?? 0) + (this.byHolder.get(holder) ?? 0);
  }

  stage(ballots: readonly Ballot[]): void {
    this.ballots.push(...ballots);
    for (const { participantId, ipHash } of ballots) {
      if (participantId !== null) this.bump(HolderKey.participant(participantId));
      if (ipHash !== null) this.bump(HolderKey.address(ipHash));
    }
  }

  private bump(holder: HolderKey): void {
    this.byHolder.set(holder, (this.byHolder.get(holder) ?? 0) + 1);
  }
}

/** Whether this lottery limits the holder's kind, and so keeps a counter for it. */
function limits(lottery: Lottery, holder: HolderKey): boolean {
  const { perParticipantLimit, perIpLimit } = lottery.toState().entry;
  return HolderKey.isParticipant(holder) ? perParticipantLimit !== null : perIpLimit !== null;
}

const isPriced = (lottery: Lottery): boolean => lottery.toState().ticketPrice > 0;

const idOf = (k: IdempotencyKey) => JSON.stringify([k.scope, k.key]);

/**
 * The turn's Idempotency-Keys: locked and read for all its requests in two round trips and
 * saved in one, where each request on its own would pay three inside the lock. Requests of the
 * turn see each other's records, as they would one after another.
 */
interface TurnKeys {
  locked(key: IdempotencyKey): boolean;
  find(key: IdempotencyKey): IdempotencyRecord | null;
  record(key: IdempotencyKey, record: IdempotencyRecord, at: Date): void;
  save(repos: Repositories): Promise<void>;
}

async function readKeys(repos: Repositories, requests: readonly BallotRequest[]): Promise<TurnKeys> {
  const asked = [...new Map(requests.flatMap((r) => (r.once ? [[idOf(r.once.key), r.once.key] as const] : []))).values()];
  const locks = asked.length === 0 ? [] : await repos.idempotency.tryLockMany(asked);
  const held = asked.filter((_, i) => locks[i] === true);
  const found = held.length === 0 ? [] : await repos.idempotency.findMany(held);
  const locked = new Set(held.map(idOf));
  const records = new Map(held.map((k, i) => [idOf(k), found[i] ?? null]));
  const unsaved: (IdempotencyKey & { readonly record: IdempotencyRecord })[] = [];
  let lastSave: Date | null = null;
  return {
    locked: (key) => locked.has(idOf(key)),
    find: (key) => records.get(idOf(key)) ?? null,
    record(key, record, at) {
      records.set(idOf(key), record);
      unsaved.push({ scope: key.scope, key: key.key, record });
      // Kept at least as long as promised: the latest instant of the turn stands for all.
      if (lastSave === null || at > lastSave) lastSave = at;
    },
    async save(store) {
      if (unsaved.length > 0 && lastSave !== null) await store.idempotency.saveMany(unsaved, lastSave);
    },
  };
}

/** askPool read what the plan is missing, so the overlay has it. */
function unread(): never {
  throw new Error('the pool overlay lacks a slot it has just read');
}

/** planIssue refuses a count that submit-ballots.ts would have cut short, so this cannot happen. */
function unprepared(): never {
  throw new Error('a ballot was issued without a prepared code');
}
