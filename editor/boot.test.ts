import { describe, expect, it } from 'vitest';
import type { EditorCatalog, Strategy, StrategySummary } from './api.ts';
import { blankDocument, early, lastStrategyKey, pickStartStrategy, readLastStrategy, startBoot } from './boot.ts';

const items = [
  { id: 'a', updatedAt: '2024-01-01T00:00:00.000Z' },
  { id: 'b', updatedAt: '2024-03-01T00:00:00.000Z' },
  { id: 'c', updatedAt: '2024-02-01T00:00:00.000Z' },
];

describe('pickStartStrategy', () => {
  it('reopens the strategy open last', () => {
    expect(pickStartStrategy(items, 'c')).toBe('c');
  });
  it('falls back to the newest when the last one is gone or unknown', () => {
    expect(pickStartStrategy(items, 'deleted')).toBe('b');
    expect(pickStartStrategy(items, null)).toBe('b');
  });
  it('keeps a blank canvas the user chose, and a first visit blank', () => {
    expect(pickStartStrategy(items, blankDocument)).toBeNull();
    expect(pickStartStrategy([], 'a')).toBeNull();
  });
});

describe('readLastStrategy', () => {
  it('reads the stored id, and survives storage that throws', () => {
    expect(readLastStrategy({ getItem: (k) => (k === lastStrategyKey ? 'x' : null) })).toBe('x');
    expect(
      readLastStrategy({
        getItem: () => {
          throw new Error('denied');
        },
      }),
    ).toBeNull();
    expect(readLastStrategy(undefined)).toBeNull();
  });
});

describe('early', () => {
  it('exposes the outcome once settled, value or error', async () => {
    const ok = early(Promise.resolve(42));
    expect(ok.outcome).toBeUndefined();
    await ok.promise;
    expect(ok.outcome).toEqual({ ok: true, value: 42 });
    const failure = new Error('down');
    const bad = early(Promise.reject(failure));
    await bad.promise.catch(() => undefined);
    expect(bad.outcome).toEqual({ ok: false, error: failure });
  });
});

describe('startBoot', () => {
  const summary = (id: string, updatedAt: string): StrategySummary => ({ id, name: id, version: 1, createdAt: updatedAt, updatedAt });
  const client = (list: StrategySummary[] | Error) => {
    const fetched: string[] = [];
    return {
      fetched,
      catalog: async () => ({ nodes: [] }) as unknown as EditorCatalog,
      listStrategies: async () => {
        if (list instanceof Error) throw list;
        return list;
      },
      getStrategy: async (id: string) => {
        fetched.push(id);
        return { ...summary(id, ''), graph: { schemaVersion: 1, nodes: [], edges: [] } } as Strategy;
      },
    };
  };

  it('fetches the strategy to reopen as soon as the list arrives, before anyone awaiting the list runs', async () => {
    const c = client([summary('old', '2024-01-01'), summary('new', '2024-02-01')]);
    const boot = startBoot(c, null);
    const seen = await boot.strategies.promise.then(() => boot.start?.id);
    expect(seen).toBe('new');
    expect(c.fetched).toEqual(['new']);
    expect((await boot.start!.strategy).id).toBe('new');
    await boot.catalog.promise;
    expect(boot.catalog.outcome?.ok).toBe(true);
  });

  it('reopens the last strategy, and fetches none for a blank start or a failed list', async () => {
    const last = client([summary('a', '2024-01-01'), summary('b', '2024-02-01')]);
    const reopened = startBoot(last, 'a');
    await reopened.strategies.promise;
    expect(reopened.start?.id).toBe('a');

    const blank = client([summary('a', '2024-01-01')]);
    const chosenBlank = startBoot(blank, blankDocument);
    await chosenBlank.strategies.promise;
    expect(chosenBlank.start).toBeUndefined();
    expect(blank.fetched).toEqual([]);

    const down = client(new Error('server down'));
    const failed = startBoot(down, null);
    await failed.strategies.promise.catch(() => undefined);
    expect(failed.strategies.outcome).toMatchObject({ ok: false });
    expect(failed.start).toBeUndefined();
  });
});
