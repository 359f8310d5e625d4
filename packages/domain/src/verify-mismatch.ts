/** What a verifier found wrong with a published draw (verify-record.ts, verify-beacon.ts). */
export type MismatchKind =
  | 'RECORD'
  | 'ALGORITHM'
  | 'NOT_DRAWN'
  | 'LOTTERY_ID'
  | 'COMMITMENT'
  | 'SEED'
  | 'ENTRIES_FORMAT'
  | 'ENTRIES_DIGEST'
  | 'ENTRY_COUNT'
  | 'RANDOMNESS'
  | 'WINNER_COUNT'
  | 'WINNER'
  | 'PRIZE'
  | 'BEACON_CHAIN'
  | 'BEACON_ROUND'
  | 'BEACON_SIGNATURE'
  | 'BEACON_RANDOMNESS';

export interface Mismatch {
  readonly kind: MismatchKind;
  readonly message: string;
}
