import { BallotBatches, type BatchOptions } from './ballot-batches.js';
import type { Deps } from './deps.js';
import { SealCoordinator, type SealOptions } from './seal-coordinator.js';

/** What a composition root supplies: the ports of its kind of store and process. */
export type DepsBase = Omit<Deps, 'ballotBatches' | 'seals'>;

/**
 * Completes the use cases' dependencies with the parts made of the others: the seal
 * coordinator and the ballot queue, one of each per process. The one place they are built,
 * for the runtime and for tests on either kind of store.
 */
export function wireDeps<B extends DepsBase>(
  base: B,
  options: Pick<BatchOptions, 'maxTickets' | 'maxTurns'> & Pick<SealOptions, 'onSealError'> = {},
): B & Pick<Deps, 'ballotBatches' | 'seals'> {
  const { telemetry } = base;
  const seals = new SealCoordinator(base.uow, { telemetry, onSealError: options.onSealError });
  const ballotBatches = new BallotBatches(base.uow, base, seals, {
    telemetry,
    maxTickets: options.maxTickets,
    maxTurns: options.maxTurns,
  });
  return { ...base, seals, ballotBatches };
}
