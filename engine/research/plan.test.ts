import { describe, expect, it } from 'vitest';
import { ResearchSpec } from './config.ts';
import { inSampleTrials, layout, ResearchPlanError, trialWork } from './plan.ts';

const dims = [
  { key: 'fast.period', nodeId: 'fast', param: 'period', values: [5, 10, 20] },
  { key: 'slow.period', nodeId: 'slow', param: 'period', values: [40, 80] },
];

describe('laying out a research run', () => {
  it('numbers sweep trials by grid combination', () => {
    const spec = ResearchSpec.parse({ kind: 'sweep' });
    const plan = layout(spec, dims, 5000);
    expect(plan.phases).toEqual([{ name: 'sweep', start: 0, end: 6, batch: 10 }]);
    expect(trialWork(spec, plan, dims, 3)).toEqual({ phase: 'sweep', params: { 'fast.period': 10, 'slow.period': 80 } });
    expect(() => trialWork(spec, plan, dims, 6)).toThrow(RangeError);
    expect(layout(spec, dims, 5000, 4).phases[0]!.batch).toBe(4);
  });

  it('puts every window’s in-sample trials first, then one out-of-sample trial per window', () => {
    const spec = ResearchSpec.parse({ kind: 'walkForward', config: { inSampleBars: 1000, outOfSampleBars: 500 } });
    const plan = layout(spec, dims, 3000);
    expect(plan.windows).toHaveLength(4);
    expect(plan.phases).toEqual([
      { name: 'inSample', start: 0, end: 24, batch: 10 },
      { name: 'outOfSample', start: 24, end: 28, batch: 1 },
    ]);
    const t = trialWork(spec, plan, dims, 7);
    expect(t).toEqual({ phase: 'inSample', window: plan.windows[1], params: { 'fast.period': 5, 'slow.period': 80 } });
    expect(trialWork(spec, plan, dims, 26)).toEqual({ phase: 'outOfSample', window: plan.windows[2] });
    expect(inSampleTrials(plan, 2)).toEqual({ from: 12, to: 18 });
  });

  it('splits Monte Carlo paths into trials of 100 and cost grids commission-major', () => {
    const mc = ResearchSpec.parse({ kind: 'monteCarlo', config: { paths: 250 } });
    const mcPlan = layout(mc, [], 5000);
    expect(mcPlan.total).toBe(3);
    expect(trialWork(mc, mcPlan, [], 2)).toEqual({ phase: 'monteCarlo', from: 200, to: 250 });
    const cost = ResearchSpec.parse({ kind: 'costSensitivity', config: { commissionMultipliers: [0, 1], slippageMultipliers: [0, 2, 4], params: { 'fast.period': 7 } } });
    const costPlan = layout(cost, [], 5000);
    expect(costPlan.total).toBe(6);
    expect(trialWork(cost, costPlan, [], 4)).toEqual({ phase: 'cost', commission: 1, slippage: 2, params: { 'fast.period': 7 } });
  });

  it('refuses runs that cannot be laid out, saying why', () => {
    expect(() => layout(ResearchSpec.parse({ kind: 'sweep' }), [], 5000)).toThrow(/optimize/);
    expect(() => layout(ResearchSpec.parse({ kind: 'walkForward', config: { inSampleBars: 4000, outOfSampleBars: 2000 } }), dims, 5000)).toThrow(ResearchPlanError);
    const huge = [{ key: 'a.x', nodeId: 'a', param: 'x', values: Array.from({ length: 1000 }, (_, i) => i) }, { key: 'b.y', nodeId: 'b', param: 'y', values: Array.from({ length: 1000 }, (_, i) => i) }];
    expect(() => layout(ResearchSpec.parse({ kind: 'sweep' }), huge, 5000)).toThrow(/random sampling/);
    expect(layout(ResearchSpec.parse({ kind: 'sweep', config: { sampling: { kind: 'random', samples: 500 } } }), huge, 5000).total).toBe(500);
    // A Monte Carlo block as long as the data: every path the same final return.
    const block = (blockLength: number) => layout(ResearchSpec.parse({ kind: 'monteCarlo', config: { blockLength } }), [], 350);
    expect(() => block(350)).toThrow('a block of 350 bars covers all 350 bars: every path would be the data itself, rotated, with the same final return; use blocks much shorter than the data');
    expect(block(349).total).toBe(10);
  });
});
