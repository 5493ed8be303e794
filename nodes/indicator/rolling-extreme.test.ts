import { describe, expect, it } from 'vitest';
import type { AnyNodeDefinition } from '../contract.ts';
import { barFields } from '../ports.ts';
import { donchian } from './donchian/index.ts';
import { extremeAgeAfter, ringBack } from './rolling-extreme.ts';
import { stochastic } from './stochastic/index.ts';
import { williamsR } from './williamsR/index.ts';

function lcg(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('extremeAgeAfter', () => {
  // Falling and rising runs are the worst case for the highest and the lowest (the extreme leaves the
  // window every bar); rounded values bring ties, where the newer value must win.
  const rand = lcg(5);
  const series: Record<string, number[]> = {
    random: Array.from({ length: 300 }, () => Math.round(rand() * 20)),
    falling: Array.from({ length: 60 }, (_, i) => 100 - i),
    rising: Array.from({ length: 60 }, (_, i) => i),
    flat: Array.from({ length: 30 }, () => 7),
  };
  for (const [name, values] of Object.entries(series)) {
    for (const highest of [true, false]) {
      it(`keeps the ${highest ? 'highest' : 'lowest'} of a ${name} series and its age, as a walk over the window would`, () => {
        for (const period of [1, 2, 3, 5, 8]) {
          const buf = new Array<number>(period + 1).fill(0), size = period + 1;
          let next = 0, count = 0, extreme = NaN, age = -1;
          values.forEach((x, t) => {
            const newest = next;
            buf[newest] = x;
            next = next + 1 === size ? 0 : next + 1;
            if (count < size) count++;
            const n = Math.min(count, period);
            age = extremeAgeAfter(buf, newest, size, n, highest, x, extreme, age);
            extreme = buf[ringBack(newest, age, size)]!;
            const window = values.slice(Math.max(0, t - n + 1), t + 1);
            const best = highest ? Math.max(...window) : Math.min(...window);
            expect(extreme).toBe(best);
            // The newest of the tied values: the last index holding the extreme.
            expect(age).toBe(window.length - 1 - window.lastIndexOf(best));
          });
        }
      });
    }
  }
});

/** Bar columns around a random walk, with a NaN bar now and then. */
function bars(n: number): Record<string, Float64Array> {
  const rand = lcg(9);
  const cols = Object.fromEntries(barFields.map((f) => [f, new Float64Array(n)]));
  let v = 100;
  for (let t = 0; t < n; t++) {
    v += rand() - 0.5;
    const w = rand();
    cols.time![t] = t * 60_000;
    cols.open![t] = v;
    cols.high![t] = t % 41 === 13 ? NaN : v + w;
    cols.low![t] = v - w;
    cols.close![t] = v + (rand() - 0.5) * w;
    cols.volume![t] = 1000;
  }
  return cols;
}

/** A node's kernel over the bars, stopping at `at` to drop the kept extremes from its state, as a state saved before they existed has none. */
function runKernel(def: AnyNodeDefinition, params: unknown, cols: Record<string, Float64Array>, at: number): Record<string, Float64Array> {
  const n = cols.close!.length;
  const out = Object.fromEntries(Object.keys(def.outputs).map((k) => [k, new Float64Array(n)]));
  const s = def.init(params as never, { bars: true } as never) as Record<string, unknown>;
  def.kernel!(s as never, params as never, { bars: cols } as never, out as never, 0, at);
  for (const key of ['hh', 'hhAge', 'll', 'llAge']) delete s[key];
  def.kernel!(s as never, params as never, { bars: cols } as never, out as never, at, n);
  return out;
}

describe('Donchian, Stochastic and Williams %R resume a state saved before they kept their extremes', () => {
  const cases: [AnyNodeDefinition, Record<string, unknown>][] = [
    [donchian, { period: 5, includeCurrentBar: true }],
    [donchian, { period: 5, includeCurrentBar: false }],
    [stochastic, {}],
    [williamsR, { period: 6 }],
  ];
  for (const [def, raw] of cases) {
    it(`${def.type} ${JSON.stringify(raw)}`, () => {
      const params = def.params.parse(raw);
      const cols = bars(400);
      const whole = runKernel(def, params, cols, 400);
      for (const at of [3, 57, 200]) {
        const resumed = runKernel(def, params, cols, at);
        for (const port of Object.keys(whole)) expect([...resumed[port]!]).toEqual([...whole[port]!]);
      }
    });
  }
});
