/**
 * A strategy graph made slow on purpose: `graph` (a crossover strategy with a `cross` node feeding
 * `order.enter` through edge `e5`, as docs/examples/sma-crossover.json) with its entries gated by a
 * Hurst-exponent filter, which costs about 10 µs a bar on the bench machine. For tests that must act on
 * a backtest while it is still running (cancel it, kill its worker, stop the database under it): the
 * plain crossover runs 15M bars in about a second, so those tests would otherwise race the engine.
 */
export function slowGraph<G extends { nodes: object[]; edges: { id: string }[] }>(graph: G): G {
  return {
    ...graph,
    nodes: [
      ...graph.nodes,
      { id: 'hurst', type: 'indicator.hurst', params: { window: 100, maxLag: 20 }, position: { x: 260, y: 360 } },
      { id: 'trending', type: 'logic.threshold', params: { operator: '>', level: 0.5 }, position: { x: 520, y: 360 } },
      { id: 'both', type: 'logic.and', params: {}, position: { x: 640, y: 240 } },
    ],
    edges: [
      ...graph.edges.filter((e) => e.id !== 'e5'),
      { id: 'h1', source: { node: 'data', port: 'close' }, target: { node: 'hurst', port: 'source' } },
      { id: 'h2', source: { node: 'hurst', port: 'value' }, target: { node: 'trending', port: 'value' } },
      { id: 'h3', source: { node: 'cross', port: 'above' }, target: { node: 'both', port: 'a' } },
      { id: 'h4', source: { node: 'trending', port: 'result' }, target: { node: 'both', port: 'b' } },
      { id: 'h5', source: { node: 'both', port: 'result' }, target: { node: 'order', port: 'enter' } },
    ],
  };
}
