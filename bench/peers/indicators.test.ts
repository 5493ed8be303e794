import { describe, expect, it } from 'vitest';
import { syntheticBars } from '../../engine/bars.ts';
import { agreement, cases, peerNames, tradeloom } from './indicators.ts';

/**
 * bench/indicators.ts reports speed ratios against the peers. They mean something only while each peer
 * computes the same indicator as the node: so every peer must agree with Tradeloom's values, unless the
 * case says how it differs, and then it must really differ (a stale note would hide a fixed peer call).
 */
describe('the indicator benchmark compares like with like', () => {
  const bars = syntheticBars({ seed: 7, bars: 5_000, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 1, startTime: Date.UTC(2024, 0, 1) });
  for (const c of cases) {
    for (const peer of peerNames) {
      const run = c.peers[peer];
      if (!run) continue;
      it(`${c.title}: ${peer}`, () => {
        const ours = tradeloom(c, bars);
        const main = ours[c.output ?? Object.keys(ours)[0]!]!;
        const diff = agreement(main, run(bars));
        if (c.differs?.[peer]) expect(diff, c.differs[peer]).toBeGreaterThan(1e-8);
        else expect(diff).toBeLessThan(1e-8);
      });
    }
  }
});
