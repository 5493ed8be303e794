import { z } from 'zod';
import { defineNode } from '../../contract.ts';

export const arithmeticOperators = ['+', '-', '*', '/', 'min', 'max', 'pow'] as const;

/** A op B, bar by bar. */
export const arithmetic = defineNode({
  type: 'math.arithmetic',
  version: 1,
  category: 'math',
  title: 'Arithmetic',
  description: 'Combines two series bar by bar: A + B, A − B, A × B, A ÷ B, min, max or A to the power B.',
  docs: {
    example: 'Close − SMA(20): the distance of price from its average; or High − Low for the bar range.',
    caveats: [
      'No warm-up of its own; NaN while either input is NaN.',
      'Division by zero gives NaN (unknown), not ±Infinity: a missing answer is safer downstream than an infinite one. Likewise any result that is not a finite number (an overflowing power, a negative base to a fractional power) is NaN.',
      'min and max of a NaN and a number are NaN, not the number.',
    ],
  },
  inputs: {
    a: { kind: 'number', description: 'Left operand.' },
    b: { kind: 'number', description: 'Right operand.' },
  },
  outputs: { value: { kind: 'number', description: 'A op B on this bar.' } },
  params: z.object({
    operator: z.enum(arithmeticOperators).default('-').describe('+ add, - subtract, * multiply, / divide, min, max, pow (A to the power B).'),
  }),
  warmup: () => 0,
  init: () => ({}),
  step(_s, p, input, out) {
    const { a, b } = input;
    let v: number;
    switch (p.operator) {
      case '+': v = a + b; break;
      case '-': v = a - b; break;
      case '*': v = a * b; break;
      case '/': v = b === 0 ? NaN : a / b; break;
      case 'min': v = Math.min(a, b); break;
      case 'max': v = Math.max(a, b); break;
      case 'pow': v = Math.pow(a, b); break;
    }
    // v − v is 0 only for finite v: NaN and ±Infinity both fail it.
    out.value = v - v === 0 ? v : NaN;
  },
  kernel(_s, p, input, out, from, to) {
    // NaN as a local: read as the global on a path that has not run yet (no NaN input so far), V8
    // compiles it to a call in the loop, which slows every bar (docs/engine.md, "NaN in a hot loop").
    const nan = NaN;
    const xa = input.a, xb = input.b, y = out.value;
    // One loop per operator, so the switch is taken once per run rather than once per bar.
    switch (p.operator) {
      case '+':
        for (let t = from; t < to; t++) {
          const v = xa[t]! + xb[t]!;
          y[t] = v - v === 0 ? v : nan;
        }
        break;
      case '-':
        for (let t = from; t < to; t++) {
          const v = xa[t]! - xb[t]!;
          y[t] = v - v === 0 ? v : nan;
        }
        break;
      case '*':
        for (let t = from; t < to; t++) {
          const v = xa[t]! * xb[t]!;
          y[t] = v - v === 0 ? v : nan;
        }
        break;
      case '/':
        for (let t = from; t < to; t++) {
          const b = xb[t]!;
          const v = b === 0 ? nan : xa[t]! / b;
          y[t] = v - v === 0 ? v : nan;
        }
        break;
      case 'min':
        for (let t = from; t < to; t++) {
          const v = Math.min(xa[t]!, xb[t]!);
          y[t] = v - v === 0 ? v : nan;
        }
        break;
      case 'max':
        for (let t = from; t < to; t++) {
          const v = Math.max(xa[t]!, xb[t]!);
          y[t] = v - v === 0 ? v : nan;
        }
        break;
      case 'pow':
        for (let t = from; t < to; t++) {
          const v = Math.pow(xa[t]!, xb[t]!);
          y[t] = v - v === 0 ? v : nan;
        }
        break;
    }
  },
  pointwise: (p) => (out, [a, b]) => `const ${out}v = ${arithmeticCode[p.operator](a!, b!)}; const ${out} = ${out}v - ${out}v === 0 ? ${out}v : nan;`,
});

// Each operator's value in JavaScript, for a pointwise chain; the result is NaN unless finite, as above.
const arithmeticCode: Record<(typeof arithmeticOperators)[number], (a: string, b: string) => string> = {
  '+': (a, b) => `${a} + ${b}`,
  '-': (a, b) => `${a} - ${b}`,
  '*': (a, b) => `${a} * ${b}`,
  '/': (a, b) => `${b} === 0 ? nan : ${a} / ${b}`,
  min: (a, b) => `Math.min(${a}, ${b})`,
  max: (a, b) => `Math.max(${a}, ${b})`,
  pow: (a, b) => `Math.pow(${a}, ${b})`,
};
