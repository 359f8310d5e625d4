import { type Bench, type HttpFigure, metered } from './context.js';
import { runLoad } from './load.js';

/** The public reads of issue 15 item 4, each against the bare route of the same run. */
export interface ReadFigures {
  readonly lottery: HttpFigure;
  readonly openList: HttpFigure & { readonly items: number };
  readonly drawRecord: HttpFigure;
  /** The same record with its ETag in If-None-Match: 304s without a body. */
  readonly drawRevalidated: HttpFigure;
}

const SECONDS = 5;
const MAX_REQUESTS = 300_000;

/** 64 connections, 5 s or 300,000 requests each (after a 1 s warm-up), from 127.0.0.1. */
export async function reads(bench: Bench): Promise<ReadFigures> {
  const { client, adminToken } = bench;
  const openId = await client.createLottery(adminToken, { name: 'bench-reads-open', entry: { guests: true } });
  const drawnId = await client.createLottery(adminToken, { name: 'bench-reads-drawn', entry: { guests: true } });
  for (const id of [openId, drawnId]) for (let i = 0; i < 10; i++) await client.call('POST', `/lotteries/${id}/ballots`, {});
  await client.call('POST', `/lotteries/${drawnId}/close`, undefined, adminToken);
  await client.call('POST', `/lotteries/${drawnId}/draw`, undefined, adminToken);
  const record = await fetch(`${bench.api.url}/lotteries/${drawnId}/draw`);
  await record.arrayBuffer();
  const etag = record.headers.get('etag');
  if (etag === null) throw new Error('the draw record of a drawn lottery has no ETag');
  const list = await client.call<{ items: unknown[] }>('GET', '/lotteries?status=open', undefined);

  const read = async (path: string, headers?: Record<string, string>, okStatus?: number): Promise<HttpFigure> => {
    const load = {
      url: bench.api.url,
      method: 'GET' as const,
      path,
      connections: bench.connections,
      ...(headers ? { headers: () => headers } : {}),
      ...(okStatus ? { okStatus } : {}),
    };
    await runLoad({ ...load, seconds: 1, maxRequests: MAX_REQUESTS / 5 });
    const { result, cpu } = await metered(bench, () => runLoad({ ...load, seconds: SECONDS, maxRequests: MAX_REQUESTS }));
    return { load: result, cpu };
  };
  return {
    lottery: await read(`/lotteries/${openId}`),
    openList: { ...(await read('/lotteries?status=open')), items: list.items.length },
    drawRecord: await read(`/lotteries/${drawnId}/draw`),
    drawRevalidated: await read(`/lotteries/${drawnId}/draw`, { 'if-none-match': etag }, 304),
  };
}
