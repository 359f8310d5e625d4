import { type Beacon, type BeaconChain, roundTimeMs } from '@fairdraw/domain';
import { type TestChain, testChain } from '@fairdraw/domain/testing';
import type { RandomnessBeacon } from '../ports/beacon.js';
import type { Clock } from '../ports/system.js';

/**
 * A beacon in memory over a test chain with its own deterministic key: rounds exist once the
 * clock reaches their time, as on a real chain. Tests switch it off, make its relays fail, or
 * have it answer forged signatures (which a real relay client must refuse; this one hands them
 * out, so the use case's own check is what is tested).
 */
export class InMemoryBeacon implements RandomnessBeacon {
  readonly test: TestChain;
  /** Whether chain info "has been fetched and checked". */
  known = true;
  /** Whether any relay answers rounds. */
  relaysUp = true;
  forged = false;
  readonly asked: number[] = [];

  constructor(
    private readonly clock: Clock,
    genesis = new Date('2030-01-01T00:00:00.000Z'),
  ) {
    this.test = testChain({ label: 'in-memory', period: 3, genesisTime: genesis.getTime() / 1000 });
  }

  chainInfo(): BeaconChain | null {
    return this.known ? this.test.chain : null;
  }

  async beacon(chain: BeaconChain, round: number): Promise<Beacon | null> {
    this.asked.push(round);
    if (!this.relaysUp || chain.chainHash !== this.test.chain.chainHash) return null;
    if (this.clock.now().getTime() < roundTimeMs(chain, round)) return null;
    return this.forged ? this.test.forge(round) : this.test.sign(round);
  }
}
