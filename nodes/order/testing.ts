import type { AnyNodeDefinition, StepContext } from '../contract.ts';
import { registry } from '../index.ts';
import type { Order } from '../ports.ts';
import { createRegistry } from '../registry.ts';
import { defaultContext } from '../testing.ts';
import { bracket } from './bracket/index.ts';
import { closeAll } from './closeAll/index.ts';
import { limitOrder } from './limit/index.ts';
import { marketOrder } from './market/index.ts';
import { stopOrder } from './stop/index.ts';
import { stopLimitOrder } from './stopLimit/index.ts';
import { targetPosition } from './targetPosition/index.ts';

const orderNodes = [marketOrder, limitOrder, stopOrder, stopLimitOrder, bracket, targetPosition, closeAll];

/** The built-in registry with every order node in it, whether or not `nodes/index.ts` lists it yet. */
export const orderRegistry = createRegistry([...registry.definitions.filter((d) => !orderNodes.some((n) => n.type === d.type)), ...orderNodes]);

/** A value for an input port as the node tests write it: a bare number on an order port is a market instruction for that target. */
function portValue(kind: string, v: number | Partial<Order> | undefined): unknown {
  const blank = { target: NaN, type: NaN, limit: NaN, stop: NaN, expiry: NaN, stopLoss: NaN, takeProfit: NaN, trail: NaN };
  if (kind !== 'order') return v ?? NaN;
  return typeof v === 'number' ? { ...blank, target: v, type: 0, expiry: 0 } : { ...blank, ...v };
}

/**
 * For the idle tests: step a node bar by bar over `bars` (each an input per port; ports named in `wired`,
 * or in any bar, are wired), then ask its `idle` about a bar with the inputs `probe`.
 */
export function idleAfter(
  def: AnyNodeDefinition,
  options: { params?: Record<string, unknown>; wired?: readonly string[]; bars: readonly Record<string, number | Partial<Order>>[]; ctx?: Partial<StepContext> },
  probe: Record<string, number | Partial<Order>>,
): boolean {
  const named = new Set([...(options.wired ?? []), ...options.bars.flatMap((b) => Object.keys(b))]);
  const wired = Object.fromEntries(Object.keys(def.inputs).map((p) => [p, named.has(p)]));
  const params = def.params.parse(options.params ?? {});
  const state = def.init(params, wired);
  const out = Object.fromEntries(Object.entries(def.outputs).map(([p, spec]) => [p, portValue(spec.kind, spec.kind === 'order' ? {} : undefined)]));
  const inputOf = (values: Record<string, number | Partial<Order>>) => Object.fromEntries(Object.entries(def.inputs).map(([p, spec]) => [p, portValue(spec.kind, values[p])]));
  options.bars.forEach((values, bar) => def.step(state, params, inputOf(values) as never, out as never, { ...defaultContext, bar, time: bar * 60_000, ...options.ctx }));
  return def.idle!(state, params, inputOf(probe) as never);
}
