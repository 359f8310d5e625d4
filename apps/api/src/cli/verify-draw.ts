/**
 * `pnpm verify-draw [--relay <url>]... <base-url> <lottery-id>`: checks a published draw using
 * nothing but the public API, so anyone can run it against any fairdraw server. A fairdraw-v2
 * draw's beacon is checked against chain info the verifier trusts: quicknet's is built in, and
 * `--relay` fetches any other chain's from a drand relay of the verifier's choosing (accepted only
 * when it hashes to the lottery's chain hash). Prints VERIFIED and exits 0, or prints each
 * mismatch and exits 1; exits 2 when the record cannot be fetched at all.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createFairdrawClient } from '@fairdraw/client';
import { acceptChainInfo, type BeaconChain, type Mismatch, startVerification } from '@fairdraw/domain';

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
export async function verifyDraw(
  baseUrl: string,
  lotteryId: string,
  fetcher: Fetch = fetch,
  relays: readonly string[] = [],
): Promise<Mismatch[]> {
  const api = createFairdrawClient({ baseUrl, fetch: fetcher });
  const path = { id: lotteryId };
  const lotteryPath = `${baseUrl.replace(/\/+$/, '')}/lotteries/${encodeURIComponent(lotteryId)}`;
  const lottery: unknown = ok(lotteryPath, await api.GET('/lotteries/{id}', { params: { path } }));
  const draw: unknown = ok(`${lotteryPath}/draw`, await api.GET('/lotteries/{id}/draw', { params: { path } }));
  const chains = await trustedChains(lottery, relays, fetcher);
  const verification = startVerification(lottery, draw, { chains });
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

/** The lottery's chain, from the first relay whose chain info hashes to the lottery's chain hash. */
async function trustedChains(lottery: unknown, relays: readonly string[], fetcher: Fetch): Promise<Map<string, BeaconChain>> {
  const chainHash = (lottery as { beacon?: { chain_hash?: unknown } | null } | null)?.beacon?.chain_hash;
  const chains = new Map<string, BeaconChain>();
  if (typeof chainHash !== 'string' || !/^[0-9a-f]{64}$/.test(chainHash)) return chains;
  for (const relay of relays) {
    try {
      const url = `${relay.replace(/\/+$/, '')}/${chainHash}/info`;
      const response = await fetcher(url, { headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
      const info = acceptChainInfo(await response.json(), chainHash);
      if ('problem' in info) {
        process.stderr.write(`relay ${relay}: ${info.problem}\n`);
        continue;
      }
      chains.set(chainHash, info);
      break;
    } catch (error) {
      process.stderr.write(`relay ${relay}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return chains;
}

const USAGE = 'usage: pnpm verify-draw [--relay <drand-relay-url>]... <base-url> <lottery-id>\n';

export async function main(argv: readonly string[]): Promise<number> {
  const relays: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--relay' && argv[i + 1] !== undefined) relays.push(argv[++i] ?? '');
    else rest.push(argv[i] ?? '');
  }
  const [baseUrl, lotteryId] = rest;
  if (baseUrl === undefined || lotteryId === undefined || rest.length !== 2) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    const mismatches = await verifyDraw(baseUrl, lotteryId, fetch, relays);
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
