import { describe, expect, it } from 'vitest';
import { outputsOf } from './ExportsBar.tsx';

describe('outputsOf', () => {
  it('one entry per output node, in first-emitted order, counting its rows', () => {
    const e = (nodeId: string, kind: 'csv' | 'webhook', bar: number) => ({ nodeId, kind, time: bar * 60_000, bar, values: {} });
    expect(outputsOf([e('alert', 'webhook', 3), e('signals', 'csv', 4), e('alert', 'webhook', 9), e('signals', 'csv', 12), e('signals', 'csv', 20)])).toEqual([
      { nodeId: 'alert', kind: 'webhook', rows: 2 },
      { nodeId: 'signals', kind: 'csv', rows: 3 },
    ]);
    expect(outputsOf([])).toEqual([]);
  });
});
