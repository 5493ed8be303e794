import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticBars } from '../../engine/bars.ts';
import { writeBars } from '../lib/data.ts';
import { venvPython } from '../lib/venv.ts';
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

// TA-Lib runs where the benchmark's Python peers are installed (`npm run bench:peers`; CI installs them).
const hasTalib = existsSync(venvPython) && spawnSync(venvPython, ['-c', 'import talib']).status === 0;

describe.skipIf(!hasTalib)('the indicator benchmark’s TA-Lib calls compute the nodes’ indicators', () => {
  it('every case with a TA-Lib call agrees with the node, unless it says how it differs', () => {
    const bars = syntheticBars({ seed: 7, bars: 5_000, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 1, startTime: Date.UTC(2024, 0, 1) });
    const dir = mkdtempSync(join(tmpdir(), 'talib-'));
    try {
      writeBars(join(dir, 'bars.bin'), bars);
      const calls = cases.flatMap((c) => (c.talib ? [{ title: c.title, output: 0, ...c.talib }] : []));
      const r = spawnSync(venvPython, [join(import.meta.dirname, 'talib_indicators.py'), join(dir, 'bars.bin'), '1'], { input: JSON.stringify(calls), encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const got = new Map((JSON.parse(r.stdout) as { title: string; tail: (number | null)[] }[]).map((x) => [x.title, x.tail.map((v) => v ?? NaN)]));
      expect(got.size).toBe(calls.length);
      for (const c of cases) {
        if (!c.talib) continue;
        const ours = tradeloom(c, bars);
        const diff = agreement(ours[c.output ?? Object.keys(ours)[0]!]!, got.get(c.title)!);
        if (c.differs?.talib) expect(diff, `${c.title}: ${c.differs.talib}`).toBeGreaterThan(1e-8);
        else expect(diff, c.title).toBeLessThan(1e-8);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
