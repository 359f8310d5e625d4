import {
  checkPassword,
  checkRegistration,
  type Participant,
  ParticipantId,
  type Role,
  registerParticipant as register,
} from '@fairdraw/domain';
import type { Deps } from './deps.js';

export interface RegisterParticipant {
  readonly username: string;
  readonly password: string;
  readonly email?: string | null | undefined;
}

export type RegisterParticipantDeps = Pick<Deps, 'uow' | 'clock' | 'random' | 'passwords'>;

export async function registerParticipant(
  deps: RegisterParticipantDeps,
  command: RegisterParticipant,
  role: Role = 'participant',
): Promise<Participant> {
  // Every cheap rule first: a bad name or password must not cost an argon2 hash.
  checkPassword(command.password);
  checkRegistration(command);
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
