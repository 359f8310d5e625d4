/**
 * The BLS code the /verify page runs, served by the service itself (no CDN): @noble/curves and
 * @noble/hashes, the audited libraries the domain verifies beacons with, as their own ES modules.
 * The one bare import between them (@noble/hashes/…) is rewritten to this route, so a browser
 * loads them without an import map. Only .js files inside the two packages are served.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VERIFY_ASSETS = '/verify/assets';

const PACKAGES: Readonly<Record<string, string>> = {
  'noble-curves': dirname(fileURLToPath(import.meta.resolve('@noble/curves/bls12-381.js'))),
  'noble-hashes': dirname(fileURLToPath(import.meta.resolve('@noble/hashes/sha2.js'))),
};

const SAFE_PATH = /^(?:[a-z0-9_-]+\/)*[a-z0-9_.-]+\.js$/;
const BARE_HASHES = /^((?:import|export)\b[^'"\n]*?\bfrom\s*)(['"])@noble\/hashes\//gm;

const cache = new Map<string, string>();

/** The module at `path` of `pkg`, ready for a browser; null for anything else. */
export async function verifyAsset(pkg: string, path: string): Promise<string | null> {
  const root = PACKAGES[pkg];
  if (root === undefined || !SAFE_PATH.test(path) || path.split('/').includes('..')) return null;
  const file = join(root, path);
  if (relative(root, file).startsWith('..')) return null;
  const key = `${pkg}/${path}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  try {
    const text = (await readFile(file, 'utf8')).replace(BARE_HASHES, `$1$2${VERIFY_ASSETS}/noble-hashes/`);
    cache.set(key, text);
    return text;
  } catch {
    return null;
  }
}
