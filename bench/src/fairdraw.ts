// The service's own built code (`tsc -b bench` builds it first): bench/ is not a workspace
// package, so it reaches the packages' dist by path. This file alone names those paths.
import type { closeLottery } from '../../packages/application/dist/index.js';

export { startEmbeddedPostgres } from '../../packages/adapters-postgres/dist/index.js';
export { closeLottery, drawLottery } from '../../packages/application/dist/index.js';
export { readSettings, startRuntime } from '../../packages/runtime/dist/index.js';

/** Ids come back from the API already canonical (lower-case); typed as the use cases expect them. */
export type LotteryId = Parameters<typeof closeLottery>[1]['lotteryId'];

export const API_ENTRY = new URL('../../apps/api/dist/main.js', import.meta.url);
