import { type ParticipantId, usernameKey } from '@fairdraw/domain';
import type { ParticipantRepository, RefreshTokenRepository } from '../ports/repositories.js';
import { copy, type Session } from './in-memory-store.js';

export function inMemoryParticipants(session: Session): ParticipantRepository {
  const all = () => {
    session.check();
    return [...session.store().participants.values()];
  };
  return {
    async add(participant) {
      const existing = all();
      if (session.store().participants.has(participant.id)) throw new Error(`participant ${participant.id} exists`);
      if (existing.some((p) => usernameKey(p.username) === usernameKey(participant.username))) {
        session.reject('USERNAME_TAKEN', 'this username is taken');
      }
      if (participant.email !== null && existing.some((p) => p.email === participant.email)) {
        session.reject('EMAIL_TAKEN', 'this email is taken');
      }
      session.store().participants.set(participant.id, copy(participant));
    },
    async findById(id: ParticipantId) {
      session.check();
      const found = session.store().participants.get(id);
      return found ? copy(found) : null;
    },
    async findByLogin(login) {
      const key = login.toLowerCase();
      const found = all().find((p) => usernameKey(p.username) === key || p.email === key);
      return found ? copy(found) : null;
    },
    async countAdmins() {
      return all().filter((p) => p.role === 'admin').length;
    },
    async existing(ids) {
      session.check();
      return new Set(ids.filter((id) => session.store().participants.has(id)));
    },
  };
}

export function inMemoryRefreshTokens(session: Session): RefreshTokenRepository {
  const tokens = () => {
    session.check();
    return session.store().refreshTokens;
  };
  return {
    async add(token) {
      if (tokens().has(token.tokenHash)) throw new Error('refresh token hash exists');
      tokens().set(token.tokenHash, copy(token));
    },
    async findByHash(tokenHash) {
      const found = tokens().get(tokenHash);
      return found ? copy(found) : null;
    },
    async spend(tokenHash, at) {
      const found = tokens().get(tokenHash);
      if (!found || found.spentAt !== null || found.revokedAt !== null) return false;
      tokens().set(tokenHash, { ...found, spentAt: new Date(at) });
      return true;
    },
    async revokeFamily(familyId, at) {
      for (const [hash, token] of tokens()) {
        if (token.familyId === familyId && token.revokedAt === null) tokens().set(hash, { ...token, revokedAt: new Date(at) });
      }
    },
  };
}
