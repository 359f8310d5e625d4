import { createHash } from 'node:crypto';
import type { Participant, ParticipantId } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { fail } from './errors.js';

/**
 * Refresh tokens are opaque random strings, stored only as a sha256. Each login starts a family;
 * every refresh spends the presented token and issues the next one in the family. Presenting a
 * spent token means it leaked (or raced), so the whole family is revoked.
 */
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export type SessionDeps = Pick<Deps, 'uow' | 'clock' | 'random' | 'settings'>;

async function issue(deps: SessionDeps, participantId: ParticipantId, familyId: string): Promise<string> {
  const token = Buffer.from(deps.random.bytes(32)).toString('base64url');
  const expiresAt = new Date(deps.clock.now().getTime() + deps.settings.refreshTokenTtlMs);
  await deps.uow.run((repos) =>
    repos.refreshTokens.add({ tokenHash: hashToken(token), familyId, participantId, expiresAt, spentAt: null, revokedAt: null }),
  );
  return token;
}

export function startSession(deps: SessionDeps, command: { participantId: ParticipantId }): Promise<{ refreshToken: string }> {
  return issue(deps, command.participantId, deps.random.uuid()).then((refreshToken) => ({ refreshToken }));
}

export async function refreshSession(
  deps: SessionDeps,
  command: { refreshToken: string },
): Promise<{ refreshToken: string; participant: Participant }> {
  const now = deps.clock.now();
  const outcome = await deps.uow.run(async (repos) => {
    const token = await repos.refreshTokens.findByHash(hashToken(command.refreshToken));
    if (token === null || token.revokedAt !== null || token.expiresAt <= now) return null;
    if (token.spentAt !== null || !(await repos.refreshTokens.spend(token.tokenHash, now))) {
      // Committed on purpose before the 401: the revocation must outlive this request.
      await repos.refreshTokens.revokeFamily(token.familyId, now);
      return null;
    }
    const participant = await repos.participants.findById(token.participantId);
    if (participant === null) return null;
    return { participant, familyId: token.familyId };
  });
  if (outcome === null) fail('UNAUTHORIZED', 'the refresh token is invalid, expired or already used');
  const refreshToken = await issue(deps, outcome.participant.id, outcome.familyId);
  return { refreshToken, participant: outcome.participant };
}

export async function endSession(deps: SessionDeps, command: { refreshToken: string }): Promise<void> {
  await deps.uow.run(async (repos) => {
    const token = await repos.refreshTokens.findByHash(hashToken(command.refreshToken));
    if (token !== null) await repos.refreshTokens.revokeFamily(token.familyId, deps.clock.now());
  });
}
