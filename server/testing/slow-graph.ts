/**
 * A strategy graph made slow on purpose: `graph` (a crossover strategy with a `cross` node feeding
 * `order.enter` through edge `e5`, as docs/examples/sma-crossover.json) with its entries gated by the
 * close's percent rank over the last 10 000 bars. That node walks its whole window on every bar, about
 * 12 µs a bar on the bench machine (`node bench/kernel-ab.ts . . indicator.percentRank '{"period":10000}'`),
 * so 1M bars take ≈ 12 s. For tests that must act on a backtest while it is still running (cancel it,
 * kill its worker, stop the database under it): the plain crossover runs 15M bars in about a second, so
 * those tests would otherwise race the engine. Until session 17 the gate was a Hurst filter, once about
 * 10 µs a bar; its kernel had become ≈ 0.45 µs (1M bars in ≈ 0.6 s), and the PostgreSQL restart test
 * found its backtest finished before the outage began.
 */
export function slowGraph<G extends { nodes: object[]; edges: { id: string }[] }>(graph: G): G {
  return {
    ...graph,
    nodes: [
      ...graph.nodes,
      { id: 'rank', type: 'indicator.percentRank', params: { period: 10_000 }, position: { x: 260, y: 360 } },
      { id: 'high', type: 'logic.threshold', params: { operator: '>', level: 50 }, position: { x: 520, y: 360 } },
      { id: 'both', type: 'logic.and', params: {}, position: { x: 640, y: 240 } },
    ],
    edges: [
      ...graph.edges.filter((e) => e.id !== 'e5'),
      { id: 'h1', source: { node: 'data', port: 'close' }, target: { node: 'rank', port: 'source' } },
      { id: 'h2', source: { node: 'rank', port: 'value' }, target: { node: 'high', port: 'value' } },
      { id: 'h3', source: { node: 'cross', port: 'above' }, target: { node: 'both', port: 'a' } },
      { id: 'h4', source: { node: 'high', port: 'result' }, target: { node: 'both', port: 'b' } },
      { id: 'h5', source: { node: 'both', port: 'result' }, target: { node: 'order', port: 'enter' } },
    ],
  };
}
