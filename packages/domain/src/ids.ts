declare const brand: unique symbol;
type Branded<T, B extends string> = T & { readonly [brand]: B };

export type LotteryId = Branded<string, 'LotteryId'>;
export type BallotId = Branded<string, 'BallotId'>;
export type ParticipantId = Branded<string, 'ParticipantId'>;
export type TransactionId = Branded<string, 'TransactionId'>;

export const LotteryId = (value: string): LotteryId => value.toLowerCase() as LotteryId;
export const BallotId = (value: string): BallotId => value.toLowerCase() as BallotId;
export const ParticipantId = (value: string): ParticipantId => value.toLowerCase() as ParticipantId;
export const TransactionId = (value: string): TransactionId => value.toLowerCase() as TransactionId;
