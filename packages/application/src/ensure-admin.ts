import type { Participant } from '@fairdraw/domain';
import { failureCode } from './errors.js';
import { type RegisterParticipantDeps, registerParticipant } from './register-participant.js';

export type EnsureAdminDeps = RegisterParticipantDeps;

/**
 * Creates the first admin at start-up unless it exists already. A participant holding that name
 * (names are unique ignoring case) is no admin, and going on would run a service nobody can
 * administer while the operator believes otherwise: start-up stops and says so (API.md, *Accounts*).
 */
export async function ensureAdmin(deps: EnsureAdminDeps, command: { username: string; password: string }): Promise<'created' | 'exists'> {
  const holder = await deps.uow.reads.participants.findByLogin(command.username);
  if (holder) return existingAdmin(holder, command.username);
  try {
    await registerParticipant(deps, command, 'admin');
    return 'created';
  } catch (error) {
    // Two processes starting at once: the other one created it (or a participant just took the name).
    const winner = failureCode(error) === 'USERNAME_TAKEN' ? await deps.uow.reads.participants.findByLogin(command.username) : null;
    if (winner) return existingAdmin(winner, command.username);
    throw error;
  }
}

function existingAdmin(account: Participant, username: string): 'exists' {
  if (account.role === 'admin') return 'exists';
  throw new Error(
    `ADMIN_USERNAME "${username}" is already held by a participant ("${account.username}"), not by an admin: ` +
      'start-up stops rather than run without the admin. Choose another ADMIN_USERNAME, or rename or remove that account.',
  );
}
