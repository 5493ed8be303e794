import { describe, expect, it } from 'vitest';
import { blankDocument, lastStrategyKey, pickStartStrategy, readLastStrategy } from './boot.ts';

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
