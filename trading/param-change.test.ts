import { describe, expect, it } from 'vitest';
import { compile, type Plan } from '../engine/compile.ts';
import { fixture } from '../engine/testing.ts';
import { registry } from '../nodes/index.ts';
import type { Bar } from './adapters/paper.ts';
import { applyParamChange, checkParamChange, describeChanges, ParamChange, restartNodeStates } from './param-change.ts';
import { RiskLimits } from './risk-gate.ts';
import { evaluateBar, type StrategySnapshot } from './strategy-runner.ts';

/** Target = SMA(period) of the close, with a band so the target follows it. */
const graph = fixture(
  { data: { type: 'data.synthetic' }, sma: { type: 'indicator.sma', params: { period: 5 } }, order: { type: 'order.targetPosition', params: { rebalanceBandPercent: 0.001 } } },
  ['data.close -> sma.source', 'sma.value -> order.units'],
) as unknown as Record<string, unknown>;
const limits = RiskLimits.parse({ maxOrderQuantity: 10, maxOrderNotional: 1000, maxPosition: 100, maxGrossExposure: 1e5, priceCollarPct: 7 });
const planOf = (g: unknown): Plan => {
  const c = compile(g, registry);
  if (!c.ok) throw new Error(c.errors.map((e) => e.message).join('; '));
  return c.plan;
};
const bar = (i: number, close: number): Bar => ({ time: Date.UTC(2024, 0, 1) + i * 60_000, open: close, high: close, low: close, close, volume: 1 });

/** Evaluate `closes` one bar at a time, as a deployment does, from `snapshot`; the targets and the last snapshot. */
async function run(plan: Plan, closes: number[], from: number, snapshot: StrategySnapshot | undefined) {
  const targets: number[] = [];
  for (const [j, close] of closes.entries()) {
    const ev = await evaluateBar(plan, [''], [bar(from + j, close)], { cash: 1e5, lanes: [{ position: 0, avgPrice: 0 }] }, snapshot);
    targets.push(ev.instructions[0]!.target);
    snapshot = ev.snapshot;
  }
  return { targets, snapshot: snapshot! };
}

describe('parameter change', () => {
  it('merges node params and limits over the current ones and says what changed', () => {
    const r = applyParamChange(graph, limits, ParamChange.parse({ params: { sma: { period: 3 } }, limits: { maxPosition: 50 } }), registry);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect((r.graph.nodes as { id: string; params: object }[]).find((n) => n.id === 'sma')!.params).toEqual({ period: 3 });
    // Limits left out keep their values, defaulted ones included (a plain partial schema would reset them).
    expect(r.limits).toEqual({ ...limits, maxPosition: 50 });
    expect(describeChanges(r.changes)).toBe('sma.period 5 → 3; limits.maxPosition 100 → 50');
    // Nested limits merge too: a new throttle count keeps the window.
    const t = applyParamChange(graph, { ...limits, throttle: { maxOrders: 20, windowMs: 5000 } }, ParamChange.parse({ limits: { throttle: { maxOrders: 3 } } }), registry);
    expect(t.ok && t.limits.throttle).toEqual({ maxOrders: 3, windowMs: 5000 });
    expect(t.ok && describeChanges(t.changes)).toBe('limits.throttle {"maxOrders":20,"windowMs":5000} → {"maxOrders":3,"windowMs":5000}');
    // The stored graph itself is untouched.
    expect((graph.nodes as { id: string; params: { period?: number } }[]).find((n) => n.id === 'sma')!.params.period).toBe(5);
  });

  it('names the node and field of every problem', async () => {
    const r = applyParamChange(graph, limits, ParamChange.parse({ params: { sma: { period: 0 }, ghost: { x: 1 }, data: { seed: 1 } } }), registry);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      { path: 'params.sma.period', nodeId: 'sma', message: expect.stringMatching(/^SMA "sma" period: /) },
      { path: 'params.ghost', nodeId: 'ghost', message: 'the deployment\'s strategy has no node "ghost"' },
      { path: 'params.data', nodeId: 'data', message: expect.stringContaining('data source') },
    ]);
    expect(ParamChange.safeParse({}).success).toBe(false);
    expect(ParamChange.safeParse({ limits: { maxPositon: 1 } }).success).toBe(false);
    const checked = await checkParamChange({ graph, limits }, ParamChange.parse({ params: { sma: { period: 3 } } }), registry, async (g) => compile(g, registry));
    expect(checked.ok).toBe(true);
  });

  it('restarts the state of changed nodes: state built for the old params would be read wrongly by the new', async () => {
    const before = planOf(graph);
    const closes = [10, 11, 12, 13, 14, 15, 16];
    const warm = await run(before, closes, 0, undefined);
    expect(warm.targets.at(-1)).toBeCloseTo((12 + 13 + 14 + 15 + 16) / 5);

    const r = applyParamChange(graph, limits, ParamChange.parse({ params: { sma: { period: 3 } } }), registry);
    if (!r.ok) throw new Error('valid change');
    const after = planOf(r.graph);
    const next = [20, 21, 22, 23];

    // Restarted: SMA(3) warms up again and then averages the new bars; the order node keeps what it held.
    const restarted = restartNodeStates(warm.snapshot, after, ['sma']) as unknown as StrategySnapshot;
    const good = await run(after, next, closes.length, restarted);
    expect(good.targets.slice(0, 2)).toEqual([NaN, NaN]);
    expect(good.targets[2]).toBeCloseTo(21);
    expect(good.targets[3]).toBeCloseTo(22);

    // Kept: SMA(5)'s full window never equals the new period again, so the strategy would be blind for ever.
    const stale = await run(after, next, closes.length, warm.snapshot);
    expect(stale.targets.every((t) => Number.isNaN(t))).toBe(true);

    expect(restartNodeStates(null, after, ['sma'])).toBeNull();
  });
});
