import { describe, expect, it } from 'vitest';
import type { Bar } from '../../ports.ts';
import { compareWithReference } from '../../reference.ts';
import { firstDefined, runNode } from '../../testing.ts';
import { parabolicSar } from './index.ts';

const bar = (high: number, low: number): Bar => ({ time: 0, open: low, high, low, close: high, volume: 1000 });
const nanBar: Bar = { time: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
const bars = [bar(10, 9), bar(11, 10), bar(12, 10.5), bar(13, 11), bar(12.5, 10), bar(12, 9), bar(11, 8.5), bar(12.2, 11)];

describe('indicator.parabolicSar', () => {
  it('trails, accelerates, caps and reverses by hand (step 0.1, max 0.2)', () => {
    const { value } = runNode(parabolicSar, { params: { acceleration: 0.1, maximum: 0.2 }, inputs: { bars } });
    // Bar 1 has no lower low, so it starts long from bar 0's low, 9; extreme point 11.
    // Next: 9 + .1·(11 − 9) = 9.2; new high 12 → af .2: 9.2 + .2·(12 − 9.2) = 9.76.
    // Bar 4's low 10 ≤ 10.408 (9.76 + .2·(13 − 9.76)) → reverse short at the extreme point 13.
    // Short: 13 + .1·(10 − 13) = 12.7 is inside bar 3's high, so 13; then 13 + .2·(9 − 13) = 12.2 → bar 4's high 12.5.
    // Bar 7's high 12.2 ≥ 12 → reverse long at the extreme point 8.5.
    expect(value[0]).toBeNaN();
    [9, 9.2, 9.76, 13, 13, 12.5, 8.5].forEach((expected, i) => expect(value[i + 1]).toBeCloseTo(expected, 12));
  });

  it('starts short when bar 1 makes a lower low that outweighs any higher high', () => {
    const { value } = runNode(parabolicSar, { params: { acceleration: 0.1, maximum: 0.2 }, inputs: { bars: [bar(10, 9), bar(9.8, 8), bar(9.5, 7)] } });
    // Short from bar 0's high, 10, with extreme point 8; then 10 + .1·(8 − 10) = 9.8, which bar 1's high (9.8) allows.
    expect(value[1]).toBe(10);
    expect(value[2]).toBeCloseTo(9.8, 12);
  });

  it('first value at index 1, as warmup() says', () => {
    const { value } = runNode(parabolicSar, { inputs: { bars } });
    expect(firstDefined(value)).toBe(1);
    expect(parabolicSar.warmup!(parabolicSar.params.parse({}))).toBe(1);
  });

  it('a NaN bar restarts from scratch', () => {
    const { value } = runNode(parabolicSar, { params: { acceleration: 0.1, maximum: 0.2 }, inputs: { bars: [bar(50, 1), bar(60, 2), nanBar, ...bars] } });
    expect(value.slice(2, 4).every(Number.isNaN)).toBe(true);
    [9, 9.2, 9.76, 13].forEach((expected, i) => expect(value[i + 4]).toBeCloseTo(expected, 12));
  });

  it('an acceleration above the maximum is lowered to it', () => {
    const capped = runNode(parabolicSar, { params: { acceleration: 0.5, maximum: 0.2 }, inputs: { bars } }).value;
    const same = runNode(parabolicSar, { params: { acceleration: 0.2, maximum: 0.2 }, inputs: { bars } }).value;
    expect(capped).toEqual(same);
  });

  it('flat bars stay finite', () => {
    const { value } = runNode(parabolicSar, { inputs: { bars: Array.from({ length: 6 }, () => bar(5, 5)) } });
    expect(value.slice(1).every(Number.isFinite)).toBe(true);
  });

  it('defaults to 0.02 and 0.2', () => {
    expect(parabolicSar.params.parse({})).toEqual({ acceleration: 0.02, maximum: 0.2 });
    expect(parabolicSar.params.safeParse({ acceleration: 0 }).success).toBe(false);
  });
});

describe('indicator.parabolicSar against TA-Lib', () => {
  it('matches TA-Lib SAR to 1e-9 on the reference bars, including its start and reversals', () => {
    const result = compareWithReference(parabolicSar);
    expect(result.compared).toBeGreaterThan(1500);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
