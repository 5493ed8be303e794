import { describe, expect, it } from 'vitest';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { adLine } from './index.ts';

const bar = (high: number, low: number, close: number, volume: number): Bar => ({ time: 0, open: close, high, low, close, volume });
const bars = [bar(10, 8, 9.5, 100), bar(12, 10, 10, 200), bar(11, 11, 11, 300), bar(13, 9, 12, 400)];

describe('indicator.adLine', () => {
  it('adds volume × close location in the range', () => {
    // Close 3/4 up the range → +½·100; at the low → −200; no range → 0; 3/4 up → +½·400.
    const { value } = runNode(adLine, { inputs: { bars } });
    expect(value).toEqual([50, -150, -150, 50]);
    expect(firstDefined(value)).toBe(adLine.warmup!(adLine.params.parse({})));
  });

  it('a NaN field restarts the total from 0', () => {
    const { value } = runNode(adLine, { inputs: { bars: [bars[0]!, bar(12, NaN, 10, 200), bars[3]!] } });
    expect(value).toEqual([50, NaN, 200]);
  });
});

describe('indicator.adLine against TA-Lib', () => {
  it('matches TA-Lib AD to 1e-9 on the reference bars, flat bars included', () => {
    const result = compareWithReference(adLine);
    expect(result.compared).toBe(600);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
