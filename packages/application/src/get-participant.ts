import type { Participant, ParticipantId } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { fail } from './errors.js';

export type GetParticipantDeps = Pick<Deps, 'uow'>;

/**
 * The account behind a signed-in caller. A well-signed token can outlive its account (a store
 * restored or reset under the same JWT_SECRET): such a token is no credential, so 401.
 */
export async function getParticipant(deps: GetParticipantDeps, command: { participantId: ParticipantId }): Promise<Participant> {
  return (await deps.uow.reads.participants.findById(command.participantId)) ?? fail('UNAUTHORIZED', 'no account has this token');
}
