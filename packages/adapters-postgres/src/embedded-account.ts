import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The operating-system account the embedded server runs under: `null` for this process's own
 * user, or, when this process is root (PostgreSQL refuses to run as root), a "postgres" account,
 * created on first use.
 */
export interface ServerAccount {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

const NAME = 'postgres';

export async function serverAccount(): Promise<ServerAccount | null> {
  if (process.getuid?.() !== 0) return null;
  const found = await lookUp();
  if (found !== null) return found;
  try {
    await run('groupadd', ['--system', NAME]).catch(() => undefined); // it may exist without the user
    await run('useradd', ['--system', '--gid', NAME, '--no-create-home', '--shell', '/usr/sbin/nologin', NAME]);
  } catch (error) {
    throw new Error(
      `as root, embedded PostgreSQL runs as a "${NAME}" user, and creating it failed (${firstLine(error)}): ` +
        `create it (useradd --system ${NAME}), run as another user, or set DATABASE_URL`,
      { cause: error },
    );
  }
  const created = await lookUp();
  if (created === null) throw new Error(`the "${NAME}" user was created but cannot be found`);
  return created;
}

async function lookUp(): Promise<ServerAccount | null> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', NAME]), run('id', ['-g', NAME])]);
    return { name: NAME, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return null;
  }
}

/**
 * Whether `account` can enter (for a folder) or execute (for a file) `path`: every folder above
 * it must let the account through. Asked of the kernel as that account, with the same identity
 * (no supplementary groups) the server will have, so modes, ACLs and groups all count.
 */
export function canReach(path: string, account: ServerAccount | null): boolean {
  if (account === null) return true;
  const probe = spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', path], { uid: account.uid, gid: account.gid, stdio: 'ignore' });
  return probe.status === 0;
}

const firstLine = (error: unknown) =>
  String((error as { stderr?: unknown }).stderr || (error instanceof Error ? error.message : error))
    .trim()
    .split('\n')[0];
