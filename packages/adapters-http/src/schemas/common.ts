import { z } from 'zod';

/** Any 8-4-4-4-12 hex id: a well-formed id that names nothing is a 404, not a 400. */
export const Id = z.guid();
export const CalendarDate = z.iso.date().describe('YYYY-MM-DD in the service time zone');
export const Timestamp = z.iso.datetime().describe('RFC 3339, UTC, milliseconds');

export const LotteryParams = z.object({ id: Id });
export const DateParams = z.object({ date: CalendarDate });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(1024).optional(),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}

/** The use cases take `cursor: string | null`. */
export const pageRequest = (query: { limit: number; cursor?: string | undefined }) => ({
  limit: query.limit,
  cursor: query.cursor ?? null,
});

export const BEARER = [{ bearerAuth: [] }];

/** A body that may be left out: Fastify hands the validator null when a POST has no body. */
export const optionalBody = <T extends z.ZodType>(schema: T) => schema.nullish();
