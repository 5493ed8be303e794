import { z } from 'zod';
import { defineNode } from '../../contract.ts';

const minuteMs = 60_000;
/**
 * Periods count from Monday 1970-01-05 00:00 UTC, not from the epoch (a Thursday), so a week (10 080
 * minutes) runs Monday to Sunday. Four days are a whole number of any period that divides a day or four
 * days, so hourly, daily and two-day periods fall where they always did.
 */
const anchor = 4 * 86_400_000;

/**
 * Multi-timeframe without lookahead: builds higher-timeframe bars from the base bars and publishes each
 * one only on the base bar that completes it. Nodes fed by its outputs step only then (their clock).
 */
export const resample = defineNode({
  type: 'data.resample',
  version: 1,
  category: 'data',
  title: 'Resample',
  description: 'Higher-timeframe bars (e.g. 1 h from 5 min), published only once each is complete.',
  docs: {
    example: 'Resample 1 h bars, SMA(20) of their close, compare with the 5-minute close: trade with the hourly trend.',
    caveats: [
      'Periods are aligned to UTC (60 minutes: on the hour; 1440: at midnight UTC; 10080: weeks from Monday 00:00 UTC). Outputs hold the last complete period until the next one completes, and Closed is true on the bar that completes it.',
      'A period is complete on the base bar whose end reaches the period end (the bar interval is learnt from the data), or, when data is missing, on the first bar of a later period.',
      'Nodes fed only by Resample outputs step once per period, so SMA(20) on it averages 20 periods; its warm-up counts base bars.',
      'If a gap is followed by a one-bar period, the earlier period is published and at once replaced: downstream nodes see the later one.',
    ],
  },
  inputs: { bars: { kind: 'bars', description: 'The base bars.' } },
  outputs: {
    bars: { kind: 'bars', description: 'The last complete higher-timeframe bar (time = its period start).' },
    open: { kind: 'price', description: 'Open of the last complete period.' },
    high: { kind: 'price', description: 'High of the last complete period.' },
    low: { kind: 'price', description: 'Low of the last complete period.' },
    close: { kind: 'price', description: 'Close of the last complete period.' },
    volume: { kind: 'number', description: 'Volume of the last complete period.' },
    closed: { kind: 'bool', description: 'True on the base bar that completes a period.' },
  },
  params: z.object({
    minutes: z.number().int().min(1).max(43_200).default(60).describe('Length of the higher timeframe, in minutes (60 = hourly, 1440 = daily).'),
  }),
  resample: { factor: (p, request) => (request.kind === 'synthetic' ? p.minutes / request.intervalMinutes : 1) },
  init: () => ({ interval: Infinity, prevTime: NaN, period: NaN, count: 0, o: NaN, h: NaN, l: NaN, c: NaN, v: 0 }),
  step(s, p, input, out) {
    const b = input.bars;
    out.closed = 0;
    if (!(b.time === b.time && b.close === b.close)) return;
    const len = p.minutes * minuteMs;
    if (s.prevTime === s.prevTime && b.time > s.prevTime) s.interval = Math.min(s.interval, b.time - s.prevTime);
    s.prevTime = b.time;
    const period = Math.floor((b.time - anchor) / len);
    // A later period began before the last one saw its final bar: what it has is all it will get.
    if (s.count > 0 && period !== s.period) publish(s, out, len);
    if (s.count === 0) {
      s.period = period;
      s.o = b.open;
      s.h = b.high;
      s.l = b.low;
      s.v = 0;
    } else {
      s.h = Math.max(s.h, b.high);
      s.l = Math.min(s.l, b.low);
    }
    s.c = b.close;
    s.v += b.volume;
    s.count++;
    // This bar ends at or past the period's end: the period is complete now, at this bar's close.
    if (s.interval < Infinity && b.time + s.interval >= anchor + (period + 1) * len) publish(s, out, len);
  },
});

interface Building {
  period: number;
  count: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}

function publish(s: Building, out: { bars: { time: number; open: number; high: number; low: number; close: number; volume: number }; open: number; high: number; low: number; close: number; volume: number; closed: number }, len: number): void {
  const bar = out.bars;
  bar.time = anchor + s.period * len;
  out.open = bar.open = s.o;
  out.high = bar.high = s.h;
  out.low = bar.low = s.l;
  out.close = bar.close = s.c;
  out.volume = bar.volume = s.v;
  out.closed = 1;
  s.count = 0;
}
