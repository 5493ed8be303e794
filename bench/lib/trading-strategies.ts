import { readFileSync } from 'node:fs';
import type { GraphInput } from '../../engine/graph.ts';

/** The strategies the trading benchmark deploys and sweeps, as the graphs a user would save. */

const smaCrossover = JSON.parse(readFileSync(new URL('../../docs/examples/sma-crossover.json', import.meta.url), 'utf8')) as GraphInput;

/**
 * An order on (almost) every bar, so a short replay yields hundreds of bar → order events: hold as many
 * units as the close (≈ 100 units ≈ 10 % of equity) and re-size whenever the close moves more than
 * 0.0001 % from the held size. A 1-minute bar moves ≈ 0.08 %, so nearly every bar re-sizes.
 */
export function everyBarGraph(bars: number): GraphInput {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'data', type: 'data.synthetic', params: { seed: 1, bars, intervalMinutes: 1 }, position: { x: 0, y: 0 } },
      { id: 'order', type: 'order.targetPosition', params: { rebalanceBandPercent: 0.0001 }, position: { x: 280, y: 0 } },
    ],
    edges: [{ id: 'e1', source: { node: 'data', port: 'close' }, target: { node: 'order', port: 'units' } }],
    settings: { initialCash: 100_000, commissionBps: 1 },
  } as GraphInput;
}

/**
 * The docs' SMA crossover with both periods optimisable: `fast` × `slow` values give the sweep's sets
 * (every pair has fast < slow, so no set is refused).
 */
export function sweepGraph(bars: number, fast: number[], slow: number[]): GraphInput {
  return {
    ...smaCrossover,
    nodes: smaCrossover.nodes.map((n) =>
      n.id === 'data'
        ? { ...n, params: { ...n.params, seed: 1, bars } }
        : n.id === 'fast'
          ? { ...n, optimize: { period: { values: fast } } }
          : n.id === 'slow'
            ? { ...n, optimize: { period: { values: slow } } }
            : n,
    ),
  } as GraphInput;
}

/** The deployment integration tests' fixtures: SMA(3/8) crossover, and risk limits it trades freely under. */
export { fastCross, roomyLimits } from '../../workflows/deployment-fixtures.ts';
