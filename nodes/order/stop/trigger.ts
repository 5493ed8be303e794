import { z } from 'zod';

/**
 * What the stop and stop-limit entries share: where the stop (trigger) price comes from, and the input
 * and param that say so.
 */

export const stopPriceInput = { kind: 'price', description: 'The stop (trigger) price; when unwired, the close moved by Offset %.', optional: true } as const;

export const stopOffsetParam = z
  .number()
  .min(0)
  .max(50)
  .default(1)
  .describe('Without a Price input: how far beyond the signal close the stop sits (%): above it for a long.');

/**
 * The stop price an entry fixes on this bar: the Price input when wired (`usePrice` 1), else the signal
 * `close` moved by Offset % against the side (above it for a long, below it for a short). Not checked:
 * NaN or not positive when the Price input is.
 */
export function stopPrice(p: { side: 'long' | 'short'; offsetPercent: number }, usePrice: number, price: number, close: number): number {
  if (usePrice === 1) return price;
  const sign = p.side === 'long' ? 1 : -1;
  return close * (1 + (sign * p.offsetPercent) / 100);
}
