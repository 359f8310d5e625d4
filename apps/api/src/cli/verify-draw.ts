/**
 * `pnpm verify-draw <base-url> <lottery-id>`: checks a published draw using nothing but the public
 * API, so anyone can run it against any fairdraw server. Prints VERIFIED and exits 0, or prints
 * each mismatch and exits 1; exits 2 when the record cannot be fetched at all.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type Mismatch, startVerification } from '@fairdraw/domain';

type Fetch = typeof fetch;

async function fetchOk(fetcher: Fetch, url: string): Promise<Response> {
  const response = await fetcher(url, { headers: { accept: 'application/json, text/plain' } });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response;
}

/** Fetches the lottery, its draw and its entries (streamed, never held whole) and checks them. */
export async function verifyDraw(baseUrl: string, lotteryId: string, fetcher: Fetch = fetch): Promise<Mismatch[]> {
  const lotteryUrl = `${baseUrl.replace(/\/+$/, '')}/lotteries/${encodeURIComponent(lotteryId)}`;
  const lottery: unknown = await (await fetchOk(fetcher, lotteryUrl)).json();
  const draw: unknown = await (await fetchOk(fetcher, `${lotteryUrl}/draw`)).json();
  const verification = startVerification(lottery, draw);
  // An undrawn lottery may not serve its entries yet (API.md: once closed); the verdict needs none.
  if (!verification.needsEntries) return verification.finish();
  const entries = await fetchOk(fetcher, `${lotteryUrl}/entries`);
  // fatal: bytes that are not UTF-8 cannot be canonical entries; better to stop than to guess.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  if (entries.body) {
    for await (const chunk of entries.body) verification.push(decoder.decode(chunk, { stream: true }));
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
