import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApiClient } from './api-client.js';
import { type ApiProcess, startApi } from './api-process.js';
import { type Bench, freePort } from './context.js';
import { rssMb, startCpuMeter } from './cpu-meter.js';
import { startEmbeddedPostgres } from './fairdraw.js';
import { addresses } from './load.js';
import { runPhases } from './phases.js';
import { rowsOf, tableOf } from './report.js';
import { withClient } from './third-party.js';

const USAGE = `usage: pnpm bench [--large] [--profile] [--api-env NAME=VALUE ...]

Starts the service on a fresh embedded PostgreSQL in a temporary directory, loads it over
127.0.0.1 and prints one table (also written to bench/results/latest.json).
  --large    close and draw 10,000,000 ballots instead of 1,000,000
  --profile  run the API and the close/draw process with --cpu-prof (bench/results/profiles)
  --api-env  an extra environment variable for the API process (a what-if run; shown in the results)`;

const CONNECTIONS = 64;
const PARTICIPANTS = 200;
const results = fileURLToPath(new URL('../results/', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      large: { type: 'boolean' },
      profile: { type: 'boolean' },
      'api-env': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(USAGE);
  const log = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
  const profileDir = values.profile ? join(results, 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  const quiet = await backgroundLoad();
  log(`machine: ${cpus().length} cores; ${quiet.toFixed(2)} cores busy before the bench started`);
  const dataDir = await mkdtemp(join(tmpdir(), 'fairdraw-bench-'));
  const postgres = await startEmbeddedPostgres({ dataDir, passwordFile: `${dataDir}.password`, persistent: false });
  let api: ApiProcess | null = null;
  const cleanUp = async () => {
    await api?.stop();
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  try {
    const startedAt = new Date();
    const postmasterPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const extraEnv = Object.fromEntries(
      (values['api-env'] ?? []).map((pair) => [pair.split('=')[0] ?? '', pair.slice(pair.indexOf('=') + 1)]),
    );
    api = await startApi({ databaseUrl: postgres.url, port: await freePort(), cpuProfileDir: profileDir, extraEnv });
    const apiRssAtStartMb = rssMb(api.pid).rss;
    const nextAddress = addresses();
    const client = new ApiClient(api.url, nextAddress);
    const adminToken = await client.login(api.admin.username, api.admin.password);
    const participantPassword = 'bench-password-1';
    log(`registering ${PARTICIPANTS} participants`);
    const participants = await client.registerParticipants(PARTICIPANTS, participantPassword);
    const bench: Bench = {
      api,
      client,
      adminToken,
      participants,
      participantPassword,
      databaseUrl: postgres.url,
      postmasterPid,
      nextAddress,
      connections: CONNECTIONS,
      large: values.large === true,
      apiRssAtStartMb,
      profileDir,
      log,
    };
    const figures = await runPhases(bench);
    const rows = rowsOf(figures);
    const table = tableOf(rows);
    console.log(table);
    const postgresVersion = await withClient(
      postgres.url,
      async (c) => (await c.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0]?.v,
    );
    const machine = {
      cores: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: postgresVersion,
      busyCoresBeforeStart: quiet,
      loadAverageAtEnd: loadavg(),
    };
    mkdirSync(results, { recursive: true });
    const json = {
      startedAt,
      finishedAt: new Date(),
      machine,
      settings: api.settings,
      args: process.argv.slice(2),
      connections: CONNECTIONS,
      table,
      rows,
      figures,
    };
    writeFileSync(join(results, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
    log(`written to bench/results/latest.json; ${rows.filter((r) => r.verdict === 'MISS').length} target(s) missed`);
  } finally {
    await cleanUp();
  }
}

/** Cores busy over 3 s before anything starts: other people's work on a shared machine. */
async function backgroundLoad(): Promise<number> {
  const meter = startCpuMeter({});
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const share = meter.stop();
  return share.others + share.postgres + share.loadGenerator;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
