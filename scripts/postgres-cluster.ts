/**
 * Throwaway PostgreSQL clusters for tests: `initdb` into a temp dir, then start and stop the server as
 * often as a test needs (a fault test stops it mid-run and starts it again on the same port and data).
 * scripts/test-services.ts starts the shared test cluster with it; tests that need to stop a server
 * start their own with it instead of touching the shared one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { findOnPath, parentDeathWrapper, pickPort, type TemporalLog } from '../server/embedded/temporal.ts';

export interface PostgresCluster {
  /** The temp dir holding the data dir and the server's socket; removed by `destroy()`. */
  readonly dir: string;
  /** The port of the last start (kept across `stop()`, so a restart binds the same one). */
  readonly port: number | undefined;
  /** A superuser URL on the `postgres` database, for the last start's port. */
  readonly url: string;
  readonly running: boolean;
  /** Start the server and wait until it answers; `port` 0 or absent picks the last port, else a free one. */
  start(port?: number): Promise<void>;
  /** Fast shutdown (SIGINT): active sessions are terminated with 57P01, no waiting for clients. Keeps the data. */
  stop(): Promise<void>;
  /** Stop, then delete the data. */
  destroy(): Promise<void>;
}

const silent: TemporalLog = { info() {}, warn() {} };

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

/** Run one query on a fresh connection (no pool), closing it whatever happens. */
export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * `initdb` a new cluster in a temp dir: trust auth, socket in the temp dir, durability off (tests only;
 * a fast shutdown still writes a clean checkpoint, so nothing committed is lost across `stop()`/`start()`).
 *
 * @example
 * const cluster = await initPostgresCluster();
 * await cluster.start();
 * try { ... await cluster.stop(); await cluster.start(); ... } finally { await cluster.destroy(); }
 */
export async function initPostgresCluster(options: { log?: TemporalLog } = {}): Promise<PostgresCluster> {
  const log = options.log ?? silent;
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'tradeloom-pg-'));
  const data = join(dir, 'data');
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const ids = postgresUserIds();
    if (ids) chownSync(dir, ids.uid, ids.gid);
    const initdbArgs = ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'];
    const initdbArgv = [...postgresCommandPrefix(), join(bin, 'initdb'), ...initdbArgs];
    const init = spawnSync(initdbArgv[0]!, initdbArgv.slice(1), { encoding: 'utf8' });
    if (init.status !== 0) {
      throw new Error(`initdb failed (exit ${init.status}): ${init.error?.message ?? ''}\n${init.stdout}\n${init.stderr}`);
    }
  } catch (err) {
    cleanup();
    throw err;
  }

  let port: number | undefined;
  let server: { stop(): Promise<void>; exited: () => boolean } | undefined;
  let destroyed = false;

  const stop = async () => {
    const s = server;
    server = undefined;
    await s?.stop();
  };

  const start = async (requested = 0) => {
    if (destroyed) throw new Error('this PostgreSQL cluster was destroyed');
    if (server) throw new Error(`PostgreSQL is already running on port ${port}`);
    port = requested || port || (await pickPort(0));
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
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
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
    const stopThis = () =>
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
      })());
    server = { stop: stopThis, exited: () => exited };

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
  };

  return {
    dir,
    get port() {
      return port;
    },
    get url() {
      if (port === undefined) throw new Error('the cluster has not been started yet');
      return `postgres://postgres@127.0.0.1:${port}/postgres`;
    },
    get running() {
      return server !== undefined && !server.exited();
    },
    start,
    stop,
    async destroy() {
      destroyed = true;
      await stop();
      cleanup();
    },
  };
}
