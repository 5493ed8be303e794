import { z } from 'zod';
import { bool, wiredConditions } from '../../bool.ts';
import { defineNode } from '../../contract.ts';

/** One condition or the other, not both. */
export const xor = defineNode({
  type: 'logic.xor',
  version: 1,
  category: 'logic',
  title: 'XOR',
  description: 'True when exactly one of the connected conditions is true (or an odd number, if chosen).',
  docs: {
    example: 'Fast signal XOR slow signal: flag the bars where the two disagree.',
    caveats: [
      'No warm-up of its own; the output is never NaN.',
      'While any wired input is unknown (NaN) the result is false: unlike OR, the answer depends on every input, so it cannot be known yet. C and D are ignored when unwired.',
      'Any known value other than exactly 1 counts as false.',
      'With two inputs both rules agree; with three or four, "exactly one" and "odd number" differ (three true inputs are odd, but not exactly one).',
    ],
  },
  inputs: {
    a: { kind: 'bool', description: 'First condition.' },
    b: { kind: 'bool', description: 'Second condition.' },
    c: { kind: 'bool', description: 'Optional third condition.', optional: true },
    d: { kind: 'bool', description: 'Optional fourth condition.', optional: true },
  },
  outputs: { result: { kind: 'bool', description: 'The connected conditions disagree as the rule says.' } },
  params: z.object({
    rule: z.enum(['exactlyOne', 'odd']).default('exactlyOne').describe('"exactlyOne": true when exactly one condition holds; "odd": when an odd number hold (parity).'),
  }),
  warmup: () => 0,
  // As in AND: an unwired optional input must be left out, but a wired one that is still unknown must
  // hold the result at false, and only the wiring tells the two apart.
  init: (_p, wired) => ({ useC: wired.c ? 1 : 0, useD: wired.d ? 1 : 0 }),
  step(s, p, input, out) {
    const { a, b, c, d } = input;
    if (a !== a || b !== b || (s.useC === 1 && c !== c) || (s.useD === 1 && d !== d)) {
      out.result = 0;
      return;
    }
    const count = (a === 1 ? 1 : 0) + (b === 1 ? 1 : 0) + (s.useC === 1 && c === 1 ? 1 : 0) + (s.useD === 1 && d === 1 ? 1 : 0);
    out.result = bool(p.rule === 'odd' ? count % 2 === 1 : count === 1);
  },
  kernel(s, p, input, out, from, to) {
    const xa = input.a, xb = input.b, xc = input.c, xd = input.d, r = out.result;
    const useC = s.useC === 1, useD = s.useD === 1, odd = p.rule === 'odd';
    for (let t = from; t < to; t++) {
      const a = xa[t]!, b = xb[t]!, c = xc[t]!, d = xd[t]!;
      if (a !== a || b !== b || (useC && c !== c) || (useD && d !== d)) {
        r[t] = 0;
        continue;
      }
      const count = (a === 1 ? 1 : 0) + (b === 1 ? 1 : 0) + (useC && c === 1 ? 1 : 0) + (useD && d === 1 ? 1 : 0);
      r[t] = (odd ? count % 2 === 1 : count === 1) ? 1 : 0;
    }
  },
  // The kernel's arithmetic, with the wired inputs and the rule written in.
  pointwise: (p, wired) => (out, inputs) => {
    const used = wiredConditions(inputs, wired);
    const count = used.map((x) => `(${x} === 1 ? 1 : 0)`).join(' + ');
    return `const ${out}n = ${count}; const ${out} = ${used.map((x) => `${x} !== ${x}`).join(' || ')} ? 0 : ${p.rule === 'odd' ? `${out}n % 2 === 1` : `${out}n === 1`} ? 1 : 0;`;
  },
});
