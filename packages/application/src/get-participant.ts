import { fail, type Participant, type ParticipantId } from '@fairdraw/domain';
import type { Deps } from './deps.js';

export async function getParticipant(deps: Deps, command: { participantId: ParticipantId }): Promise<Participant> {
  return (await deps.uow.reads.participants.findById(command.participantId)) ?? fail('NOT_FOUND', 'no such participant');
}
