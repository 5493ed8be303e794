import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** If-else on numbers: picks one of two series by a condition. */
export const select = defineNode({
  type: 'logic.select',
  version: 1,
  category: 'logic',
  title: 'Select (if-else)',
  description: 'Passes "if true" while the condition holds and "if false" otherwise.',
  docs: {
    example: 'Condition = uptrend, if true = 100, if false = 30: a position size that depends on the regime.',
    caveats: [
      'No warm-up of its own; the output is NaN while the condition is unknown (NaN), or when the chosen branch is NaN.',
      'An unknown condition gives NaN rather than the "if false" value: picking a branch would act on a condition that has no value yet.',
      'Any known condition value other than exactly 1 picks "if false". Only the chosen branch matters: the other may be NaN.',
    ],
  },
  inputs: {
    condition: { kind: 'bool', description: 'Which branch to pass on this bar.' },
    ifTrue: { kind: 'number', description: 'Value passed while the condition is true.' },
    ifFalse: { kind: 'number', description: 'Value passed while the condition is false.' },
  },
  outputs: { value: { kind: 'number', description: 'The chosen value.' } },
  params: z.object({}),
  warmup: () => 0,
  init: () => ({}),
  step(_s, _p, input, out) {
    const c = input.condition;
    out.value = c !== c ? NaN : c === 1 ? input.ifTrue : input.ifFalse;
  },
  kernel(_s, _p, input, out, from, to) {
    // NaN as a local: read as the global on a path that has not run yet (no NaN input so far), V8
    // compiles it to a call in the loop, which slows every bar (docs/engine.md, "NaN in a hot loop").
    const nan = NaN;
    const cond = input.condition, yes = input.ifTrue, no = input.ifFalse, y = out.value;
    for (let t = from; t < to; t++) {
      const c = cond[t]!;
      y[t] = c !== c ? nan : c === 1 ? yes[t]! : no[t]!;
    }
  },
  pointwise: () => (out, [c, yes, no]) => `const ${out} = ${c} !== ${c} ? nan : ${c} === 1 ? ${yes} : ${no};`,
});
