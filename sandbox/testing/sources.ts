/**
 * Custom-node sources used by the sandbox's tests and the benchmark. Kept as TypeScript text because
 * that is what users submit.
 */

/** An EMA written the way the built-in `indicator.ema` is (SMA seed, NaN restarts), as a user would. */
export const customEmaSource = `
import { defineNode, z } from 'tradeloom/node';

export default defineNode({
  type: 'customEma',
  title: 'Custom EMA',
  description: 'Exponential moving average, seeded with the SMA of the first N values.',
  inputs: { source: { kind: 'number', description: 'The series to smooth.' } },
  outputs: { value: { kind: 'number', description: 'The exponential average.' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(20).describe('Number of bars.'),
  }),
  init: () => ({ value: 0, count: 0, sum: 0 }),
  step(s, p, input, out) {
    const x = input.source;
    if (Number.isNaN(x)) {
      s.count = 0;
      s.sum = 0;
      out.value = NaN;
      return;
    }
    if (s.count < p.period) {
      s.sum += x;
      s.count++;
      if (s.count < p.period) return;
      s.value = s.sum / p.period;
    } else {
      s.value += (2 / (p.period + 1)) * (x - s.value);
    }
    out.value = s.value;
  },
});
`;

/**
 * A node body wrapped into a full module, for attack tests: `body` is the inside of `step`, `top` runs
 * at module level, `init` is the init body.
 */
export function nodeSource({ top = '', init = 'return {};', step = 'out.value = input.x;', outputs = "{ value: { kind: 'number' } }", inputs = "{ x: { kind: 'number' } }", type = 'probe' } = {}): string {
  return `
import { defineNode, z } from 'tradeloom/node';
${top}
export default defineNode({
  type: '${type}',
  title: 'Probe',
  description: 'A test node.',
  inputs: ${inputs},
  outputs: ${outputs},
  params: z.object({}),
  init(p: any): any { ${init} },
  step(s: any, p: any, input: any, out: any, ctx: any) { ${step} },
});
`;
}
