/**
 * A drand beacon chain as API.md's fairdraw-v2 pins it: chain info accepted only when its hash is
 * the expected one, the round rule, and the BLS check of a round's signature. Pure computation:
 * the BLS pairing is @noble/curves' (audited, no native code), the one library the domain uses,
 * since curve arithmetic written here would be the riskiest code in the repository.
 */
import { createHash } from 'node:crypto';
import { bls12_381 } from '@noble/curves/bls12-381.js';

/** drand's scheme for G1 signatures over G2 keys with RFC 9380 hashing (quicknet's). */
export const BEACON_SCHEME = 'bls-unchained-g1-rfc9380';
export const BEACON_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
/** The League of Entropy's quicknet: the default chain. */
export const QUICKNET_CHAIN_HASH = '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971';

/** What a v2 lottery pins of its chain. */
export interface BeaconChain {
  readonly chainHash: string;
  /** Hex, a 96-byte compressed G2 point. */
  readonly publicKey: string;
  /** Seconds between rounds. */
  readonly period: number;
  /** Unix seconds of round 1. */
  readonly genesisTime: number;
}

/** One round of the chain as a relay serves it. */
export interface Beacon {
  readonly round: number;
  /** Hex, a 48-byte compressed G1 point. */
  readonly signature: string;
  /** hex(sha256(signature)). */
  readonly randomness: string;
}

export interface ChainInfo extends BeaconChain {
  readonly groupHash: string;
  readonly beaconId: string;
}

const HEX = /^(?:[0-9a-f]{2})+$/;
const isHex = (value: unknown, bytes: number): value is string =>
  typeof value === 'string' && value.length === bytes * 2 && HEX.test(value);

/** hex(sha256(uint32_be(period) ‖ int64_be(genesis_time) ‖ public_key ‖ groupHash ‖ utf8(beaconID))). */
export function chainHashOf(info: Omit<ChainInfo, 'chainHash'>): string {
  const head = Buffer.alloc(12);
  head.writeUInt32BE(info.period, 0);
  head.writeBigInt64BE(BigInt(info.genesisTime), 4);
  return createHash('sha256')
    .update(head)
    .update(Buffer.from(info.publicKey, 'hex'))
    .update(Buffer.from(info.groupHash, 'hex'))
    .update(info.beaconId, 'utf8')
    .digest('hex');
}

/**
 * A relay's `/{chain_hash}/info` answer, accepted only when it is the chain `expectedHash` names:
 * the scheme is drand's G1 one and the hash computed from the fields (not the `hash` the relay
 * claims) is the expected one. Anything else is the reason it was refused.
 */
export function acceptChainInfo(json: unknown, expectedHash: string): ChainInfo | { readonly problem: string } {
  if (typeof json !== 'object' || json === null) return { problem: 'chain info is not a JSON object' };
  const info = json as Record<string, unknown>;
  const metadata = info.metadata as Record<string, unknown> | null | undefined;
  const beaconId = typeof metadata === 'object' && metadata !== null ? metadata.beaconID : undefined;
  if (info.schemeID !== BEACON_SCHEME) return { problem: `schemeID ${String(info.schemeID)} is not ${BEACON_SCHEME}` };
  if (!isHex(info.public_key, 96)) return { problem: 'public_key is not 96 bytes of lower-case hex' };
  if (!Number.isSafeInteger(info.period) || (info.period as number) < 1 || (info.period as number) > 0xffff_ffff) {
    return { problem: 'period is not a positive integer' };
  }
  if (!Number.isSafeInteger(info.genesis_time)) return { problem: 'genesis_time is not an integer' };
  if (typeof info.groupHash !== 'string' || !HEX.test(info.groupHash)) return { problem: 'groupHash is not lower-case hex' };
  if (typeof beaconId !== 'string') return { problem: 'metadata.beaconID is not a string' };
  const fields = {
    publicKey: info.public_key,
    period: info.period as number,
    genesisTime: info.genesis_time as number,
    groupHash: info.groupHash,
    beaconId,
  };
  const chainHash = chainHashOf(fields);
  if (chainHash !== expectedHash) return { problem: `the chain info hashes to ${chainHash}, not the expected ${expectedHash}` };
  if (!isG2Point(fields.publicKey)) return { problem: 'public_key is not a point of G2' };
  return { ...fields, chainHash };
}

function isG2Point(publicKey: string): boolean {
  try {
    bls12_381.G2.Point.fromHex(publicKey).assertValidity();
    return true;
  } catch {
    return false;
  }
}

/** Unix milliseconds at which `round` is published: genesis_time + (round - 1) * period seconds. */
export function roundTimeMs(chain: Pick<BeaconChain, 'period' | 'genesisTime'>, round: number): number {
  return (chain.genesisTime + (round - 1) * chain.period) * 1000;
}

/**
 * The first round whose time is at or after `closingMs + marginS` seconds:
 * ceil((C_ms + 1000·margin_s − 1000·genesis_time) / (1000·period)) + 1, and never before round 1.
 * Integer arithmetic throughout, so an instant exactly on a round's time gives that round.
 */
export function roundFor(chain: Pick<BeaconChain, 'period' | 'genesisTime'>, closingMs: number, marginS: number): number {
  const offset = closingMs + 1000 * marginS - 1000 * chain.genesisTime;
  const step = 1000 * chain.period;
  if (offset <= 0) return 1;
  const quotient = Math.floor(offset / step);
  return (quotient * step < offset ? quotient + 1 : quotient) + 1;
}

/** The message drand signs for a round of an unchained scheme: sha256(uint64_be(round)). */
export function beaconMessage(round: number): Uint8Array {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(round));
  return createHash('sha256').update(bytes).digest();
}

export const beaconRandomnessOf = (signature: string): string => createHash('sha256').update(Buffer.from(signature, 'hex')).digest('hex');

export type BeaconCheck = 'ok' | 'ROUND' | 'SIGNATURE' | 'RANDOMNESS';

/**
 * Step 3 of fairdraw-v2: the beacon is the asked round, its signature verifies under the chain's
 * key, and its randomness is sha256 of that signature. A malformed value is a failed check, never
 * an exception, since it comes from a relay or a published record.
 */
export function checkBeacon(chain: Pick<BeaconChain, 'publicKey'>, round: number, beacon: Beacon): BeaconCheck {
  if (beacon.round !== round) return 'ROUND';
  if (!isHex(beacon.signature, 48) || !verifiesBls(chain.publicKey, round, beacon.signature)) return 'SIGNATURE';
  if (beacon.randomness !== beaconRandomnessOf(beacon.signature)) return 'RANDOMNESS';
  return 'ok';
}

function verifiesBls(publicKey: string, round: number, signature: string): boolean {
  try {
    const short = bls12_381.shortSignatures;
    const message = short.hash(beaconMessage(round), BEACON_DST);
    return short.verify(short.Signature.fromHex(signature), message, Buffer.from(publicKey, 'hex'));
  } catch {
    return false;
  }
}

/** quicknet as its chain info says (checked against QUICKNET_CHAIN_HASH in the tests). */
export const QUICKNET: BeaconChain = {
  chainHash: QUICKNET_CHAIN_HASH,
  publicKey:
    '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a',
  period: 3,
  genesisTime: 1692803367,
};
