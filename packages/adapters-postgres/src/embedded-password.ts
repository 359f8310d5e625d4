import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The embedded server's superuser password: random, made when the cluster is set up (or when
 * the file is missing, as for a cluster from a version that used a fixed password), and kept in
 * a file of mode 0600 beside the other secrets under DATA_DIR.
 */
export const newPassword = () => randomBytes(32).toString('base64url');

export async function readPassword(file: string): Promise<string | null> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  const password = text?.trim() ?? '';
  return password === '' ? null : password;
}

/** Written aside with mode 0600 and renamed into place: never readable by others, never half written. */
export async function writePassword(file: string, password: string): Promise<void> {
  const partial = `${file}.partial-${randomBytes(4).toString('hex')}`;
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(partial, `${password}\n`, { mode: 0o600, flag: 'wx' });
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802, RFC 7677). Handed to
 * ALTER ROLE instead of the password, which therefore never reaches the server or its logs.
 * `password` is ASCII (base64url), so SASLprep leaves it as it is.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
