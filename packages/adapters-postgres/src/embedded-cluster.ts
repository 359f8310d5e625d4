import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, realpath, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { canReach, type ServerAccount } from './embedded-account.js';
import { type Binaries, binary, serviceHome } from './embedded-binaries.js';
import { scramVerifier } from './embedded-password.js';
import { lcMessages, runAs } from './embedded-process.js';

export const SUPERUSER = 'postgres';

export const isInitialised = (clusterDir: string) => existsSync(join(clusterDir, 'PG_VERSION'));

/**
 * Where the cluster of `dataDir` lives: in `dataDir` itself whenever the server's account can
 * reach it (always, unless this process is root). As root in a folder the "postgres" account
 * cannot enter, in `homeDir`/clusters/<key>/data instead, the key derived from the real path of
 * `dataDir`, so every start of one clone (API and worker alike) finds the same cluster and two
 * clones never share one.
 */
export async function clusterLocation(dataDir: string, account: ServerAccount | null, homeDir: string): Promise<string> {
  const parent = dirname(dataDir);
  await mkdir(parent, { recursive: true });
  if (canReach(parent, account)) return dataDir;
  if (isInitialised(dataDir)) {
    throw new Error(
      `the "${account?.name}" user can no longer enter ${parent}, which holds the embedded database: ` +
        'give it back the right to enter (chmod o+x) every folder above it, or move DATA_DIR where it can',
    );
  }
  const key = createHash('sha256')
    .update(join(await realpath(parent), basename(dataDir)))
    .digest('hex')
    .slice(0, 16);
  const clusters = join(await serviceHome(homeDir, account), 'clusters');
  const home = join(clusters, key);
  await mkdir(home, { recursive: true });
  // Whatever the umask: the account must be able to enter both (the data folder inside is its own, 0700).
  for (const folder of [clusters, home]) await chmod(folder, 0o755);
  // For the operator who finds the folder: whose database it is.
  await writeFile(join(home, 'owner'), `${join(await realpath(parent), basename(dataDir))}\n`);
  return join(home, 'data');
}

/** Creates the cluster, owned by the server's account, with no way in until `allowOnlyPassword` runs. */
export async function initialiseCluster(
  binaries: Binaries,
  clusterDir: string,
  account: ServerAccount | null,
  options: { durable: boolean },
): Promise<void> {
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  if (account !== null) await chown(clusterDir, account.uid, account.gid);
  await runAs(account, binary(binaries, 'initdb'), [
    `--pgdata=${clusterDir}`,
    `--username=${SUPERUSER}`,
    '--auth=reject',
    `--lc-messages=${lcMessages()}`,
    // A throwaway cluster (tests) need not wait for its files to reach the disk.
    ...(options.durable ? [] : ['--no-sync']),
  ]);
}

/**
 * The only way in: the superuser, by its password (SCRAM), over TCP from 127.0.0.1. Rewritten
 * at every start, so a cluster initialised by an older version (which let the Unix socket in
 * too, and `::1`) gets the same rules; the server also runs without a Unix socket.
 */
export async function allowOnlyPassword(clusterDir: string, account: ServerAccount | null): Promise<void> {
  const file = join(clusterDir, 'pg_hba.conf');
  const partial = `${file}.partial`;
  await writeFile(
    partial,
    '# Written by fairdraw at every start: only the superuser, with its generated password, over TCP from 127.0.0.1.\n' +
      `host all ${SUPERUSER} 127.0.0.1/32 scram-sha-256\n`,
    { mode: 0o600 },
  );
  if (account !== null) await chown(partial, account.uid, account.gid);
  await rename(partial, file);
}

/**
 * Sets the superuser's password in single-user mode (the server must not be running): the owner
 * of the files needs no old password, so this sets the first one, replaces the fixed password
 * of an older version, and recovers a lost password file alike. Only the verifier is sent.
 */
export async function setSuperuserPassword(
  binaries: Binaries,
  clusterDir: string,
  account: ServerAccount | null,
  password: string,
): Promise<void> {
  const statement = `ALTER ROLE ${SUPERUSER} WITH PASSWORD '${scramVerifier(password)}';\n`;
  const output = await runAs(
    account,
    binary(binaries, 'postgres'),
    [
      '--single',
      '-D',
      clusterDir,
      '-c',
      'listen_addresses=',
      '-c',
      'unix_socket_directories=',
      '-c',
      'log_min_messages=warning',
      'postgres',
    ],
    statement,
  );
  if (/ERROR|FATAL/.test(output)) throw new Error(`setting the embedded superuser's password failed: ${output.trim()}`);
}
