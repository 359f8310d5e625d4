import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typesFrom } from './generate.js';
import { createFairdrawClient } from './index.js';
import { fetchDocument, startServedApi } from './testing/served-api.js';

let api: Awaited<ReturnType<typeof startServedApi>>;
beforeAll(async () => {
  api = await startServedApi();
});
afterAll(() => api?.close());

describe('the typed client', () => {
  it('is what regenerating it from the running service gives: the contract cannot drift silently', async () => {
    const committed = await readFile(new URL('./openapi.ts', import.meta.url), 'utf8');
    const regenerated = await typesFrom(await fetchDocument(api.url));
    // On a failure: `pnpm client:generate`, then review and commit the difference.
    expect(regenerated === committed, 'packages/client/src/openapi.ts is stale: run `pnpm client:generate`').toBe(true);
  });

  it('calls the API with typed paths and answers, and hands problems back as `error`', async () => {
    const client = createFairdrawClient({ baseUrl: `${api.url}/` });
    const page = await client.GET('/lotteries', { params: { query: { limit: 5 } } });
    expect(page.response.status).toBe(200);
    expect(page.data).toEqual({ items: expect.any(Array), next_cursor: null });
    const missing = await client.GET('/lotteries/{id}', { params: { path: { id: '0190f5e2-0000-7000-8000-0000000000aa' } } });
    expect(missing.data).toBeUndefined();
    expect(missing.error).toMatchObject({ status: 404, code: 'LOTTERY_NOT_FOUND' });
    const signedIn = createFairdrawClient({ baseUrl: api.url, token: () => 'not-a-token' });
    expect((await signedIn.GET('/me')).error).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });
});
