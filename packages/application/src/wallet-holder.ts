import type { Participant, ParticipantId } from '@fairdraw/domain';
import { fail } from './errors.js';
import type { Repositories } from './ports/repositories.js';

/**
 * The account a wallet belongs to. Admins run lotteries and never play, so they hold no wallet
 * (FORBIDDEN on their own, NOT_FOUND when an admin asks for another admin's); a token whose
 * account is gone is no credential (UNAUTHORIZED).
 */
export async function walletHolder(
  participants: Repositories['participants'],
  participantId: ParticipantId,
  asking: 'self' | 'admin',
): Promise<Participant> {
  const participant = await participants.findById(participantId);
  if (asking === 'self') {
    if (participant === null) fail('UNAUTHORIZED', 'no account has this token');
    if (participant.role === 'admin') fail('FORBIDDEN', 'admins run lotteries and hold no wallet');
    return participant;
  }
  if (participant === null || participant.role === 'admin') fail('NOT_FOUND', 'no participant has this id');
  return participant;
}
