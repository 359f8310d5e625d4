import type { BeaconLog, DrandRelays } from '@fairdraw/adapters-http';
import type { Settings } from './settings.js';

/**
 * Starts fetching the beacon's chain info (both apps do). DRAW_BEACON=drand waits for it and
 * fails the start without it; auto never waits, so the service serves at once whatever the
 * relays do, as v1 until one answers.
 */
export async function startBeacon(beacon: DrandRelays, settings: Settings, log: BeaconLog): Promise<void> {
  beacon.useLog(log);
  if (settings.DRAW_BEACON === 'drand' && (await beacon.refresh()) === null) {
    throw new Error(
      `DRAW_BEACON=drand: no relay in BEACON_URLS gave checked chain info for ${settings.BEACON_CHAIN_HASH} (${beacon.status().problem})`,
    );
  }
  if (settings.DRAW_BEACON === 'auto')
    log.info(
      { relays: settings.BEACON_URLS.length },
      'fetching beacon chain info in the background; new lotteries are fairdraw-v1 until it is checked',
    );
  beacon.start();
}

/** /health/ready's beacon check while v2 is in use: ok, or why the last chain-info fetch failed. */
export function beaconReadiness(beacon: DrandRelays): Record<string, string> {
  const status = beacon.status();
  return status.inUse ? { beacon: status.problem ?? 'ok' } : {};
}
