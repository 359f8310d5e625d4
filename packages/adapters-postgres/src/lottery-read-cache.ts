import type { LotteryFilter, LotteryRepository, Page, PageRequest } from '@fairdraw/application';
import { Lottery, type LotteryId, type LotteryState } from '@fairdraw/domain';

/**
 * `GET /lotteries/{id}` is the most read thing there is, and reading its row cost a round trip
 * and a query compilation per request (docs/benchmarks.md). This keeps the lotteries read
 * outside a transaction for `ttlMs`: a write of this process forgets its lotteries as soon as
 * it commits, so a client of a single process always sees its own ballots counted; a write of
 * another process (a second API, the worker's draw) shows within `ttlMs`. Reads inside a
 * transaction (locks, decisions) never come from here.
 */
export class LotteryReadCache {
  private readonly entries = new Map<string, { readonly state: LotteryState; readonly until: number }>();
  private readonly pages = new Map<string, CachedPage>();
  /** Bumped by every forget: a read during which any commit forgot anything stores nothing. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly maxEntries = 10_000,
  ) {}

  /** The reads port's findById, answered from memory while fresh. */
  reading(lotteries: LotteryRepository): LotteryRepository {
    if (this.ttlMs <= 0) return lotteries;
    return {
      ...lotteries,
      findById: async (id) => {
        const key = id.toLowerCase();
        const hit = this.entries.get(key);
        // Each caller gets an aggregate of its own: the domain replaces its state, never edits it.
        if (hit !== undefined && hit.until > this.now()) return Lottery.restore(hit.state);
        const seen = this.generation;
        const found = await lotteries.findById(id);
        if (found !== null && this.generation === seen) this.store(key, found.toState());
        return found;
      },
      list: async (filter, page) => {
        const key = pageKey(filter, page);
        if (key === null) return lotteries.list(filter, page);
        const asOf = filter.asOf?.getTime() ?? 0;
        const hit = this.pages.get(key);
        if (hit !== undefined && hit.until > this.now() && asOf >= hit.asOf && asOf < hit.validBefore) {
          return { items: hit.states.map((state) => Lottery.restore(state)), nextCursor: hit.nextCursor };
        }
        const seen = this.generation;
        const found = await lotteries.list(filter, page);
        if (this.generation === seen) this.storePage(key, asOf, found);
        return found;
      },
      // A write outside a transaction (none does one today) is its own commit.
      add: (lottery) => this.forgetting([lottery.id], () => lotteries.add(lottery)),
      save: (lottery) => this.forgetting([lottery.id], () => lotteries.save(lottery)),
      saveMany: (saved) =>
        this.forgetting(
          saved.map((l) => l.id),
          () => lotteries.saveMany(saved),
        ),
    };
  }

  private async forgetting(ids: readonly LotteryId[], write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } finally {
      this.forget(ids);
    }
  }

  /** After a transaction that saved these lotteries has ended, committed or not. */
  forget(ids: Iterable<LotteryId>): void {
    this.generation += 1;
    for (const id of ids) this.entries.delete(id.toLowerCase());
    // Any write may change any page: a new lottery heads the first, a ballot changes a count.
    this.pages.clear();
  }

  private store(key: string, state: LotteryState): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { state, until: this.now() + this.ttlMs });
  }

  private storePage(key: string, asOf: number, page: Page<Lottery>): void {
    if (this.pages.size >= MAX_PAGES) this.pages.clear();
    const states = page.items.map((lottery) => lottery.toState());
    // The page holds while none of its open lotteries reaches its closing instant: that is when
    // one leaves ?status=open (and the next one behind the page moves up). Lotteries only leave
    // the open set with time, never enter it, and a status filter that time adds to is not cached.
    const closings = states.flatMap((s) =>
      s.status === 'open' && s.closesAt !== null && s.closesAt.getTime() > asOf ? [s.closesAt.getTime()] : [],
    );
    // No closing instant ahead (Math.min of nothing is Infinity): only the TTL and writes end it.
    this.pages.set(key, { states, nextCursor: page.nextCursor, asOf, validBefore: Math.min(...closings), until: this.now() + this.ttlMs });
  }
}

interface CachedPage {
  readonly states: readonly LotteryState[];
  readonly nextCursor: string | null;
  /** The clock instant (epoch ms) the page was read as of, and the first one it no longer holds at. */
  readonly asOf: number;
  readonly validBefore: number;
  readonly until: number;
}

const MAX_PAGES = 1_000;

/**
 * Only lists whose membership time cannot grow are kept: all lotteries, or the open ones.
 * ?status=closed gains every lottery whose closing instant passes, so it is not.
 */
function pageKey(filter: LotteryFilter, page: PageRequest): string | null {
  if (filter.status !== undefined && filter.status !== 'open') return null;
  return JSON.stringify([filter.status ?? null, filter.closesFrom ?? null, filter.closesTo ?? null, page.limit, page.cursor]);
}

/** The transaction's lottery writes, noted so that the cache forgets them once it ends. */
export function noticingWrites(lotteries: LotteryRepository, written: Set<LotteryId>): LotteryRepository {
  return {
    ...lotteries,
    add: (lottery) => {
      written.add(lottery.id);
      return lotteries.add(lottery);
    },
    save: (lottery) => {
      written.add(lottery.id);
      return lotteries.save(lottery);
    },
    saveMany: (saved) => {
      for (const lottery of saved) written.add(lottery.id);
      return lotteries.saveMany(saved);
    },
  };
}
