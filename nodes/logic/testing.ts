import type { GraphInput } from '../../engine/graph.ts';
import { fixture } from '../../engine/testing.ts';

/** Every comparison operator with its result for a left side below, equal to and above the right side. */
export const operatorTruthTable = [
  ['>', [0, 0, 1]],
  ['>=', [0, 1, 1]],
  ['<', [1, 0, 0]],
  ['<=', [1, 1, 0]],
  ['==', [0, 1, 0]],
  ['!=', [1, 0, 1]],
] as const;

/**
 * A graph around a condition combiner of `type` (and, xor…), id `gate`: A is "close > 10", B is
 * "close < 14", and its result enters an order. `trend` (close > its SMA(3), so unknown for the first two
 * bars) feeds C when `trendOnC`, else C is left unwired.
 */
export function combinerFixture(type: string, trendOnC = false): GraphInput {
  const nodes = {
    data: { type: 'data.synthetic' },
    up: { type: 'logic.threshold', params: { operator: '>', level: 10 } },
    cheap: { type: 'logic.threshold', params: { operator: '<', level: 14 } },
    avg: { type: 'indicator.sma', params: { period: 3 } },
    trend: { type: 'logic.compare', params: { operator: '>' } },
    gate: { type },
    order: { type: 'order.targetPercent' },
  };
  const edges = ['data.close -> up.value', 'data.close -> cheap.value', 'up.result -> gate.a', 'cheap.result -> gate.b', 'gate.result -> order.enter', 'data.close -> avg.source', 'data.close -> trend.a', 'avg.value -> trend.b'];
  return fixture(nodes, trendOnC ? [...edges, 'trend.result -> gate.c'] : edges);
}
