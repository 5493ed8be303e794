import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { pearson } from '../pearson.ts';
import { ring, ringClear, ringFull, ringPush, ringStart } from '../ring.ts';

/** Rolling Pearson correlation of two series (TA-Lib CORREL). */
export const correlation = defineNode({
  type: 'indicator.correlation',
  version: 1,
  category: 'indicator',
  title: 'Correlation',
  description: 'Rolling Pearson correlation (−1 to 1) of two series over the last N bars.',
  docs: {
    example: 'Correlation(30) of two assets’ closes (or better, their returns) to see when a pair stops moving together.',
    caveats: [
      'Warm-up: needs N pairs, so the first output is at bar N (index N−1); NaN before that, as in TA-Lib CORREL. Computed from closed bars only.',
      'Correlating price levels finds spurious correlation between any two trending series; correlate returns for co-movement.',
      'When either series is flat over the window the correlation is undefined and reads 0 (TA-Lib also reads 0, though it does so whenever the product of the two sums of squared deviations is below 1e-8; this node only when a series is exactly flat).',
      'A NaN in either input outputs NaN and restarts the warm-up for both.',
    ],
  },
  inputs: {
    a: { kind: 'number', description: 'First series.' },
    b: { kind: 'number', description: 'Second series.' },
  },
  outputs: { value: { kind: 'number', description: 'Correlation from −1 to 1.' } },
  params: z.object({
    period: z.number().int().min(2).max(10_000).default(30).describe('Number of bars in the window.'),
  }),
  warmup: (p) => p.period - 1,
  init: (p) => ({ a: ring(p.period), b: ring(p.period) }),
  step(s, p, input, out) {
    const x = input.a;
    const y = input.b;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      ringClear(s.a);
      ringClear(s.b);
      out.value = NaN;
      return;
    }
    ringPush(s.a, x);
    ringPush(s.b, y);
    out.value = ringFull(s.a) ? pearson(s.a.buf, ringStart(s.a), s.b.buf, ringStart(s.b), p.period) : NaN;
  },
  kernel(s, p, input, out, from, to) {
    const xa = input.a, xb = input.b, y = out.value, n = p.period;
    const ra = s.a, rb = s.b, bufA = ra.buf, bufB = rb.buf, sizeA = ra.size, sizeB = rb.size;
    let headA = ra.head, countA = ra.count, headB = rb.head, countB = rb.count;
    for (let t = from; t < to; t++) {
      const x = xa[t]!;
      const v = xb[t]!;
      if (x !== x || v !== v) {
        headA = countA = headB = countB = 0;
        y[t] = NaN;
        continue;
      }
      // ringPush on both, inlined.
      bufA[headA] = x;
      bufA[headA + sizeA] = x;
      headA = headA + 1 === sizeA ? 0 : headA + 1;
      if (countA < sizeA) countA++;
      bufB[headB] = v;
      bufB[headB + sizeB] = v;
      headB = headB + 1 === sizeB ? 0 : headB + 1;
      if (countB < sizeB) countB++;
      y[t] = countA === sizeA ? pearson(bufA, headA + sizeA - countA, bufB, headB + sizeB - countB, n) : NaN;
    }
    ra.head = headA;
    ra.count = countA;
    rb.head = headB;
    rb.count = countB;
  },
});
