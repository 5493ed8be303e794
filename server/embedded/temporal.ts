/**
 * The embedded Temporal: the local dev server that `npm start` runs beside the app on a fresh machine,
 * and that the tests start in memory (scripts/test-services.ts).
 *
 * Where the `temporal` binary comes from, in order:
 * 1. `TEMPORAL_CLI_PATH`;
 * 2. `temporal` on PATH;
 * 3. the project's cache, `$XDG_CACHE_HOME/tradeloom/bin/temporal` (else `~/.cache/tradeloom/bin/temporal`);
 * 4. the Temporal SDK's own download (`cached-download`), which yields a running server, not a path;
 * 5. `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` into that cache, when Go is on PATH;
 * 6. otherwise an Error that says how to install it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';

/** v1.6+ of the CLI cannot be `go install`ed (replace directives), so this version is pinned. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

/** The subset of a pino logger (or `console`) this module writes to. */
export interface TemporalLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface EmbeddedTemporal {
  /** `host:port` of the frontend gRPC service, for `Connection.connect` / `NativeConnection.connect`. */
  address: string;
  namespace: string;
  /** Stops the server and waits for its process to exit. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface FindTemporalCliOptions {
  /** Environment to resolve from (PATH, TEMPORAL_CLI_PATH, XDG_CACHE_HOME, HOME). Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  log?: TemporalLog;
  /** Why the SDK download (step 4) failed, if it was tried: quoted in the final error. */
  sdkDownloadError?: string;
}

export interface StartEmbeddedTemporalOptions {
  /**
   * The app's data folder: the server's SQLite file is `<dataDir>/temporal/temporal.db`, so runs survive a
   * restart. `null` keeps everything in memory (tests).
   */
  dataDir: string | null;
  /** Frontend port. Default 7233; a free port is used instead when it is busy. `0` means any free port. */
  port?: number;
  /** Default `default`. */
  namespace?: string;
  log: TemporalLog;
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the server to answer. Default 90 s (a first start creates the SQLite schema). */
  readyTimeoutMs?: number;
}

const silent: TemporalLog = { info() {}, warn() {} };

/** The folder where the project caches the binary it builds: `<XDG_CACHE_HOME or ~/.cache>/tradeloom/bin`. */
export function temporalCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache');
  return join(base, 'tradeloom', 'bin');
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `which`, against the given environment's PATH. */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'go install';

/**
 * Steps 1–3 only: no download, no build. Throws when `TEMPORAL_CLI_PATH` is set but is not an executable,
 * because a setting the user made on purpose should not be silently passed over.
 */
export function locateTemporalCli(
  env: NodeJS.ProcessEnv = process.env,
): { path: string; source: TemporalCliSource } | undefined {
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutableFile(explicit)) {
      throw new Error(`TEMPORAL_CLI_PATH is set to ${explicit}, which is not an executable file.`);
    }
    return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }
  const onPath = findOnPath('temporal', env);
  if (onPath) return { path: onPath, source: 'PATH' };
  const cached = join(temporalCacheDir(env), 'temporal');
  if (isExecutableFile(cached)) return { path: cached, source: 'cache' };
  return undefined;
}

/** The command a person runs to install the CLI where step 3 finds it. */
export function goInstallCommand(env: NodeJS.ProcessEnv = process.env): string {
  return `GOBIN=${temporalCacheDir(env)} go install ${TEMPORAL_CLI_MODULE}`;
}

export function temporalCliMissingMessage(env: NodeJS.ProcessEnv = process.env, sdkDownloadError?: string): string {
  const lines = [
    'Tradeloom runs backtests on a local Temporal dev server, but the Temporal CLI (`temporal`) was not found.',
    `Looked at: $TEMPORAL_CLI_PATH (unset), \`temporal\` on PATH, ${join(temporalCacheDir(env), 'temporal')}.`,
  ];
  if (sdkDownloadError) lines.push(`The Temporal SDK's download of the server failed: ${sdkDownloadError}`);
  lines.push(
    'Go is not on PATH, so it could not be built automatically. Install Go (1.23 or newer) and run:',
    `  ${goInstallCommand(env)}`,
    'or set TEMPORAL_CLI_PATH to an existing `temporal` binary (v1.x).',
  );
  return lines.join('\n');
}

/**
 * Step 5: builds the CLI with Go into the cache folder, streaming Go's output to `log`.
 * Returns undefined when Go is not on PATH; throws when the build fails.
 */
export async function installTemporalCliWithGo(
  env: NodeJS.ProcessEnv = process.env,
  log: TemporalLog = silent,
): Promise<string | undefined> {
  const go = findOnPath('go', env);
  if (!go) return undefined;
  const bin = temporalCacheDir(env);
  mkdirSync(bin, { recursive: true });
  log.info(`building the Temporal CLI with Go (a few minutes, once)… [${goInstallCommand(env)}]`);
  const started = Date.now();
  const child = spawn(go, ['install', TEMPORAL_CLI_MODULE], {
    env: { ...env, GOBIN: bin },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = forwardLines(child, (line) => log.info(line));
  // `go install` is silent while it compiles; say it is still alive.
  const heartbeat = setInterval(() => {
    log.info(`still building the Temporal CLI (${Math.round((Date.now() - started) / 1000)} s)…`);
  }, 30_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearInterval(heartbeat));
  const built = join(bin, 'temporal');
  if (code !== 0 || !isExecutableFile(built)) {
    throw new Error(
      [
        `Building the Temporal CLI with Go failed (exit code ${code}):`,
        ...tail.lines(),
        `Run it yourself to see why: ${goInstallCommand(env)}`,
        'or set TEMPORAL_CLI_PATH to an existing `temporal` binary (v1.x).',
      ].join('\n'),
    );
  }
  log.info(`built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s: ${built}`);
  return built;
}

/**
 * Finds the `temporal` binary (steps 1–3, then 5); see the module comment. Step 4, the SDK's download, yields a
 * running server rather than a path, so {@link startEmbeddedTemporal} tries it between 3 and 5.
 *
 * @example
 * const cli = await findTemporalCli({ log: console });
 */
export async function findTemporalCli(opts: FindTemporalCliOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const found = locateTemporalCli(env);
  if (found) return found.path;
  const built = await installTemporalCliWithGo(env, opts.log ?? silent);
  if (built) return built;
  throw new Error(temporalCliMissingMessage(env, opts.sdkDownloadError));
}

/**
 * Starts a Temporal dev server and waits until it answers.
 *
 * @example
 * const temporal = await startEmbeddedTemporal({ dataDir: './data', log: logger });
 * const connection = await NativeConnection.connect({ address: temporal.address });
 * process.once('SIGTERM', () => void temporal.stop());
 */
export async function startEmbeddedTemporal(opts: StartEmbeddedTemporalOptions): Promise<EmbeddedTemporal> {
  const env = opts.env ?? process.env;
  const namespace = opts.namespace ?? 'default';
  const dbDir = opts.dataDir === null ? undefined : resolvePath(opts.dataDir, 'temporal');
  const dbFilename = dbDir && join(dbDir, 'temporal.db');
  if (dbDir) {
    mkdirSync(dbDir, { recursive: true });
    claimDataDir(dbDir);
  }
  try {
    const port = await pickPort(opts.port ?? 7233, opts.log);
    let cli = locateTemporalCli(env)?.path;
    if (!cli) {
      const sdk = await startWithSdkDownload({ env, namespace, port, dbFilename, log: opts.log });
      if ('server' in sdk) return withDataDirRelease(sdk.server, dbDir);
      opts.log.warn(`the Temporal SDK could not download the dev server: ${sdk.error}`);
      cli = await findTemporalCli({ env, log: opts.log, sdkDownloadError: sdk.error });
    }
    const found = cli;
    const spawnOn = (on: number) =>
      spawnDevServer({ cli: found, port: on, namespace, dbFilename, log: opts.log, env, readyTimeoutMs: opts.readyTimeoutMs ?? 90_000 });
    // The dev server picks its other ports (history, matching, worker, HTTP, metrics) itself, by binding
    // and releasing them, so another process can take one before it binds it again. It exited at start-up
    // once in CI, with many servers starting in parallel (its panic's first line, the cause, was not in the
    // error then; it is now). Such an exit is tried again, on a port picked afresh; a server that starts
    // but does not answer is not.
    let server: EmbeddedTemporal & { pid: number };
    for (let attempt = 1; ; attempt++) {
      try {
        server = await spawnOn(attempt === 1 ? port : await pickPort(opts.port ?? 7233, opts.log));
        break;
      } catch (err) {
        if (!(err instanceof ExitedDuringStartup) || attempt === startAttempts) throw err;
        opts.log.warn(`the Temporal dev server exited during start-up; trying again (${attempt + 1} of ${startAttempts}): ${err.firstLine}`);
      }
    }
    if (dbDir) writeFileSync(join(dbDir, 'server.pid'), `${server.pid}\n`);
    return withDataDirRelease(server, dbDir);
  } catch (err) {
    if (dbDir) releaseDataDir(dbDir);
    throw err;
  }
}

/** Two servers on one SQLite file would fight over its locks: the second start gets a clear error instead. */
function claimDataDir(dbDir: string): void {
  const pidFile = join(dbDir, 'server.pid');
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  } catch {
    return;
  }
  if (Number.isInteger(pid) && pid > 0 && isTemporalProcess(pid)) {
    throw new Error(
      `Another Temporal dev server (pid ${pid}) is already using ${dbDir}: stop the other Tradeloom first, ` +
        'or give this one its own data folder.',
    );
  }
}

function isTemporalProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start-dev');
  } catch {
    return true; // no /proc (macOS): a live pid is reason enough to stop
  }
}

function releaseDataDir(dbDir: string): void {
  rmSync(join(dbDir, 'server.pid'), { force: true });
}

function withDataDirRelease(server: EmbeddedTemporal, dbDir: string | undefined): EmbeddedTemporal {
  if (!dbDir) return server;
  return {
    address: server.address,
    namespace: server.namespace,
    stop: async () => {
      await server.stop();
      releaseDataDir(dbDir);
    },
  };
}

/** How many times a dev server that exits during start-up is started. */
const startAttempts = 3;

/** The dev server exited before it served: the message has its output; `firstLine`, the first of it. */
class ExitedDuringStartup extends Error {
  readonly firstLine: string;
  constructor(message: string, firstLine: string) {
    super(message);
    this.firstLine = firstLine;
  }
}

/** Resolves `preferred` when it is free on 127.0.0.1, otherwise a free port the OS picks. */
export async function pickPort(preferred: number, log: TemporalLog = silent): Promise<number> {
  if (preferred !== 0) {
    if (await listenProbe(preferred).then(() => true, () => false)) return preferred;
  }
  const port = await listenProbe(0);
  if (preferred !== 0) log.warn(`port ${preferred} is busy; the embedded Temporal uses port ${port} instead`);
  return port;
}

function listenProbe(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

async function startWithSdkDownload(o: {
  env: NodeJS.ProcessEnv;
  namespace: string;
  port: number;
  dbFilename: string | undefined;
  log: TemporalLog;
}): Promise<{ server: EmbeddedTemporal } | { error: string }> {
  o.log.info('Temporal CLI not found locally; trying the Temporal SDK download of the dev server…');
  // Loaded lazily: it pulls in the native core bridge, which only this fallback needs.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const pending = TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download', downloadDir: join(temporalCacheDir(o.env), 'sdk-download') },
      ip: '127.0.0.1',
      port: o.port,
      namespace: o.namespace,
      dbFilename: o.dbFilename,
      log: { format: 'pretty', level: 'error' },
    },
  });
  const timeoutMs = 180_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const result = await Promise.race([pending, timedOut]);
    if (result === 'timeout') {
      // If it does finish later, do not leave a server behind.
      pending.then((late) => late.teardown()).catch(() => {});
      return { error: `no answer within ${timeoutMs / 1000} s` };
    }
    let stopping: Promise<void> | undefined;
    return {
      server: {
        address: result.address,
        namespace: o.namespace,
        stop: () => (stopping ??= result.teardown()),
      },
    };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

let pdeathsigSupport: boolean | undefined;

/**
 * util-linux's `setpriv --pdeathsig` makes the kernel signal the server when this process dies, even by SIGKILL,
 * so a crashed app or test runner leaves no orphaned server. It execs, so the child's pid is the server's.
 */
export function parentDeathWrapper(signal: 'TERM' | 'INT', env: NodeJS.ProcessEnv = process.env): string[] {
  if (process.platform !== 'linux') return [];
  const setpriv = findOnPath('setpriv', env);
  if (!setpriv) return [];
  pdeathsigSupport ??= spawnSync(setpriv, ['--pdeathsig', 'TERM', '--', 'true'], { stdio: 'ignore' }).status === 0;
  return pdeathsigSupport ? [setpriv, '--pdeathsig', signal] : [];
}

async function spawnDevServer(o: {
  cli: string;
  port: number;
  namespace: string;
  dbFilename: string | undefined;
  log: TemporalLog;
  env: NodeJS.ProcessEnv;
  readyTimeoutMs: number;
}): Promise<EmbeddedTemporal & { pid: number }> {
  const address = `127.0.0.1:${o.port}`;
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(o.port)];
  args.push('--namespace', o.namespace, '--log-level', 'error');
  if (o.dbFilename) args.push('--db-filename', o.dbFilename);
  const wrapper = parentDeathWrapper('TERM', o.env);
  const argv = wrapper.length ? [...wrapper, '--', o.cli, ...args] : [o.cli, ...args];
  const child = spawn(argv[0], argv.slice(1), { env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });

  let stopRequested = false;
  // The server logs errors while it shuts down (closed transports); only report what happens while it runs.
  const tail = forwardLines(child, (line) => {
    if (!stopRequested && /level=ERROR/.test(line)) o.log.warn(`temporal: ${line}`);
  });
  let spawnError: Error | undefined;
  // 'error' without 'exit' means the process never started.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      spawnError = err;
      resolve();
    });
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  // 'close' comes once its output has been read too, which can be after 'exit'.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const killOnExit = () => {
    if (!hasExited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      stopRequested = true;
      if (!hasExited) {
        child.kill('SIGTERM');
        const timeout = sleep(15_000, false, { ref: false });
        const graceful = await Promise.race([exited.then(() => true), timeout]);
        if (!graceful) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      process.off('exit', killOnExit);
    })());

  try {
    await Promise.race([
      waitUntilServing(address, o.namespace, o.readyTimeoutMs, () => hasExited),
      exited.then(() => {
        throw spawnError ?? new Error('exited during start-up');
      }),
    ]);
  } catch (err) {
    // Before `stop`, which ends a server that never answered too.
    const exitedEarly = hasExited && !spawnError;
    await stop();
    // The whole output in the message, but never held up by a stream that does not end.
    await Promise.race([closed, sleep(2_000, undefined, { ref: false })]);
    const reason = err instanceof Error ? err.message : String(err);
    const message = [`The Temporal dev server (${o.cli}) did not start on ${address}: ${reason}`, ...tail.lines()].join('\n');
    throw exitedEarly ? new ExitedDuringStartup(message, tail.lines()[0]?.trim() ?? '(no output)') : new Error(message);
  }
  o.log.info(`Temporal dev server ready on ${address} (${o.dbFilename ? `state in ${o.dbFilename}` : 'in memory'})`);
  return { address, namespace: o.namespace, pid: child.pid ?? 0, stop };
}

/** Waits until the frontend answers and the namespace exists: the server is usable, not just listening. */
async function waitUntilServing(
  address: string,
  namespace: string,
  timeoutMs: number,
  gaveUp: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline && !gaveUp()) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      last = err;
    } finally {
      await connection?.close().catch(() => {});
    }
    await sleep(250);
  }
  if (gaveUp()) throw new Error('exited during start-up');
  throw new Error(`no answer within ${timeoutMs / 1000} s (${last instanceof Error ? last.message : String(last)})`);
}

/**
 * Hands each output line to `onLine` and keeps the first few and the last few for error messages: a Go
 * panic says what went wrong in its first line and then prints a long stack.
 */
function forwardLines(child: ChildProcess, onLine: (line: string) => void): { lines(): string[] } {
  const head: string[] = [];
  const kept: string[] = [];
  let dropped = 0;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.trim()) keep(line);
    });
    stream.on('end', () => {
      if (partial.trim()) keep(partial);
    });
  }
  function keep(line: string): void {
    if (head.length < 5) head.push(line);
    else {
      kept.push(line);
      if (kept.length > 25) {
        kept.shift();
        dropped++;
      }
    }
    onLine(line);
  }
  return { lines: () => [...head, ...(dropped ? [`… ${dropped} more lines …`] : []), ...kept].map((line) => `  ${line}`) };
}
