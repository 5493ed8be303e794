import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { registry } from '../../nodes/index.ts';
import { initPostgresCluster, withClient, type PostgresCluster } from '../../scripts/postgres-cluster.ts';
import { createApp } from '../../server/app.ts';
import { createCustomNodeHost } from '../../server/custom-registry.ts';
import { LOCAL_OWNER } from '../../server/db/entities.ts';
import { openDatabase, type Orm } from '../../server/db/orm.ts';
import { parentDeathWrapper, startEmbeddedTemporal } from '../../server/embedded/temporal.ts';
import { connectTemporal } from '../../server/temporal.ts';

const root = join(import.meta.dirname, '..', '..');

/** One line a worker logged (pino JSON), as parsed. */
export type LogRecord = Record<string, unknown> & { msg?: string; level?: number };

/** A standalone worker process (`node workflows/standalone.ts`, what `npm run worker` runs). */
export interface WorkerProcess {
  name: string;
  pid: number;
  /** Stop it (SIGTERM, then SIGKILL after 10 s) and wait until it is gone. */
  stop(): Promise<void>;
  exited(): boolean;
}

/**
 * Everything the trading benchmark runs, started as on a fresh machine: a PostgreSQL 15 cluster of its own,
 * the local Temporal dev server from the cached CLI with its SQLite file (what `npm start` embeds), the
 * API app on a free port, and standalone worker processes on demand.
 */
export interface TradingStack {
  /** http://127.0.0.1:port of the API. */
  url: string;
  orm: Orm;
  /** A Temporal client for what the API does not expose: histories, and terminating leftovers. */
  client: Client;
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  /** Process ids to read CPU and memory from: the Temporal server, PostgreSQL's postmaster. */
  pids: { temporal: number; postgres: number; self: number };
  /** Every record the workers logged whose `msg` is in `keep` (see {@link startTradingStack}). */
  records: LogRecord[];
  startWorker(name: string): Promise<WorkerProcess>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Worker log level: `debug` turns on the per-order "order sent" record the latency phase reads. */
  workerLogLevel: 'debug' | 'info' | 'warn';
  /** Log messages to keep from the workers' output. */
  keep: string[];
  progress: (line: string) => void;
}

/**
 * Start the stack. On any failure everything already started is stopped before the error is thrown,
 * and `stop()` is safe to call more than once.
 */
export async function startTradingStack(options: StackOptions): Promise<TradingStack> {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const step of cleanups.splice(0).reverse()) {
        try {
          await step();
        } catch (err) {
          console.error(`cleanup step failed: ${(err as Error).message}`);
        }
      }
    })());
  try {
    const say = options.progress;
    const silent = { info() {}, warn: (m: string) => say(`temporal: ${m}`) };

    say('starting PostgreSQL 15 (initdb into a temp dir)');
    const cluster: PostgresCluster = await initPostgresCluster();
    cleanups.push(() => cluster.destroy());
    await cluster.start();
    await withClient(cluster.url, (c) => c.query('CREATE DATABASE tradeloom_bench'));
    const databaseUrl = cluster.url.replace(/\/postgres$/, '/tradeloom_bench');
    const postgresPid = Number(readFileSync(join(cluster.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);

    say('starting the Temporal dev server (cached CLI, SQLite file in a temp dir)');
    const dataDir = mkdtempSync(join(tmpdir(), 'tradeloom-bench-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const temporal = await startEmbeddedTemporal({ dataDir, port: 0, log: silent });
    cleanups.push(() => temporal.stop());
    const temporalPid = Number(readFileSync(join(dataDir, 'temporal', 'server.pid'), 'utf8').trim());
    const taskQueue = `bench-trading-${process.pid}`;

    say('opening the database (migrations) and starting the API');
    const log = pino({ level: 'warn' });
    const { orm } = await openDatabase({ databaseUrl, dataDir });
    cleanups.push(() => orm.close());
    const gateway = await connectTemporal({ address: temporal.address, namespace: 'default', taskQueue });
    cleanups.push(() => gateway.close());
    const customNodes = createCustomNodeHost({ base: registry, log });
    cleanups.push(() => customNodes.close());
    const app = createApp({ orm, dbKind: 'postgresql', registry, customNodes, temporal: gateway, log, owner: LOCAL_OWNER });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    cleanups.push(() => new Promise((done) => server.close(() => done(undefined))));
    await new Promise<void>((resolve, reject) => {
      if (server.listening) resolve();
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });

    const records: LogRecord[] = [];
    const keep = new Set(options.keep);

    const startWorker = async (name: string): Promise<WorkerProcess> => {
      const env = { ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: options.workerLogLevel, DATA_DIR: dataDir };
      // The parent-death signal takes the worker down with the benchmark, even if the benchmark is killed.
      const wrapper = parentDeathWrapper('TERM');
      const argv = wrapper.length ? [...wrapper, '--', process.execPath, 'workflows/standalone.ts'] : [process.execPath, 'workflows/standalone.ts'];
      const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const tail: string[] = [];
      const remember = (line: string) => {
        tail.push(line);
        if (tail.length > 40) tail.shift();
      };
      let exited = false;
      const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      void exit.then(() => (exited = true));
      let ready: () => void;
      const running = new Promise<void>((resolve) => (ready = resolve));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let record: LogRecord | undefined;
        try {
          record = JSON.parse(line) as LogRecord;
        } catch {
          remember(line);
          return;
        }
        if (record.msg === 'standalone backtest worker running') ready();
        if (record.msg && keep.has(record.msg)) records.push({ ...record, worker: name });
        else remember(line);
      });
      createInterface({ input: child.stderr! }).on('line', remember);
      const stopWorker = async () => {
        if (exited) return;
        child.kill('SIGTERM');
        if (!(await Promise.race([exit.then(() => true), sleep(10_000, false, { ref: false })]))) {
          child.kill('SIGKILL');
          await exit;
        }
      };
      cleanups.push(stopWorker);
      // Unref'd timers: a race's losing timeout must not keep the benchmark alive after it finished.
      const started = await Promise.race([running.then(() => true), exit.then(() => false), sleep(180_000, false, { ref: false })]);
      if (!started) {
        await stopWorker();
        throw new Error(`worker ${name} did not start:\n${tail.join('\n')}`);
      }
      return { name, pid: child.pid!, stop: stopWorker, exited: () => exited };
    };

    return { url, orm, client, databaseUrl, temporalAddress: temporal.address, taskQueue, pids: { temporal: temporalPid, postgres: postgresPid, self: process.pid }, records, startWorker, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** JSON over HTTP to the API; a 429 is waited out (its Retry-After) and retried, and counted in `refused`. */
export async function api<T = any>(url: string, method: string, path: string, body?: unknown, refused?: { count: number }): Promise<{ status: number; json: T }> {
  for (;;) {
    const res = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status === 429) {
      const ms = (Number(res.headers.get('retry-after')) || 1) * 1000 + 100;
      if (refused) refused.count++;
      await sleep(ms);
      continue;
    }
    return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
  }
}
