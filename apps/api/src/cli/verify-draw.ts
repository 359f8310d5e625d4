/**
 * `pnpm verify-draw <base-url> <lottery-id>`: checks a published draw using nothing but the public
 * API, so anyone can run it against any fairdraw server. Prints VERIFIED and exits 0, or prints
 * each mismatch and exits 1; exits 2 when the record cannot be fetched at all.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createFairdrawClient } from '@fairdraw/client';
import { type Mismatch, startVerification } from '@fairdraw/domain';

type Fetch = typeof fetch;

/** The answer's body, or an error naming the request and its status. */
function ok<T>(what: string, answer: { data?: T; response: Response }): T {
  if (!answer.response.ok || answer.data === undefined) throw new Error(`GET ${what} answered ${answer.response.status}`);
  return answer.data;
}

/**
 * Fetches the lottery, its draw and its entries (streamed, never held whole) through the typed
 * client and checks them. The records are checked as the untrusted values they are, whatever
 * their types say: a server may send anything.
 */
export async function verifyDraw(baseUrl: string, lotteryId: string, fetcher: Fetch = fetch): Promise<Mismatch[]> {
  const api = createFairdrawClient({ baseUrl, fetch: fetcher });
  const path = { id: lotteryId };
  const lotteryPath = `${baseUrl.replace(/\/+$/, '')}/lotteries/${encodeURIComponent(lotteryId)}`;
  const lottery: unknown = ok(lotteryPath, await api.GET('/lotteries/{id}', { params: { path } }));
  const draw: unknown = ok(`${lotteryPath}/draw`, await api.GET('/lotteries/{id}/draw', { params: { path } }));
  const verification = startVerification(lottery, draw);
  // An undrawn lottery may not serve its entries yet (API.md: once closed); the verdict needs none.
  if (!verification.needsEntries) return verification.finish();
  const answer = await api.GET('/lotteries/{id}/entries', { params: { path }, parseAs: 'stream' });
  if (!answer.response.ok) throw new Error(`GET ${lotteryPath}/entries answered ${answer.response.status}`);
  // openapi-fetch hands back no stream for an empty body (a lottery nobody played).
  const entries = answer.data ?? answer.response.body;
  // fatal: bytes that are not UTF-8 cannot be canonical entries; better to stop than to guess.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  if (entries) {
    for await (const chunk of entries as unknown as AsyncIterable<Uint8Array>) verification.push(decoder.decode(chunk, { stream: true }));
  }
  verification.push(decoder.decode());
  return verification.finish();
}

export async function main(argv: readonly string[]): Promise<number> {
  const [baseUrl, lotteryId] = argv;
  if (baseUrl === undefined || lotteryId === undefined || argv.length !== 2) {
    process.stderr.write('usage: pnpm verify-draw <base-url> <lottery-id>\n');
    return 2;
  }
  try {
    const mismatches = await verifyDraw(baseUrl, lotteryId);
    if (mismatches.length === 0) {
      process.stdout.write('VERIFIED\n');
      return 0;
    }
    for (const { kind, message } of mismatches) process.stdout.write(`${kind}: ${message}\n`);
    return 1;
  } catch (error) {
    // fetch hides the reason (refused, DNS, TLS) in `cause`.
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    process.stderr.write(`cannot verify: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
    return 2;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) process.exitCode = await main(process.argv.slice(2));
