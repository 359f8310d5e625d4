import { EntriesDigest, type Lottery } from '@fairdraw/domain';
import type { Repositories } from './ports/repositories.js';
import { noTelemetry, type Telemetry } from './ports/telemetry.js';

/**
 * Freezes a closed lottery's entries digest by streaming them once. Called in the transaction
 * that holds the lottery's lock, so no ballot can slip in between the close and the digest
 * (seal-coordinator.ts says who calls it when).
 */
export async function sealEntries(repos: Repositories, lottery: Lottery, telemetry: Telemetry = noTelemetry): Promise<void> {
  if (lottery.isSealed) return;
  const sealed = telemetry.startTimer('seal');
  const digest = new EntriesDigest();
  for await (const text of repos.ballots.entriesText(lottery.id)) digest.addLines(text);
  lottery.seal(digest.finish());
  sealed();
}
