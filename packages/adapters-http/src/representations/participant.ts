import type { Participant } from '@fairdraw/domain';
import { z } from 'zod';
import { Id, Timestamp } from '../schemas/common.js';

export const ParticipantSchema = z
  .object({
    id: Id,
    username: z.string(),
    email: z.string().nullable(),
    role: z.enum(['participant', 'admin']),
    created_at: Timestamp,
  })
  .meta({ id: 'Participant' });

export function participantView(participant: Participant): z.output<typeof ParticipantSchema> {
  return {
    id: participant.id,
    username: participant.username,
    email: participant.email,
    role: participant.role,
    created_at: participant.createdAt.toISOString(),
  };
}

export const TokenPairSchema = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.int().describe('access token lifetime in seconds'),
  })
  .meta({ id: 'TokenPair' });

export const RegisteredSchema = z.object({ participant: ParticipantSchema, ...TokenPairSchema.shape }).meta({ id: 'Registered' });
