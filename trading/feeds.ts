import { z } from 'zod';
import type { Bars } from '../engine/bars.ts';
import { DataChoice } from '../engine/data.ts';
import type { Bar } from './adapters/paper.ts';

/**
 * Where a deployment's bars come from:
 * - `replay`: a stored dataset or a synthetic series played at a chosen speed (bars per second), for
 *   demos and tests. Bar i becomes available `(i + 1) / barsPerSecond` seconds after the deployment
 *   started, so a replay is also a clock: a worker that was down finds the bars it missed waiting.
 * - `ccxt`: closed candles polled from a venue's public OHLCV endpoint (Binance spot klines).
 */
// Strict, as every request object here: a misspelt field (`barsPerSec`) is refused, not silently defaulted.
export const FeedConfig = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('replay'),
    data: DataChoice.optional().describe("The series to play; absent for the strategy's own data node."),
    barsPerSecond: z.number().positive().max(1000).default(1),
    /** Skip this many bars at the start (e.g. to warm up on history the strategy has not seen). */
    startBar: z.number().int().min(0).default(0),
  }).strict(),
  z.object({
    kind: z.literal('ccxt'),
    exchange: z.literal('binance'),
    symbol: z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/).describe('Unified symbol, e.g. BTC/USDT.'),
    timeframe: z.enum(['1m', '5m', '15m', '1h', '4h', '1d']).default('1m'),
    sandbox: z.boolean().default(true),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    pollMs: z.number().int().min(200).max(300_000).default(5000),
  }).strict(),
]);
export type FeedConfig = z.infer<typeof FeedConfig>;

export const timeframeMs: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '1d': 86_400_000 };

/** A closed bar as a deployment receives it: the OHLCV, and when its price was observed. */
export interface FeedBar extends Bar {
  /**
   * When the bar's close was a current price (epoch ms, wall clock): the replay's schedule, or a
   * candle's close time. The risk gate's reference price is only as fresh as this.
   */
  observedAt: number;
}

export interface FeedPoll {
  bars: FeedBar[];
  /** How long until the next bar is due, for the workflow's timer. */
  waitMs: number;
  /** The replay has played its last bar. */
  ended: boolean;
}

/**
 * The replay's next bars after `cursor` (a bar time; null before the first), at most `max`, given the
 * wall clock `now` and when the replay started.
 */
export function replayPoll(bars: Bars, feed: Extract<FeedConfig, { kind: 'replay' }>, startedAt: number, cursor: number | null, now: number, max: number): FeedPoll {
  const n = bars.time.length;
  const msPerBar = 1000 / feed.barsPerSecond;
  let i = feed.startBar;
  if (cursor !== null) {
    // Bar times are increasing: binary search for the first bar after the cursor.
    let lo = feed.startBar, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bars.time[mid]! <= cursor) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
  }
  const out: FeedBar[] = [];
  const dueAt = (k: number) => startedAt + (k - feed.startBar + 1) * msPerBar;
  while (i < n && out.length < max && dueAt(i) <= now) {
    out.push({ time: bars.time[i]!, open: bars.open[i]!, high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]!, volume: bars.volume[i]!, observedAt: dueAt(i) });
    i++;
  }
  return { bars: out, waitMs: i < n ? Math.max(0, Math.ceil(dueAt(i) - now)) : 0, ended: i >= n };
}

/** The subset of a ccxt exchange the polling feed uses (public, no keys). */
export interface OhlcvSource {
  fetchOHLCV(symbol: string, timeframe: string, since?: number, limit?: number): Promise<(number | undefined)[][]>;
}

/** Closed candles after `cursor` from the venue's public endpoint. A candle still forming is left for later. */
export async function ccxtPoll(source: OhlcvSource, feed: Extract<FeedConfig, { kind: 'ccxt' }>, cursor: number | null, now: number, max: number): Promise<FeedPoll> {
  const tf = timeframeMs[feed.timeframe]!;
  // With no cursor, start from the last few closed candles rather than the venue's whole history.
  const since = cursor === null ? now - tf * Math.min(max, 5) : cursor + 1;
  const rows = await source.fetchOHLCV(feed.symbol, feed.timeframe, since, max);
  const bars: FeedBar[] = [];
  for (const r of rows) {
    const [time, open, high, low, close, volume] = r.map((x) => Number(x));
    if (!(time! > (cursor ?? -Infinity))) continue;
    const closeAt = time! + tf;
    if (closeAt > now) break; // still forming
    bars.push({ time: time!, open: open!, high: high!, low: low!, close: close!, volume: volume!, observedAt: closeAt });
  }
  const last = bars.at(-1)?.time ?? cursor;
  const nextClose = last === null ? now + feed.pollMs : last + 2 * tf;
  return { bars, waitMs: Math.min(feed.pollMs, Math.max(200, nextClose - now)), ended: false };
}
