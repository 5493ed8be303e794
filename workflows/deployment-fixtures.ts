import { readFileSync } from 'node:fs';

/** Test fixtures shared by the deployment integration tests. */
const base = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));

/** A fast crossover (SMA 3 over SMA 8) so a short replay trades several times. */
export const fastCross = { ...base, nodes: base.nodes.map((n: { id: string; params: object }) => (n.id === 'fast' ? { ...n, params: { period: 3 } } : n.id === 'slow' ? { ...n, params: { period: 8 } } : n)) };

/** Limits that let a 100 %-of-equity strategy trade freely. */
export const roomyLimits = { maxOrderQuantity: 10_000, maxOrderNotional: 10_000_000, maxPosition: 10_000, maxGrossExposure: 10_000_000, maxDrawdownPct: 90, maxDailyLossPct: 90, throttle: { maxOrders: 1000, windowMs: 60_000 } };
