import { z } from 'zod';
import { defineNode } from '../../contract.ts';

/** Chaikin Money Flow: money-flow volume over N bars divided by volume over N bars. */
export const cmf = defineNode({
  type: 'indicator.cmf',
  version: 1,
  category: 'indicator',
  title: 'Chaikin Money Flow',
  description: 'Buying versus selling pressure over N bars, from −1 to +1.',
  docs: {
    example: 'CMF(20) above 0.05 as a volume confirmation for a long entry.',
    caveats: [
      'CMF = Σ money-flow volume / Σ volume over the last N bars, where a bar’s money-flow volume is volume × ((close − low) − (high − close)) / (high − low), as in Chaikin’s definition (StockCharts).',
      'First value at bar N (index N−1).',
      'A bar with no range (high = low) counts its volume but adds no money flow; a window with no volume at all reads 0, so neither divides by zero.',
      'A bar with a NaN high, low, close or volume outputs NaN and restarts the window.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'OHLCV bars; uses high, low, close and volume.' } },
  outputs: { value: { kind: 'number', description: 'Money flow from −1 (closes at the lows) to +1 (closes at the highs).' } },
  params: z.object({
    period: z.number().int().min(1).max(10_000).default(20).describe('Number of bars summed.'),
  }),
  warmup: (p) => p.period - 1,
  init: (p) => ({ flows: new Array<number>(p.period).fill(0), volumes: new Array<number>(p.period).fill(0), next: 0, count: 0 }),
  step(s, p, input, out) {
    const { high, low, close, volume } = input.bars;
    const n = p.period;
    if (high !== high || low !== low || close !== close || volume !== volume) {
      s.next = 0;
      s.count = 0;
      out.value = NaN;
      return;
    }
    const range = high - low;
    s.flows[s.next] = range > 0 ? ((close - low - (high - close)) / range) * volume : 0;
    s.volumes[s.next] = volume;
    s.next = s.next + 1 === n ? 0 : s.next + 1;
    if (s.count < n) s.count++;
    if (s.count < n) {
      out.value = NaN;
      return;
    }
    // Summed afresh each bar: running sums of fractional flows would drift over a long live run.
    let flow = 0;
    let vol = 0;
    for (let i = 0; i < n; i++) {
      flow += s.flows[i];
      vol += s.volumes[i];
    }
    out.value = vol === 0 ? 0 : flow / vol;
  },
  kernel(s, p, input, out, from, to) {
    const H = input.bars.high, L = input.bars.low, C = input.bars.close, V = input.bars.volume, y = out.value;
    const flows = s.flows, volumes = s.volumes, n = p.period;
    let next = s.next, count = s.count;
    for (let t = from; t < to; t++) {
      const high = H[t]!, low = L[t]!, close = C[t]!, volume = V[t]!;
      if (high !== high || low !== low || close !== close || volume !== volume) {
        next = 0;
        count = 0;
        y[t] = NaN;
        continue;
      }
      const range = high - low;
      flows[next] = range > 0 ? ((close - low - (high - close)) / range) * volume : 0;
      volumes[next] = volume;
      next = next + 1 === n ? 0 : next + 1;
      if (count < n) count++;
      if (count < n) {
        y[t] = NaN;
        continue;
      }
      let flow = 0;
      let vol = 0;
      for (let i = 0; i < n; i++) {
        flow += flows[i]!;
        vol += volumes[i]!;
      }
      y[t] = vol === 0 ? 0 : flow / vol;
    }
    s.next = next;
    s.count = count;
  },
});
