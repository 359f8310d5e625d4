import { describe, expect, it } from 'vitest';
import { authenticate } from './authenticate.js';
import { ensureAdmin } from './ensure-admin.js';
import { registerParticipant } from './register-participant.js';
import { endSession, refreshSession, startSession } from './sessions.js';
import { testDeps } from './testing/index.js';

const rejects = (promise: Promise<unknown>, code: string) => expect(promise).rejects.toMatchObject({ code });

describe('accounts and sessions', () => {
  it('registers, refuses a taken name ignoring case and a taken email', async () => {
    const deps = testDeps();
    const alice = await registerParticipant(deps, { username: 'Alice', password: 'correct horse', email: 'A@example.com' });
    expect(alice).toMatchObject({ username: 'Alice', email: 'a@example.com', role: 'participant' });
    expect(alice.passwordHash).not.toContain('correct horse');
    await rejects(registerParticipant(deps, { username: 'alice', password: 'correct horse' }), 'USERNAME_TAKEN');
    await rejects(registerParticipant(deps, { username: 'bob', password: 'correct horse', email: 'a@EXAMPLE.com' }), 'EMAIL_TAKEN');
    await rejects(registerParticipant(deps, { username: 'x', password: 'correct horse' }), 'VALIDATION_FAILED');
    await rejects(registerParticipant(deps, { username: 'carol', password: 'short' }), 'VALIDATION_FAILED');
  });

  it('logs in by username or email, and fails alike for a wrong name or password', async () => {
    const deps = testDeps();
    await registerParticipant(deps, { username: 'alice', password: 'correct horse', email: 'alice@example.com' });
    expect((await authenticate(deps, { login: 'ALICE', password: 'correct horse' })).username).toBe('alice');
    expect((await authenticate(deps, { login: 'alice@example.com', password: 'correct horse' })).username).toBe('alice');
    await rejects(authenticate(deps, { login: 'alice', password: 'wrong horse' }), 'INVALID_CREDENTIALS');
    await rejects(authenticate(deps, { login: 'nobody', password: 'correct horse' }), 'INVALID_CREDENTIALS');
  });

  it('rotates refresh tokens and revokes the family when a spent one is replayed', async () => {
    const deps = testDeps();
    const alice = await registerParticipant(deps, { username: 'alice', password: 'correct horse' });
    const { refreshToken: first } = await startSession(deps, { participantId: alice.id });
    const { refreshToken: second } = await refreshSession(deps, { refreshToken: first });
    expect(second).not.toBe(first);
    await rejects(refreshSession(deps, { refreshToken: first }), 'UNAUTHORIZED');
    // The replay revoked the whole family, the legitimate newest token included.
    await rejects(refreshSession(deps, { refreshToken: second }), 'UNAUTHORIZED');
  });

  it('expires refresh tokens and ends sessions on logout', async () => {
    const deps = testDeps();
    const alice = await registerParticipant(deps, { username: 'alice', password: 'correct horse' });
    const { refreshToken } = await startSession(deps, { participantId: alice.id });
    await endSession(deps, { refreshToken });
    await rejects(refreshSession(deps, { refreshToken }), 'UNAUTHORIZED');
    const { refreshToken: other } = await startSession(deps, { participantId: alice.id });
    deps.clock.advance(deps.settings.refreshTokenTtlMs);
    await rejects(refreshSession(deps, { refreshToken: other }), 'UNAUTHORIZED');
  });

  it('creates the first admin once', async () => {
    const deps = testDeps();
    expect(await ensureAdmin(deps, { username: 'root', password: 'admin password' })).toBe('created');
    expect(await ensureAdmin(deps, { username: 'root', password: 'admin password' })).toBe('exists');
    expect((await authenticate(deps, { login: 'root', password: 'admin password' })).role).toBe('admin');
  });

  it('refuses to go on when a participant holds the admin name, ignoring case', async () => {
    const deps = testDeps();
    await registerParticipant(deps, { username: 'Root', password: 'a participant password' });
    await expect(ensureAdmin(deps, { username: 'root', password: 'admin password' })).rejects.toThrow(
      /ADMIN_USERNAME "root" is already held by a participant \("Root"\)/,
    );
    await expect(authenticate(deps, { login: 'root', password: 'admin password' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });
});
