import { EntriesDigest, type Lottery } from '@fairdraw/domain';
import type { Repositories } from './ports/repositories.js';

/**
 * Freezes a closed lottery's entries digest by streaming them once. Called in the transaction
 * that holds the lottery's lock, so no ballot can slip in between the close and the digest.
 */
export async function sealEntries(repos: Repositories, lottery: Lottery): Promise<void> {
  if (lottery.isSealed) return;
  const digest = new EntriesDigest();
  for await (const entry of repos.ballots.streamEntries(lottery.id)) digest.add(entry.ticketNumber, entry.ballotId);
  lottery.seal(digest.finish());
}
