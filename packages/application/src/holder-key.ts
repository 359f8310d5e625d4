import type { ParticipantId } from '@fairdraw/domain';

/**
 * Who holds tickets in a lottery, for its entry limits: a participant, or an address (by its
 * keyed hash), counted apart (entry_counts). The one place that spells and reads the key.
 */
export type HolderKey = string & { readonly __brand: 'HolderKey' };

export const HolderKey = {
  participant: (id: ParticipantId) => `participant:${id}` as HolderKey,
  address: (ipHash: string) => `ip:${ipHash}` as HolderKey,
  isParticipant: (key: HolderKey) => key.startsWith('participant:'),
};
