import { describe, expect, it } from 'vitest';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { obv } from './index.ts';

const bar = (close: number, volume: number): Bar => ({ time: 0, open: close, high: close, low: close, close, volume });

describe('indicator.obv', () => {
  it('adds volume on up closes, subtracts it on down closes, starting from the first bar’s volume', () => {
    const { value } = runNode(obv, { inputs: { bars: [bar(10, 100), bar(11, 200), bar(11, 300), bar(9, 400), bar(12, 500)] } });
    expect(value).toEqual([100, 300, 300, -100, 400]);
    expect(firstDefined(value)).toBe(obv.warmup!(obv.params.parse({})));
  });

  it('a NaN close or volume restarts the total', () => {
    const { value } = runNode(obv, { inputs: { bars: [bar(10, 100), bar(11, NaN), bar(12, 50), bar(11, 20)] } });
    expect(value).toEqual([100, NaN, 50, 30]);
  });
});

describe('indicator.obv against TA-Lib', () => {
  it('matches TA-Lib OBV to 1e-9 on the reference bars', () => {
    const result = compareWithReference(obv);
    expect(result.compared).toBe(600);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
