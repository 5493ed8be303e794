import { z } from 'zod';
import { bool, isTrue, wiredConditions } from '../../bool.ts';
import { defineNode } from '../../contract.ts';

/** Any connected condition suffices. */
export const or = defineNode({
  type: 'logic.or',
  version: 1,
  category: 'logic',
  title: 'OR',
  description: 'True when at least one connected condition is true.',
  docs: {
    example: 'Stop hit OR signal reversed: exit the position.',
    caveats: ['Unknown (warm-up) inputs count as false. C and D are optional.'],
  },
  inputs: {
    a: { kind: 'bool', description: 'First condition.' },
    b: { kind: 'bool', description: 'Second condition.' },
    c: { kind: 'bool', description: 'Optional third condition.', optional: true },
    d: { kind: 'bool', description: 'Optional fourth condition.', optional: true },
  },
  outputs: { result: { kind: 'bool', description: 'At least one condition holds.' } },
  params: z.object({}),
  init: () => ({}),
  step(_s, _p, input, out) {
    out.result = bool(isTrue(input.a) || isTrue(input.b) || isTrue(input.c) || isTrue(input.d));
  },
  kernel(_s, _p, input, out, from, to) {
    const { a, b, c, d } = input, r = out.result;
    // Combined with | as numbers: no branch to mispredict.
    for (let t = from; t < to; t++) r[t] = +(a[t] === 1) | +(b[t] === 1) | +(c[t] === 1) | +(d[t] === 1);
  },
  // An unwired input reads NaN, never 1: its term is 0, and left out.
  pointwise: (_p, wired) => (out, inputs) => `const ${out} = ${wiredConditions(inputs, wired).map((x) => `+(${x} === 1)`).join(' | ')};`,
});
