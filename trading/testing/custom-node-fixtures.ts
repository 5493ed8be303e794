import { fixture } from '../../engine/testing.ts';

/**
 * Fixtures for running strategies with custom (sandboxed) nodes in deployments: the unit test of the
 * strategy runner and the deployment integration tests use the same node and graph.
 */

/**
 * A custom EMA that exercises everything a deployment must carry from bar to bar: state that starts as
 * NaN or Infinity (which plain JSON turns into null), the seeded `Math.random`, and `ctx.bar`. Its `value` is
 * the EMA plus a little seeded noise, so a node restored with the wrong random state trades differently.
 */
export const jitterEmaSource = `
import { defineNode, z } from 'tradeloom/node';

export default defineNode({
  type: 'jitterEma',
  title: 'Jittered EMA',
  description: 'An exponential moving average plus seeded noise.',
  inputs: { source: { kind: 'number', description: 'The series to smooth.' } },
  outputs: {
    value: { kind: 'number', description: 'The average plus noise.' },
    low: { kind: 'number', description: 'The lowest value seen so far.' },
    seen: { kind: 'number', description: 'Bars this node has stepped on, counting from 0.' },
  },
  params: z.object({
    period: z.number().int().min(1).max(1000).default(10).describe('Number of bars.'),
    noise: z.number().min(0).max(100).default(0.05).describe('Noise amplitude, in price units.'),
  }),
  init: () => ({ value: NaN, low: Infinity }),
  step(s, p, input, out, ctx) {
    const x = input.source;
    if (Number.isNaN(x)) return;
    s.value = Number.isNaN(s.value) ? x : s.value + (2 / (p.period + 1)) * (x - s.value);
    s.low = Math.min(s.low, x);
    out.value = s.value + p.noise * (Math.random() - 0.5);
    out.low = s.low;
    out.seen = ctx.bar;
  },
});
`;

/** Its type in graphs: custom nodes are namespaced `custom.<type>`. */
export const jitterEmaType = 'custom.jitterEma';

/**
 * A fast/slow cross of two custom EMAs over an SMA(4) of the close, trading 100 % of equity. The SMA's
 * warm-up feeds the custom nodes NaN for three bars, so their NaN and Infinity state crosses several
 * bars' snapshots. `version` pins the custom node's version.
 */
export const customCross = (version?: number, data: Record<string, unknown> = {}) =>
  fixture(
    {
      data: { type: 'data.synthetic', params: data },
      smooth: { type: 'indicator.sma', params: { period: 4 } },
      fast: { type: jitterEmaType, params: { period: 3 }, ...(version ? { version } : {}) },
      slow: { type: jitterEmaType, params: { period: 8 }, ...(version ? { version } : {}) },
      cross: { type: 'logic.crossover' },
      order: { type: 'order.targetPercent', params: { percent: 100 } },
    },
    [
      'data.close -> smooth.source',
      'smooth.value -> fast.source',
      'smooth.value -> slow.source',
      'fast.value -> cross.a',
      'slow.value -> cross.b',
      'cross.above -> order.enter',
      'cross.below -> order.exit',
    ],
    { initialCash: 100_000, commissionBps: 1, slippageBps: 2 },
  );
