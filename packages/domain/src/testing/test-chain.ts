/**
 * A drand-style chain of our own for tests: a deterministic BLS key (from a label), chain info
 * whose hash is computed exactly as API.md says, and rounds signed on demand. Tests never reach
 * the public relays; they serve this chain from 127.0.0.1 or use it in memory.
 */
import { createHash } from 'node:crypto';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import {
  BEACON_DST,
  BEACON_SCHEME,
  type Beacon,
  type BeaconChain,
  beaconMessage,
  beaconRandomnessOf,
  chainHashOf,
} from '../beacon-chain.js';

export interface TestChain {
  readonly chain: BeaconChain;
  /** What a relay serves at /{chain_hash}/info. */
  readonly info: Record<string, unknown>;
  /** The genuine beacon of a round. */
  sign(round: number): Beacon;
  /** A beacon for `round` signed by another key: well-formed, and wrong. */
  forge(round: number): Beacon;
}

const short = bls12_381.shortSignatures;
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function keyFrom(label: string): Uint8Array {
  const seed = createHash('sha512').update(`fairdraw test chain|${label}`).digest().subarray(0, 48);
  return short.keygen(seed).secretKey;
}

function signWith(secretKey: Uint8Array, round: number): Beacon {
  const signature = toHex(short.sign(short.hash(beaconMessage(round), BEACON_DST), secretKey).toBytes(true));
  return { round, signature, randomness: beaconRandomnessOf(signature) };
}

export function testChain(options: { label?: string; period?: number; genesisTime: number }): TestChain {
  const label = options.label ?? 'default';
  const secretKey = keyFrom(label);
  const forger = keyFrom(`${label}|forger`);
  const publicKey = toHex(short.getPublicKey(secretKey).toBytes(true));
  const period = options.period ?? 1;
  const groupHash = createHash('sha256').update(`group|${label}`).digest('hex');
  const beaconId = `fairdraw-test-${label}`;
  const chainHash = chainHashOf({ publicKey, period, genesisTime: options.genesisTime, groupHash, beaconId });
  const signed = new Map<number, Beacon>();
  return {
    chain: { chainHash, publicKey, period, genesisTime: options.genesisTime },
    info: {
      public_key: publicKey,
      period,
      genesis_time: options.genesisTime,
      hash: chainHash,
      groupHash,
      schemeID: BEACON_SCHEME,
      metadata: { beaconID: beaconId },
    },
    sign(round) {
      const known = signed.get(round);
      if (known) return known;
      const beacon = signWith(secretKey, round);
      signed.set(round, beacon);
      return beacon;
    },
    forge: (round) => signWith(forger, round),
  };
}
