/**
 * Real services for integration and e2e tests: a throwaway PostgreSQL 15 cluster and an in-memory Temporal
 * dev server, or the ones CI already runs (`TEST_DATABASE_URL`, `TEST_TEMPORAL_ADDRESS`).
 *
 * Used by scripts/test.ts (`npm test`), by tests through {@link createTestDatabase}, and by .ci/run as
 * `node scripts/test-services.ts serve <env-file>`, which starts both, writes `export TEST_…=…` lines to
 * <env-file>, and keeps them up until SIGTERM/SIGINT.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  findOnPath,
  parentDeathWrapper,
  pickPort,
  startEmbeddedTemporal,
  type TemporalLog,
} from '../server/embedded/temporal.ts';

export interface TestServices {
  /** A superuser URL on the server's `postgres` database; tests make their own with {@link createTestDatabase}. */
  databaseUrl: string;
  temporalAddress: string;
  /** Tears down what this call started (nothing when the addresses came from the environment). */
  stop(): Promise<void>;
}

const log: TemporalLog = {
  info: (msg) => console.error(`[test-services] ${msg}`),
  warn: (msg) => console.error(`[test-services] ${msg}`),
};

/**
 * Uses `TEST_DATABASE_URL` / `TEST_TEMPORAL_ADDRESS` when set; starts what is missing.
 *
 * @example
 * const services = await ensureServices();
 * try { ... } finally { await services.stop(); }
 */
export async function ensureServices(): Promise<TestServices> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s();
  };
  try {
    let databaseUrl = process.env.TEST_DATABASE_URL;
    if (!databaseUrl) {
      const postgres = await startPostgres();
      stops.push(postgres.stop);
      databaseUrl = postgres.url;
    }
    let temporalAddress = process.env.TEST_TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const temporal = await startEmbeddedTemporal({ dataDir: null, port: 0, log });
      stops.push(temporal.stop);
      temporalAddress = temporal.address;
    }
    let stopping: Promise<void> | undefined;
    return { databaseUrl, temporalAddress, stop: () => (stopping ??= stop()) };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Creates a uniquely named, empty database on the server at `baseUrl` and returns its URL.
 * `drop()` removes it, closing any connections a test left open.
 *
 * @example
 * const db = await createTestDatabase();
 * const orm = await MikroORM.init({ ...config, clientUrl: db.url });
 * afterAll(async () => { await orm.close(); await db.drop(); });
 */
export async function createTestDatabase(
  baseUrl: string | undefined = process.env.TEST_DATABASE_URL,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  if (!baseUrl) {
    throw new Error(
      'TEST_DATABASE_URL is not set. Run the tests with `npm test` (it starts PostgreSQL), ' +
        'or point TEST_DATABASE_URL at a PostgreSQL server whose user may CREATE DATABASE.',
    );
  }
  const name = `tradeloom_test_${randomBytes(6).toString('hex')}`;
  await withClient(baseUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  return {
    url: url.toString(),
    name,
    drop: () =>
      (dropping ??= withClient(baseUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      )),
  };
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** `PG_BINDIR`, else Debian's PostgreSQL 15, else the newest Debian PostgreSQL, else `initdb` on PATH. */
export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.PG_BINDIR, '/usr/lib/postgresql/15/bin'];
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v));
    versions.sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  const initdb = findOnPath('initdb', env);
  if (initdb) candidates.push(join(initdb, '..'));
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir;
  }
  throw new Error(
    'PostgreSQL server binaries not found (looked in $PG_BINDIR, /usr/lib/postgresql/*/bin and PATH). ' +
      'Install them with `apt-get install -y postgresql-15`, or set TEST_DATABASE_URL to an existing server.',
  );
}

/** As root, the uid/gid of the `postgres` user: initdb and postgres refuse to run as root. */
function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number.parseInt(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout, 10);
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new Error('Running as root, PostgreSQL needs the `postgres` user: `apt-get install -y postgresql-15` creates it.');
  }
  return { uid, gid };
}

/**
 * The argv prefix that runs a PostgreSQL program: as the `postgres` user when we are root, and with a
 * parent-death signal where asked. setpriv execs (no process in between) and sets the signal after dropping
 * privileges, so a killed test run leaves no server behind.
 */
function postgresCommandPrefix(parentDeathSignal?: 'INT'): string[] {
  const ids = postgresUserIds();
  const pdeath = parentDeathSignal ? parentDeathWrapper(parentDeathSignal) : [];
  if (!ids) return pdeath.length ? [...pdeath, '--'] : [];
  const setpriv = findOnPath('setpriv');
  if (!setpriv) return ['runuser', '-u', 'postgres', '--'];
  return [setpriv, `--reuid=${ids.uid}`, `--regid=${ids.gid}`, '--init-groups', ...pdeath.slice(1), '--'];
}

/** A throwaway cluster in a temp dir: trust auth, socket in the temp dir, durability off (tests only). */
async function startPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'tradeloom-pg-'));
  const data = join(dir, 'data');
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const ids = postgresUserIds();
    if (ids) chownSync(dir, ids.uid, ids.gid);
    const initdbArgs = ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'];
    const initdbArgv = [...postgresCommandPrefix(), join(bin, 'initdb'), ...initdbArgs];
    const init = spawnSync(initdbArgv[0], initdbArgv.slice(1), { encoding: 'utf8' });
    if (init.status !== 0) {
      throw new Error(`initdb failed (exit ${init.status}): ${init.error?.message ?? ''}\n${init.stdout}\n${init.stderr}`);
    }
  } catch (err) {
    cleanup();
    throw err;
  }

  const port = await pickPort(0);
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
  };
  const pgArgs = ['-D', data, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const argv = [...postgresCommandPrefix('INT'), join(bin, 'postgres'), ...pgArgs];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  // 'error' without 'exit' means the process never started.
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      output.push(String(err));
      resolve();
    });
  });
  void exit.then(() => (exited = true));
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (!exited) {
        child.kill('SIGINT'); // "fast" shutdown: disconnect clients, no wait
        const timeout = sleep(15_000, false, { ref: false });
        const graceful = await Promise.race([exit.then(() => true), timeout]);
        if (!graceful) {
          child.kill('SIGKILL');
          await exit;
        }
      }
      process.off('exit', killOnExit);
      cleanup();
    })());

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await withClient(url, (c) => c.query('SELECT 1'));
      break;
    } catch (err) {
      if (exited || Date.now() > deadline) {
        await stop();
        throw new Error(`PostgreSQL did not start on port ${port}: ${String(err)}\n${output.join('')}`);
      }
      await sleep(100);
    }
  }
  log.info(`PostgreSQL ready on 127.0.0.1:${port} (${bin}, data in ${data})`);
  return { url, stop };
}

/** `serve <env-file>`: for .ci/run, which sources the file and runs `npm test` against these services. */
async function serve(envFile: string | undefined): Promise<void> {
  const services = await ensureServices();
  const lines = [
    `export TEST_DATABASE_URL='${services.databaseUrl}'`,
    `export TEST_TEMPORAL_ADDRESS='${services.temporalAddress}'`,
    '',
  ].join('\n');
  if (envFile) {
    writeFileSync(`${envFile}.partial`, lines);
    renameSync(`${envFile}.partial`, envFile); // the reader never sees half a file
  } else {
    process.stdout.write(lines);
  }
  const shutdown = () => {
    void services.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  setInterval(() => {}, 1 << 30); // stay up until signalled
}

if (import.meta.main) {
  const [command, envFile] = process.argv.slice(2);
  if (command !== 'serve') {
    console.error('usage: node scripts/test-services.ts serve [env-file]');
    process.exit(2);
  }
  await serve(envFile).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
