import { z } from 'zod';
import { bool, isTrue } from '../../bool.ts';
import { defineNode } from '../../contract.ts';

/** All connected conditions must hold. */
export const and = defineNode({
  type: 'logic.and',
  version: 1,
  category: 'logic',
  title: 'AND',
  description: 'True when every connected condition is true.',
  docs: {
    example: 'RSI < 30 AND close > SMA(200): buy dips only in an uptrend.',
    caveats: ['Unknown (warm-up) inputs count as false. C and D are optional and ignored when unwired.'],
  },
  inputs: {
    a: { kind: 'bool', description: 'First condition.' },
    b: { kind: 'bool', description: 'Second condition.' },
    c: { kind: 'bool', description: 'Optional third condition.', optional: true },
    d: { kind: 'bool', description: 'Optional fourth condition.', optional: true },
  },
  outputs: { result: { kind: 'bool', description: 'All conditions hold.' } },
  params: z.object({}),
  init: () => ({}),
  step(_s, _p, input, out) {
    // An unwired optional input reads NaN, which must not veto the others.
    const c = input.c !== input.c || isTrue(input.c);
    const d = input.d !== input.d || isTrue(input.d);
    out.result = bool(isTrue(input.a) && isTrue(input.b) && c && d);
  },
});
