import type pg from 'pg';

/**
 * Keeps the connection pool whole across a database restart.
 *
 * Kysely 0.29 (under MikroORM 7) gives a transaction's connection back to the pool only after its
 * COMMIT or ROLLBACK succeeds. When PostgreSQL goes away mid-transaction both fail, so the connection is
 * never released: it stays checked out, dead, for good. Every outage that catches transactions in flight
 * loses pool slots (measured: 4 of 10 after one restart under load), until requests wait for a
 * connection that never comes, and `orm.close()` hangs waiting for them.
 *
 * The guard wraps `pool.connect` so that a checked-out connection that ends (the server closed it, or
 * the socket broke) is released to the pool at once, with the error, which makes the pool discard it.
 * The holder's own release later is a no-op. Nothing can use such a connection anyway: every query on it
 * fails with "Client has encountered a connection error and is not queryable".
 *
 * @example
 * MikroORM.init({ ..., driverOptions: { onPoolCreated: releaseDeadConnections } })
 */
export function releaseDeadConnections(pool: pg.Pool): void {
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const guarded = async (): Promise<pg.PoolClient> => {
    const client = await connect();
    const release = client.release.bind(client);
    let released = false;
    const onEnd = () => giveBack(new Error('the connection ended while checked out'));
    const giveBack = (err?: Error | boolean) => {
      if (released) return;
      released = true;
      client.removeListener('end', onEnd);
      release(err);
    };
    client.release = giveBack;
    client.once('end', onEnd);
    return client;
  };
  // pg's callback form is kept for any caller that uses it.
  pool.connect = ((callback?: (err: Error | undefined, client?: pg.PoolClient, done?: (release?: Error | boolean) => void) => void) => {
    if (!callback) return guarded();
    guarded().then(
      (client) => callback(undefined, client, client.release),
      (err: Error) => callback(err),
    );
  }) as pg.Pool['connect'];
}
