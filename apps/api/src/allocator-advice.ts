/**
 * glibc keeps a freed block larger than its (rising) mmap threshold in the arena of the thread
 * that freed it: each of libuv's threads that ran an argon2 hash then holds its 19 MiB after
 * the login burst is over, ~80 MB for the 4 threads (docs/benchmarks.md, "API RSS"). Only the
 * environment the process starts with can change that, so `npm start` and the Docker image set
 * MALLOC_MMAP_THRESHOLD_; a process started some other way is told at start-up.
 */
export function allocatorAdvice(env: NodeJS.ProcessEnv, usesGlibc: boolean): string | null {
  if (!usesGlibc) return null;
  const tuned =
    env.MALLOC_MMAP_THRESHOLD_ !== undefined || env.MALLOC_ARENA_MAX !== undefined || (env.GLIBC_TUNABLES ?? '').includes('glibc.malloc.');
  if (tuned) return null;
  return (
    'MALLOC_MMAP_THRESHOLD_ is not set: after a burst of logins each libuv thread keeps its 19 MiB argon2 buffer ' +
    '(~80 MB of RSS). Start the API with `npm start`, the Docker image, or MALLOC_MMAP_THRESHOLD_=131072 in its environment.'
  );
}

/** Whether this Node runs on glibc (Alpine's musl and other systems behave differently). */
export function runsOnGlibc(): boolean {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return typeof header?.glibcVersionRuntime === 'string';
}
