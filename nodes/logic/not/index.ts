import { z } from 'zod';
import { bool, isTrue } from '../../bool.ts';
import { defineNode } from '../../contract.ts';

/** Inverts a condition. */
export const not = defineNode({
  type: 'logic.not',
  version: 1,
  category: 'logic',
  title: 'NOT',
  description: 'True when the condition is false, false when it is true.',
  docs: {
    example: 'NOT (close > SMA(200)): only act while price is not above its long-term average.',
    caveats: [
      'No warm-up of its own.',
      'Unknown (NaN) stays unknown: NOT of a condition that is still warming up is NaN, which logic downstream reads as false. Turning unknown into true would act on an indicator that has no value yet.',
      'Any known value other than exactly 1 counts as false, so it inverts to true.',
    ],
  },
  inputs: { value: { kind: 'bool', description: 'The condition to invert.' } },
  outputs: { result: { kind: 'bool', description: 'The opposite of the condition.' } },
  params: z.object({}),
  warmup: () => 0,
  init: () => ({}),
  step(_s, _p, input, out) {
    const x = input.value;
    out.result = x !== x ? NaN : bool(!isTrue(x));
  },
  kernel(_s, _p, input, out, from, to) {
    // NaN as a local: read as the global on a path that has not run yet (no NaN input so far), V8
    // compiles it to a call in the loop, which slows every bar (docs/engine.md, "NaN in a hot loop").
    const nan = NaN;
    const v = input.value, r = out.result;
    for (let t = from; t < to; t++) {
      const x = v[t]!;
      r[t] = x !== x ? nan : x === 1 ? 0 : 1;
    }
  },
  pointwise: () => (out, [x]) => `const ${out} = ${x} !== ${x} ? nan : ${x} === 1 ? 0 : 1;`,
});
