import type { Participant } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { fail } from './errors.js';

// Verifying against a real hash when the user is unknown keeps both failures equally slow.
let decoyHash: Promise<string> | null = null;

export type AuthenticateDeps = Pick<Deps, 'uow' | 'passwords'>;

export async function authenticate(deps: AuthenticateDeps, command: { login: string; password: string }): Promise<Participant> {
  const participant = await deps.uow.reads.participants.findByLogin(command.login);
  if (participant === null) {
    decoyHash ??= deps.passwords.hash('decoy password that matches nothing');
    await deps.passwords.verify(await decoyHash, command.password);
    fail('INVALID_CREDENTIALS', 'wrong username or password');
  }
  if (!(await deps.passwords.verify(participant.passwordHash, command.password))) {
    fail('INVALID_CREDENTIALS', 'wrong username or password');
  }
  return participant;
}
