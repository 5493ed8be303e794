import { describe, expect, it } from 'vitest';
import { splitWindows } from './windows.ts';

describe('walk-forward windows', () => {
  it('rolls a fixed in-sample window forward by one out-of-sample length', () => {
    expect(splitWindows(1000, { mode: 'rolling', inSampleBars: 400, outOfSampleBars: 200 })).toEqual([
      { index: 0, inSample: { from: 0, to: 400 }, outOfSample: { from: 400, to: 600 } },
      { index: 1, inSample: { from: 200, to: 600 }, outOfSample: { from: 600, to: 800 } },
      { index: 2, inSample: { from: 400, to: 800 }, outOfSample: { from: 800, to: 1000 } },
    ]);
  });

  it('anchors the in-sample window at the first bar and grows it', () => {
    const w = splitWindows(1000, { mode: 'anchored', inSampleBars: 400, outOfSampleBars: 200 });
    expect(w.map((x) => x.inSample)).toEqual([{ from: 0, to: 400 }, { from: 0, to: 600 }, { from: 0, to: 800 }]);
    expect(w.map((x) => x.outOfSample.from)).toEqual([400, 600, 800]);
  });

  it('tiles out-of-sample windows without overlap and never lets one reach into its in-sample data', () => {
    const w = splitWindows(10_007, { mode: 'rolling', inSampleBars: 1234, outOfSampleBars: 777 });
    for (let i = 0; i < w.length; i++) {
      expect(w[i]!.inSample.to).toBe(w[i]!.outOfSample.from);
      if (i > 0) expect(w[i]!.outOfSample.from).toBe(w[i - 1]!.outOfSample.to);
      expect(w[i]!.outOfSample.to).toBeLessThanOrEqual(10_007);
    }
    // The tail shorter than one out-of-sample window is left out.
    expect(10_007 - w.at(-1)!.outOfSample.to).toBeLessThan(777);
  });

  it('gives no window when the data cannot hold one, and refuses bad lengths', () => {
    expect(splitWindows(500, { mode: 'rolling', inSampleBars: 400, outOfSampleBars: 200 })).toEqual([]);
    expect(() => splitWindows(500, { mode: 'rolling', inSampleBars: 0, outOfSampleBars: 200 })).toThrow(RangeError);
  });
});
