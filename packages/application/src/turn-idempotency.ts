import type { IdempotencyKey, IdempotencyRecord, IdempotencyRepository } from './ports/repositories.js';
import type { IdempotencyStore } from './run-idempotent.js';

const idOf = (k: IdempotencyKey) => JSON.stringify([k.scope, k.key]);

/**
 * The Idempotency-Keys of one ballot turn: locked and read for the whole turn in two round
 * trips and saved in one, where each request on its own would pay three inside the lock.
 * Requests of the turn see each other's saves, as they would one after another.
 */
export class TurnIdempotency implements IdempotencyStore {
  private readonly locked = new Map<string, boolean>();
  private readonly records = new Map<string, IdempotencyRecord | null>();
  private readonly unsaved: (IdempotencyKey & { readonly record: IdempotencyRecord })[] = [];
  private lastSave: Date | null = null;

  constructor(private readonly store: IdempotencyRepository) {}

  /** Locks the keys (in the order asked) and reads the records of those it got. */
  async prefetch(keys: readonly IdempotencyKey[]): Promise<void> {
    const fresh = [...new Map(keys.map((k) => [idOf(k), k])).values()].filter((k) => !this.locked.has(idOf(k)));
    if (fresh.length === 0) return;
    const locks = await this.store.tryLockMany(fresh);
    for (const [i, k] of fresh.entries()) this.locked.set(idOf(k), locks[i] === true);
    const held = fresh.filter((k) => this.locked.get(idOf(k)));
    const found = await this.store.findMany(held);
    for (const [i, k] of held.entries()) this.records.set(idOf(k), found[i] ?? null);
  }

  async tryLock(scope: string, key: string): Promise<boolean> {
    const id = idOf({ scope, key });
    const known = this.locked.get(id) ?? (await this.store.tryLock(scope, key));
    this.locked.set(id, known);
    return known;
  }

  async find(scope: string, key: string): Promise<IdempotencyRecord | null> {
    const id = idOf({ scope, key });
    return this.records.has(id) ? (this.records.get(id) ?? null) : this.store.find(scope, key);
  }

  async save(scope: string, key: string, record: IdempotencyRecord, at: Date): Promise<void> {
    this.records.set(idOf({ scope, key }), record);
    this.unsaved.push({ scope, key, record });
    // Kept at least as long as promised: the latest instant of the turn stands for all.
    if (this.lastSave === null || at > this.lastSave) this.lastSave = at;
  }

  /** Writes the turn's records; called once, with its ballots. */
  async flush(): Promise<void> {
    if (this.unsaved.length === 0 || this.lastSave === null) return;
    await this.store.saveMany(this.unsaved, this.lastSave);
  }
}
