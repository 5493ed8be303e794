/**
 * Real services for integration and e2e tests: a throwaway PostgreSQL 15 cluster and an in-memory Temporal
 * dev server, or the ones CI already runs (`TEST_DATABASE_URL`, `TEST_TEMPORAL_ADDRESS`).
 *
 * Used by scripts/test.ts (`npm test`), by tests through {@link createTestDatabase}, and by .ci/run as
 * `node scripts/test-services.ts serve <env-file>`, which starts both, writes `export TEST_…=…` lines to
 * <env-file>, and keeps them up until SIGTERM/SIGINT.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { startEmbeddedTemporal, type TemporalLog } from '../server/embedded/temporal.ts';
import { initPostgresCluster, withClient } from './postgres-cluster.ts';

export { postgresBinDir } from './postgres-cluster.ts';

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

/** The shared test cluster: a fresh one that lives until `stop()`, which also deletes its data. */
async function startPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const cluster = await initPostgresCluster({ log });
  try {
    await cluster.start();
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
  return { url: cluster.url, stop: () => cluster.destroy() };
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
