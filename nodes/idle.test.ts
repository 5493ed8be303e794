import { describe, expect, it } from 'vitest';
import type { StepContext } from './contract.ts';
import { registry } from './index.ts';
import { compoundFields, type PortKind } from './ports.ts';
import { prepareBar } from './testing.ts';

/**
 * Every node with an `idle` test: whenever it says a step can change nothing, stepping must leave the
 * state and every output exactly as they were. Checked on long random runs where the order inputs (which
 * come from other bar-by-bar nodes) repeat from the last step, as the executor guarantees when it asks,
 * while the single-number inputs (columns) and the context change freely.
 */
const withIdle = registry.definitions.filter((d) => d.idle);

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** Params to try beyond the defaults, per node type. */
const variants: Record<string, Record<string, unknown>[]> = {
  'order.targetPercent': [{ side: 'short', percent: 50 }],
  'order.market': [{ side: 'short', sizeMode: 'units', size: 3 }, { size: 1e-300 }],
  'order.limit': [{ side: 'short', offsetPercent: -1, timeInForce: 'bars', expiryBars: 3 }, { sizeMode: 'units', size: 2, timeInForce: 'day' }],
  'order.stop': [{ side: 'short', timeInForce: 'day' }, { sizeMode: 'units', size: 2, offsetPercent: 0 }],
  'order.stopLimit': [{ side: 'short', limitOffsetPercent: 0 }, { sizeMode: 'units', size: 2, timeInForce: 'bars', expiryBars: 2 }],
  'order.bracket': [{ stopLoss: 2, takeProfit: 3, trailPercent: 1 }, { takeProfit: 1.5 }, { trailPercent: 5 }],
  'risk.kelly': [{ fraction: 1, maxPercent: 50, side: 'short' }, { winProbability: 0.3, payoffRatio: 1 }],
  'risk.maxOrderNotional': [{ maxNotional: 300 }, { maxPercentEquity: 1 }],
  'risk.maxGrossExposure': [{ maxPercent: 1, tolerance: 0 }, { maxPercent: 500, tolerance: 50 }],
  'risk.maxPosition': [{ maxQuantity: 3 }, { maxPercentEquity: 20 }],
  'risk.stopTakeProfit': [{ basis: 'percent', stopLoss: 2, takeProfit: 3, trail: 1 }, { basis: 'distance', stopLoss: 1.5, takeProfit: 0, trail: 0.5 }],
  // A wide trip level and short halts, so the random equity leaves the node idle often enough.
  // Without Halt bars it stays halted until Reset (random when wired, never when not).
  'risk.drawdownHalt': [{ maxDrawdown: 70, haltBars: 3 }, { maxDrawdown: 60, action: 'flatten', haltBars: 2 }, { maxDrawdown: 30 }, { maxDrawdown: 30, action: 'flatten' }],
  'risk.volatilityTarget': [{ window: 5, side: 'short', maxPercent: 50 }, { window: 2, periodsPerYear: 252 }],
};

/** A value for a port: bools mostly 0/1 with some NaN, numbers around 1–5 or NaN, orders small targets. */
function valueFor(kind: PortKind, rand: () => number): unknown {
  if (kind === 'order') {
    const target = rand() < 0.1 ? NaN : Math.round((rand() - 0.4) * 10);
    const o: Record<string, number> = Object.fromEntries(compoundFields.order!.map((f) => [f, NaN]));
    o.target = target;
    o.type = 0;
    o.expiry = 0;
    if (rand() < 0.3) o.stopLoss = 90 + rand() * 5;
    return o;
  }
  if (kind === 'bars') {
    const c = 100 + rand() * 10;
    return { time: Math.floor(rand() * 1e9), open: c, high: c + 1, low: c - 1, close: c, volume: 1000 };
  }
  if (kind === 'bool') return rand() < 0.05 ? NaN : rand() < 0.25 ? 1 : 0;
  return rand() < 0.05 ? NaN : 1 + rand() * 4;
}

const clone = <T,>(x: T): T => structuredClone(x);
/** Bit-for-bit equal (−0 is not 0, NaN is NaN), as an input held by an idle upstream node is. */
const same = (a: unknown, b: unknown): boolean =>
  a && b && typeof a === 'object' && typeof b === 'object' ? Object.keys(a).every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) : Object.is(a, b);

describe('idle nodes: an idle step changes nothing', () => {
  it('covers the nodes that have one', () => {
    expect(withIdle.map((d) => d.type).sort()).toEqual([
      'order.bracket',
      'order.limit',
      'order.market',
      'order.stop',
      'order.stopLimit',
      'order.targetPercent',
      'risk.drawdownHalt',
      'risk.kelly',
      'risk.maxGrossExposure',
      'risk.maxOrderNotional',
      'risk.maxPosition',
      'risk.stopTakeProfit',
      'risk.volatilityTarget',
    ]);
  });

  for (const def of withIdle) {
    it(`${def.type}: state and outputs stay put on every idle bar`, () => {
      const sets = [{}, ...(variants[def.type] ?? [])];
      let idleBars = 0, watchedBars = 0;
      for (const [q, raw] of sets.entries()) {
        for (const wiring of [true, false]) {
          const rand = rng(7 + q * 13 + (wiring ? 1 : 0));
          const params = def.params.parse(raw);
          // Optional inputs wired or not: some nodes change mode with the wiring.
          const wired = Object.fromEntries(Object.entries(def.inputs).map(([p, spec]) => [p, wiring || !spec.optional]));
          const state = def.init(params, wired);
          const out: Record<string, unknown> = Object.fromEntries(Object.entries(def.outputs).map(([p, spec]) => [p, compoundFields[spec.kind] ? valueFor(spec.kind, rand) : NaN]));
          let last: Record<string, unknown> | undefined;
          for (let bar = 0; bar < 4000; bar++) {
            const input: Record<string, unknown> = {};
            const r = rand();
            for (const [p, spec] of Object.entries(def.inputs)) {
              if (!wired[p]) input[p] = compoundFields[spec.kind] ? valueFor(spec.kind, () => NaN) : NaN;
              // Order inputs repeat most of the time (a held instruction); everything repeats sometimes.
              else if (last && (r < 0.3 || (spec.kind === 'order' && r < 0.85))) input[p] = clone(last[p]);
              else input[p] = valueFor(spec.kind, rand);
            }
            const c = 100 + rand() * 20;
            const ctx: StepContext = { bar, time: bar * 60_000, open: c, high: c + 2, low: c - 2, close: c, volume: 1e4, equity: 50_000 + rand() * 100_000, cash: 50_000, position: Math.round((rand() - 0.5) * 10) };
            // What the node prepares from the bars runs first, as in the executor's column phase: its outputs
            // are the executor's to write, not the step's, and the step reads them.
            prepareBar(def, state, params, ctx, out);
            const ordersRepeat = last !== undefined && Object.entries(def.inputs).every(([p, spec]) => spec.kind !== 'order' || same(input[p], last![p]));
            // A node with an equity band (`idleEquity`) is idle only with the bar's equity inside it.
            const inBand = !def.idleEquity || (ctx.equity > def.idleEquity.low(state, params) && ctx.equity <= def.idleEquity.high(state, params));
            const idle = bar > 0 && ordersRepeat && def.idle!(state, params, input as never) && inBand;
            if (def.idleInputs && bar > 0) {
              // The inputs it does not declare as read may be anything: the answer must not move.
              const other = { ...input };
              for (const [p, spec] of Object.entries(def.inputs)) if (!def.idleInputs.includes(p as never)) other[p] = valueFor(spec.kind, rand);
              expect(def.idle!(state, params, other as never), `${def.type} reads an input outside idleInputs at bar ${bar}`).toBe(def.idle!(state, params, input as never));
            }
            if (def.idleWatch && def.idle!(state, params, input as never)) {
              // Only the watched inputs hold: the others may be anything, and the answer must stay true.
              const watched = def.idleWatch(state, params, input as never);
              // Its own random values, so the run's inputs stay what they were without this check.
              const other = rng(bar + 1);
              if (watched) {
                watchedBars++;
                for (let v = 0; v < 3; v++) {
                  const changed = { ...input };
                  for (const [p, spec] of Object.entries(def.inputs)) if (wired[p] && !watched.includes(p as never)) changed[p] = valueFor(spec.kind, other);
                  expect(def.idle!(state, params, changed as never), `${def.type} idle hangs on an input it does not watch (${watched.join(', ')}) at bar ${bar}`).toBe(true);
                }
              }
            }
            const before = idle ? clone({ state, out }) : undefined;
            def.step(state, params, input as never, out as never, ctx);
            if (before) {
              idleBars++;
              expect({ state, out }, `${def.type} params ${JSON.stringify(raw)} bar ${bar}`).toEqual(before);
            }
            last = clone(input);
          }
        }
      }
      // The test means something only if idle bars happened (and not only those).
      expect(idleBars).toBeGreaterThan(1000);
      if (def.idleWatch) expect(watchedBars).toBeGreaterThan(1000);
    });
  }
});
