import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, ensureServices, type TestServices } from '../scripts/test-services.ts';

/** The whole product started for one e2e test file: the real server on a free port, a fresh database. */
export interface RunningApp {
  url: string;
  /** The server's recent output, for failure messages. */
  output(): string;
  /** Stop the server process and start a new one on the same port, database and data directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

interface ServerProcess {
  exited(): boolean;
  /** SIGTERM, then SIGKILL after 15 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, '..');

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let latest = st.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** `vite build` when dist/ is missing or older than anything the bundle is made from. */
export function ensureEditorBuilt(): void {
  const index = join(root, 'dist', 'index.html');
  const sources = ['editor', 'nodes', 'engine', 'vite.config.ts'].map((p) => join(root, p)).filter(existsSync);
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newest))) return;
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Build the editor if needed, then start `node server/main.ts` against a uniquely named database on
 * TEST_DATABASE_URL's server and Temporal at TEST_TEMPORAL_ADDRESS (both started here when unset, e.g.
 * when running `npx vitest run --project e2e` directly), and wait until /api/health says ok.
 */
export async function startApp(): Promise<RunningApp> {
  ensureEditorBuilt();
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  };
  try {
    let services: TestServices | undefined;
    if (!process.env.TEST_DATABASE_URL || !process.env.TEST_TEMPORAL_ADDRESS) {
      services = await ensureServices();
      cleanups.push(() => services!.stop());
    }
    const db = await createTestDatabase(services?.databaseUrl ?? process.env.TEST_DATABASE_URL);
    cleanups.push(() => db.drop());
    const dataDir = mkdtempSync(join(tmpdir(), 'tradeloom-e2e-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

    const port = await freePort();
    const output: string[] = [];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: services?.temporalAddress ?? process.env.TEST_TEMPORAL_ADDRESS,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      // Each app polls its own task queue: apps sharing one Temporal server must never run each other's
      // workflows against the wrong database. Kept across a restart, so a run survives it.
      TEMPORAL_TASK_QUEUE: process.env.TEMPORAL_TASK_QUEUE ?? `e2e-${process.pid}-${port}`,
    };
    const url = `http://127.0.0.1:${port}`;
    let server = await startServer(env, url, output);
    cleanups.push(() => server.stop());
    const restart = async () => {
      await server.stop();
      output.push('\n--- restarted ---\n');
      server = await startServer(env, url, output);
    };
    return { url, output: () => output.join(''), restart, stop: cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Start `node server/main.ts` and wait until /api/health says ok. */
async function startServer(env: NodeJS.ProcessEnv, url: string, output: string[]): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['server/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => (exited = true));
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    if (!(await Promise.race([exit.then(() => true), sleep(15_000, false)]))) {
      child.kill('SIGKILL');
      await exit;
    }
  };
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exited) throw new Error(`the server exited during start:\n${output.join('')}`);
    const health = await fetch(`${url}/api/health`).then((r) => r.json() as Promise<{ status?: string }>, () => undefined);
    if (health?.status === 'ok') break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server was not healthy within 3 minutes:\n${output.join('')}`);
    }
    await sleep(250);
  }
  return { exited: () => exited, stop };
}
