import { createHash } from 'node:crypto';

/** Venues cap client order ids (Binance: 36 characters of `[.A-Z:/a-z0-9_-]`); ours are 32. */
export const clientOrderIdPattern = /^tl[0-9a-f]{30}$/;

/**
 * The client order id of one order: a hash of what makes the order unique — the deployment, the bar it
 * was decided on, the node that decided it and its sequence within that bar. A retried activity or a
 * second worker recomputes the same id, and the venue refuses the second copy, so an order is placed at
 * most once however often the bar is processed (DESIGN.md §4).
 *
 * @example clientOrderId('3f…', 1732233600000, 'order', 0) // 'tl9c0e…' (always the same)
 */
export function clientOrderId(deploymentId: string, barTime: number, nodeId: string, sequence = 0): string {
  if (!Number.isFinite(barTime)) throw new Error(`a client order id needs a finite bar time, got ${barTime}`);
  const digest = createHash('sha256').update(`${deploymentId}\u0000${barTime}\u0000${nodeId}\u0000${sequence}`).digest('hex');
  return `tl${digest.slice(0, 30)}`;
}
