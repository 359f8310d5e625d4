import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HOW_TO_MAKE_ONE } from './secret-strength.js';

/**
 * In embedded mode a missing JWT_SECRET is generated once and kept under DATA_DIR, so tokens
 * survive restarts; against an external database it must be given.
 */
export async function jwtSecret(given: string | undefined, embedded: boolean, dataDir: string): Promise<string> {
  if (given !== undefined) return given;
  if (!embedded) throw new Error(`JWT_SECRET is required when DATABASE_URL is set (32 random bytes): ${HOW_TO_MAKE_ONE}`);
  const file = join(dataDir, 'jwt-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
    return (await readFile(file, 'utf8')).trim();
  }
}

/** Separate keys per purpose, so one leaked derived key says nothing about the others. */
export function deriveKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`fairdraw:${purpose}`).digest();
}
