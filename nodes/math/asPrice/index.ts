import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/**
 * A number declared a price. A Number output cannot feed a Price input (an oscillator wired where a price
 * is expected is a classic silent bug), yet an average or a band of the close is a price level: this node
 * is the explicit, visible step that says so.
 */
export const asPrice = defineNode({
  type: 'math.asPrice',
  version: 1,
  category: 'math',
  title: 'As price',
  description: 'Use a number as a price: an average or band of the close as a limit or stop level.',
  docs: {
    example: 'Bollinger upper → As price → Stop-limit Price: buy the breakout of the band.',
    caveats: [
      'Passes the value through unchanged; it only tells the editor and compiler that it is a price in the quote currency.',
      'Wire only values on the price’s scale (an SMA, a band, close × a factor): an RSI of 30 would become a price of 30.',
      'No warm-up of its own; NaN in, NaN out. Order nodes skip an entry while their price is NaN or not positive.',
    ],
  },
  inputs: { value: { kind: 'number', description: 'A value on the price’s scale.' } },
  outputs: { price: { kind: 'price', description: 'The same value, as a price.' } },
  params: z.object({}),
  warmup: () => 0,
  init: () => ({}),
  step(_s, _p, input, out) {
    out.price = input.value;
  },
  kernel(_s, _p, input, out, from, to) {
    const x = input.value, y = out.price;
    for (let t = from; t < to; t++) y[t] = x[t]!;
  },
  pointwise: () => (out, [x]) => `const ${out} = ${x};`,
});
