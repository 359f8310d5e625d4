import { describe, expect, it } from 'vitest';
import type { RefreshToken, UnitOfWork } from '../ports/repositories.js';
import { aParticipant, NOW, stored, uuidv7 } from './fixtures.js';

export function accountsContract(uow: () => UnitOfWork): void {
  describe('participants', () => {
    it('stores a participant and finds it by id', async () => {
      const alice = await stored(uow(), aParticipant('Alice', { email: 'alice@example.org' }));
      expect(await uow().reads.participants.findById(alice.id)).toEqual(alice);
      expect(await uow().reads.participants.findById(aParticipant('nobody').id)).toBeNull();
      expect(await uow().reads.participants.findById('not-a-uuid' as typeof alice.id)).toBeNull();
    });

    it('rejects a username taken in any case with USERNAME_TAKEN', async () => {
      await stored(uow(), aParticipant('Alice'));
      await expect(stored(uow(), aParticipant('aLiCe'))).rejects.toMatchObject({ code: 'USERNAME_TAKEN' });
    });

    it('rejects a taken email with EMAIL_TAKEN, and lets many participants have none', async () => {
      await stored(uow(), aParticipant('alice', { email: 'same@example.org' }));
      await expect(stored(uow(), aParticipant('bob', { email: 'same@example.org' }))).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
      await stored(uow(), aParticipant('carol'));
      await stored(uow(), aParticipant('dave'));
    });

    it('finds by username ignoring case, or by email', async () => {
      const alice = await stored(uow(), aParticipant('Alice', { email: 'alice@example.org' }));
      expect((await uow().reads.participants.findByLogin('ALICE'))?.id).toBe(alice.id);
      expect((await uow().reads.participants.findByLogin('Alice@Example.org'))?.id).toBe(alice.id);
      expect(await uow().reads.participants.findByLogin('bob')).toBeNull();
    });

    it('tells which ids have an account', async () => {
      const alice = await stored(uow(), aParticipant('alice'));
      const ghost = aParticipant('ghost');
      const found = await uow().reads.participants.existing([ghost.id, alice.id, alice.id, 'not-a-uuid' as typeof alice.id]);
      expect(found).toEqual(new Set([alice.id]));
      expect(await uow().reads.participants.existing([])).toEqual(new Set());
    });

    it('counts admins', async () => {
      expect(await uow().reads.participants.countAdmins()).toBe(0);
      await stored(uow(), aParticipant('root', { admin: true }));
      await stored(uow(), aParticipant('player'));
      expect(await uow().reads.participants.countAdmins()).toBe(1);
    });
  });

  describe('refresh tokens', () => {
    const aToken = (participantId: RefreshToken['participantId'], familyId: string): RefreshToken => ({
      tokenHash: `hash-${uuidv7()}`,
      familyId,
      participantId,
      expiresAt: new Date(NOW.getTime() + 86_400_000),
      spentAt: null,
      revokedAt: null,
    });

    it('stores a token and finds it by hash', async () => {
      const alice = await stored(uow(), aParticipant('alice'));
      const token = aToken(alice.id, 'family-1');
      await uow().run((repos) => repos.refreshTokens.add(token));
      expect(await uow().reads.refreshTokens.findByHash(token.tokenHash)).toEqual(token);
      expect(await uow().reads.refreshTokens.findByHash('unknown')).toBeNull();
    });

    it('spends a token once, even when two transactions race for it', async () => {
      const alice = await stored(uow(), aParticipant('alice'));
      const token = aToken(alice.id, 'family-1');
      await uow().run((repos) => repos.refreshTokens.add(token));
      const spent = await Promise.all([1, 2].map(() => uow().run((repos) => repos.refreshTokens.spend(token.tokenHash, NOW))));
      expect(spent.sort()).toEqual([false, true]);
      expect((await uow().reads.refreshTokens.findByHash(token.tokenHash))?.spentAt).toEqual(NOW);
    });

    it('revokes a whole family, after which its tokens cannot be spent', async () => {
      const alice = await stored(uow(), aParticipant('alice'));
      const [a, b, other] = [aToken(alice.id, 'family-1'), aToken(alice.id, 'family-1'), aToken(alice.id, 'family-2')];
      await uow().run(async (repos) => {
        for (const t of [a, b, other]) await repos.refreshTokens.add(t);
        await repos.refreshTokens.revokeFamily('family-1', NOW);
      });
      const reads = uow().reads.refreshTokens;
      expect((await reads.findByHash(a.tokenHash))?.revokedAt).toEqual(NOW);
      expect((await reads.findByHash(b.tokenHash))?.revokedAt).toEqual(NOW);
      expect((await reads.findByHash(other.tokenHash))?.revokedAt).toBeNull();
      expect(await uow().run((repos) => repos.refreshTokens.spend(a.tokenHash, NOW))).toBe(false);
      expect(await uow().run((repos) => repos.refreshTokens.spend(other.tokenHash, NOW))).toBe(true);
    });
  });
}
