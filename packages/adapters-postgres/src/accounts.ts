import type { ParticipantRepository, RefreshToken, RefreshTokenRepository } from '@fairdraw/application';
import { type Participant, ParticipantId } from '@fairdraw/domain';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, ParticipantsTable, RefreshTokensTable } from './database.js';
import { asRefusal, isUuid } from './errors.js';

const toParticipant = (row: Selectable<ParticipantsTable>): Participant => ({
  id: ParticipantId(row.id),
  username: row.username,
  email: row.email,
  role: row.role,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
});

export function postgresParticipants(db: Kysely<Database>): ParticipantRepository {
  return {
    async add(p) {
      await asRefusal(
        db
          .insertInto('participants')
          .values({ id: p.id, username: p.username, email: p.email, role: p.role, password_hash: p.passwordHash, created_at: p.createdAt })
          .execute(),
      );
    },
    async findById(id) {
      if (!isUuid(id)) return null;
      const row = await db.selectFrom('participants').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toParticipant(row) : null;
    },
    async findByLogin(login) {
      const key = login.toLowerCase();
      // Usernames cannot contain "@", so at most one of the two conditions can match a row.
      const row = await db
        .selectFrom('participants')
        .selectAll()
        .where((eb) => eb.or([eb(sql`lower(username)`, '=', key), eb('email', '=', key)]))
        .executeTakeFirst();
      return row ? toParticipant(row) : null;
    },
    async countAdmins() {
      const row = await db
        .selectFrom('participants')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .executeTakeFirstOrThrow();
      return row.n;
    },
    async existing(ids) {
      const asked = [...new Set(ids)].filter(isUuid);
      if (asked.length === 0) return new Set();
      const rows = await db.selectFrom('participants').select('id').where('id', 'in', asked).execute();
      return new Set(rows.map((r) => ParticipantId(r.id)));
    },
  };
}

const toToken = (row: Selectable<RefreshTokensTable>): RefreshToken => ({
  tokenHash: row.token_hash,
  familyId: row.family_id,
  participantId: ParticipantId(row.participant_id),
  expiresAt: row.expires_at,
  spentAt: row.spent_at,
  revokedAt: row.revoked_at,
});

export function postgresRefreshTokens(db: Kysely<Database>): RefreshTokenRepository {
  return {
    async add(t) {
      await db
        .insertInto('refresh_tokens')
        .values({
          token_hash: t.tokenHash,
          family_id: t.familyId,
          participant_id: t.participantId,
          expires_at: t.expiresAt,
          spent_at: t.spentAt,
          revoked_at: t.revokedAt,
        })
        .execute();
    },
    async findByHash(tokenHash) {
      const row = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row ? toToken(row) : null;
    },
    // One conditional UPDATE: of two concurrent refreshes, the second waits for the first's row
    // lock, re-checks the condition and updates nothing.
    async spend(tokenHash, at) {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ spent_at: at })
        .where('token_hash', '=', tokenHash)
        .where('spent_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async revokeFamily(familyId, at) {
      await db
        .updateTable('refresh_tokens')
        .set({ revoked_at: at })
        .where('family_id', '=', familyId)
        .where('revoked_at', 'is', null)
        .execute();
    },
  };
}
