import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Telling "the database is unreachable right now" apart from every other database error. During a
 * PostgreSQL restart or a network cut the `pg` driver and MikroORM 7 throw a handful of shapes, none of
 * them a common class (MikroORM's PostgreSQL converter never produces a `ConnectionException`):
 * - a socket error with a Node code, as a `DriverException` from reads or a plain `Error` from flushes
 *   and raw queries: `connect ECONNREFUSED 127.0.0.1:5432` (code `ECONNREFUSED`);
 * - a server error with a SQLSTATE: `57P01` admin_shutdown ("terminating connection due to administrator
 *   command", sent to every session on a fast shutdown), `57P03` cannot_connect_now ("the database
 *   system is starting up" / "shutting down"), class `08` connection exceptions, `53300` too many
 *   connections;
 * - a plain `Error` from pg or pg-pool with only a message: "Connection terminated unexpectedly", "Client
 *   has encountered a connection error and is not queryable" (a transaction whose connection died),
 *   "timeout exceeded when trying to connect" (no pooled connection within `connectionTimeoutMillis`).
 * Only the error itself is inspected, not its `cause` chain: `fetch` wraps its socket errors in a cause,
 * and a webhook receiver that refuses connections must not read as a database outage.
 */

/** Node socket error codes that mean the server could not be reached or the connection broke. */
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EAI_AGAIN', 'ENOTFOUND']);

/** SQLSTATEs of an unreachable or restarting server (class 08 is matched by prefix). */
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300']);

/** pg and pg-pool messages that carry no code. */
const driverMessages = [
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^timeout exceeded when trying to connect/,
];

/** True when `err` says the database cannot be reached right now; a retry later may succeed. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (socketCodes.has(code) || unavailableSqlStates.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  return driverMessages.some((re) => re.test(err.message));
}

/** The pool options that keep an outage from hanging callers (see openDatabase). */
export const poolTimeouts = {
  /** A request waits at most this long for a connection (new or pooled) before it fails as unavailable. */
  connectionTimeoutMillis: 5_000,
  /** TCP keepalive, so a connection to a host that vanished without closing it is noticed. */
  keepAlive: true,
} as const;

/** Seconds a client should wait before retrying while the database is unavailable (the Retry-After header). */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Run `write` and, while the database is unavailable, run it again every `intervalMs` until `maxWaitMs`
 * has passed; then the last error is thrown. For a write whose result is expensive to recompute (a
 * finished backtest), so a short outage delays it instead of failing the work. `write` must be safe to
 * repeat (a transaction that either committed or did not), and start from a fresh entity manager each
 * time: a failed try can leave the rows it inserted in its manager's identity map as if stored
 * (`storeRunResult`). `onWait` runs before each pause, e.g. to heartbeat an activity.
 *
 * @example
 * await whileUnavailable(() => orm.em.fork().transactional(save), { onWait: () => ctx.heartbeat() });
 */
export async function whileUnavailable<T>(write: () => Promise<T>, options: { maxWaitMs?: number; intervalMs?: number; onWait?: (err: Error) => void } = {}): Promise<T> {
  const deadline = Date.now() + (options.maxWaitMs ?? 60_000);
  const interval = options.intervalMs ?? 1_000;
  for (;;) {
    try {
      return await write();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() + interval > deadline) throw err;
      options.onWait?.(err as Error);
      await sleep(interval);
    }
  }
}

/**
 * A logger for requests refused during an outage: the first one is logged, then at most one line per
 * `everyMs` with how many were refused meanwhile, so an outage under load does not flood the log.
 */
export function outageLogger(warn: (fields: Record<string, unknown>, message: string) => void, everyMs = 10_000) {
  let lastAt = -Infinity;
  let suppressed = 0;
  return (path: string, err: Error) => {
    const now = Date.now();
    if (now - lastAt < everyMs) {
      suppressed++;
      return;
    }
    warn({ path, reason: err.message, refusedSinceLastLine: suppressed }, 'database unavailable: answering 503');
    lastAt = now;
    suppressed = 0;
  };
}
