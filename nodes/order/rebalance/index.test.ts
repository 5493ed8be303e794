import { describe, expect, it } from 'vitest';
import { runNode, targets } from '../../testing.ts';
import { rebalance } from './index.ts';

describe('order.rebalance', () => {
  it('sizes to weight × equity / close, and re-sizes only beyond the band', () => {
    // Equity 100 000 at 100: weight 0.5 → 500 units. 0.52 is 2 % of equity away (inside 5 %); 0.6 is 10 % away.
    const { order } = runNode(rebalance, { inputs: { weight: [0.5, 0.52, 0.6, 0, -0.2] } });
    expect(targets(order)).toEqual([500, 500, 600, 0, -200]);
  });

  it('holds on a NaN weight and only reconsiders every N bars', () => {
    const { order } = runNode(rebalance, { params: { everyBars: 3, bandPercent: 0 }, inputs: { weight: [NaN, 0.1, 0.2, 0.3, 0.4, 0.5] } });
    // Bar 0 has no weight (no instruction); bar 1 sizes the first position; bars 3 is the next due bar.
    expect(targets(order)).toEqual([NaN, 100, 100, 300, 300, 300]);
  });

  it('uses portfolio equity and the symbol close from the context', () => {
    const { order } = runNode(rebalance, { inputs: { weight: [0.25] }, ctx: [{ equity: 40_000, close: 50 }] });
    expect(targets(order)).toEqual([200]);
  });
});
