import { DomainError } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { registerParticipant } from './register-participant.js';

/** Creates the first admin at start-up unless an account of that name exists already. */
export async function ensureAdmin(deps: Deps, command: { username: string; password: string }): Promise<'created' | 'exists'> {
  if (await deps.uow.reads.participants.findByLogin(command.username)) return 'exists';
  try {
    await registerParticipant(deps, command, 'admin');
    return 'created';
  } catch (error) {
    // Two processes starting at once: the other one created it.
    if (error instanceof DomainError && error.code === 'USERNAME_TAKEN') return 'exists';
    throw error;
  }
}
