import { describe, expect, it } from 'vitest';
import { syntheticBars } from './bars.ts';
import { compileOk, fixture, makeBars, runGraph } from './testing.ts';
import { traceSlots } from './trace.ts';

const crossover = fixture(
  {
    data: { type: 'data.csv', params: { dataset: 'x' } },
    fast: { type: 'indicator.sma', params: { period: 3 } },
    slow: { type: 'indicator.sma', params: { period: 5 } },
    cross: { type: 'logic.crossover' },
    order: { type: 'order.targetPercent' },
  },
  ['data.close -> fast.source', 'data.close -> slow.source', 'fast.value -> cross.a', 'slow.value -> cross.b', 'cross.above -> order.enter', 'cross.below -> order.exit'],
);

const slotOf = (plan: ReturnType<typeof compileOk>, node: string, port: string) => plan.nodes.find((n) => n.id === node)!.outputSlots[port]!;

describe('traceSlots', () => {
  it('reads an SMA after each bar, equal to the mean of the last closes', () => {
    const closes = [10, 11, 12, 13, 14, 13, 12, 11];
    const bars = makeBars({ close: closes });
    const plan = compileOk(crossover);
    const [fast] = traceSlots(plan, bars, [slotOf(plan, 'fast', 'value')], closes.map((_, i) => i));
    const expected = closes.map((_, i) => (i < 2 ? NaN : (closes[i]! + closes[i - 1]! + closes[i - 2]!) / 3));
    expect([...fast!]).toEqual(expected);
  });

  it('sampling a few bars in one pass gives the same values as stepping every bar', () => {
    const bars = syntheticBars({ seed: 3, bars: 400, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: 0 });
    const plan = compileOk(crossover);
    const every = runGraph(crossover, bars, { fast: 'fast.value', slow: 'slow.value' });
    const at = [0, 4, 5, 5, 99, 250, 399];
    const [fast, slow] = traceSlots(plan, bars, [slotOf(plan, 'fast', 'value'), slotOf(plan, 'slow', 'value')], at);
    expect([...fast!]).toEqual(at.map((t) => every.values.fast![t]));
    expect([...slow!]).toEqual(at.map((t) => every.values.slow![t]));
  });

  it('refuses samples out of order or past the data, rather than reading the wrong bar', () => {
    const bars = makeBars({ close: [1, 2, 3, 4] });
    const plan = compileOk(crossover);
    expect(() => traceSlots(plan, bars, [0], [2, 1])).toThrow(RangeError);
    expect(() => traceSlots(plan, bars, [0], [4])).toThrow(RangeError);
    expect(traceSlots(plan, bars, [0, 1], [])).toEqual([new Float64Array(0), new Float64Array(0)]);
  });
});
