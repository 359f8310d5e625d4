import { checkPassword, type Participant, ParticipantId, type Role, registerParticipant as register } from '@fairdraw/domain';
import type { Deps } from './deps.js';

export interface RegisterParticipant {
  readonly username: string;
  readonly password: string;
  readonly email?: string | null | undefined;
}

export async function registerParticipant(deps: Deps, command: RegisterParticipant, role: Role = 'participant'): Promise<Participant> {
  checkPassword(command.password);
  // Validate the name before paying for an argon2 hash.
  register({
    id: ParticipantId(deps.random.uuid()),
    username: command.username,
    email: command.email,
    passwordHash: '',
    now: deps.clock.now(),
  });
  const participant = register({
    id: ParticipantId(deps.random.uuid()),
    username: command.username,
    email: command.email,
    role,
    passwordHash: await deps.passwords.hash(command.password),
    now: deps.clock.now(),
  });
  await deps.uow.run((repos) => repos.participants.add(participant));
  return participant;
}
