import { DriverException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, outageLogger, whileUnavailable } from './availability.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  // The shapes pg and MikroORM 7 produce during a PostgreSQL restart (seen in
  // workflows/postgres-restart.integration.test.ts).
  it.each([
    ['a refused connection from a read', new DriverException(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))],
    ['a refused connection from a flush', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a fast shutdown terminating the session', withCode('terminating connection due to administrator command', '57P01')],
    ['a server still starting', withCode('the database system is starting up', '57P03')],
    ['a connection exception (class 08)', withCode('connection failure', '08006')],
    ['a dropped socket', new Error('Connection terminated unexpectedly')],
    ['a transaction whose connection died', new Error('Client has encountered a connection error and is not queryable')],
    ['no pooled connection in time', new Error('timeout exceeded when trying to connect')],
    ['a connect timeout', new Error('Connection terminated due to connection timeout')],
  ])('is true for %s', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a constraint violation', new UniqueConstraintViolationException(withCode('duplicate key value violates unique constraint', '23505'))],
    ['a syntax error', withCode('syntax error at or near "selec"', '42601')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    // fetch keeps the socket error in `cause`: a webhook receiver being down is not a database outage.
    ['a failed fetch', new TypeError('fetch failed', { cause: withCode('connect ECONNREFUSED 10.0.0.1:443', 'ECONNREFUSED') })],
    ['a non-error', 'ECONNREFUSED'],
  ])('is false for %s', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});

describe('whileUnavailable', () => {
  it('repeats the write while the database is down, then returns its result', async () => {
    let calls = 0;
    const waits: string[] = [];
    const result = await whileUnavailable(
      async () => {
        if (++calls < 3) throw withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
        return 'saved';
      },
      { intervalMs: 5, onWait: (err) => waits.push(err.message) },
    );
    expect(result).toBe('saved');
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it('throws other errors at once, and the outage error once the wait is over', async () => {
    let calls = 0;
    await expect(whileUnavailable(async () => { calls++; throw new Error('boom'); }, { intervalMs: 5 })).rejects.toThrow('boom');
    expect(calls).toBe(1);
    await expect(whileUnavailable(async () => { throw new Error('Connection terminated unexpectedly'); }, { intervalMs: 5, maxWaitMs: 30 })).rejects.toThrow('Connection terminated');
  });
});

describe('outageLogger', () => {
  it('logs the first refusal, then one line per interval with how many it left out', () => {
    const lines: Record<string, unknown>[] = [];
    const log = outageLogger((fields) => lines.push(fields), 60_000);
    for (let i = 0; i < 5; i++) log('/api/strategies', new Error('connect ECONNREFUSED'));
    expect(lines).toEqual([{ path: '/api/strategies', reason: 'connect ECONNREFUSED', refusedSinceLastLine: 0 }]);
  });
});
