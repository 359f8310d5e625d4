import type { ParticipantId, TransactionId } from '@fairdraw/domain';

export interface PaymentRequest {
  readonly participantId: ParticipantId;
  /** Minor units of `currency`. */
  readonly amount: number;
  readonly currency: string;
  /** The ledger entry the money is for: a provider that deduplicates can key on it. */
  readonly reference: TransactionId;
}

/**
 * Where deposits come from (PAYMENTS). It is asked inside the transaction that credits the
 * wallet, so a refusal (isRefusal) leaves nothing behind; a real provider would plug in here.
 */
export interface PaymentProvider {
  readonly name: string;
  collect(request: PaymentRequest): Promise<void>;
}
