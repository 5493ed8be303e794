import type { StepContext } from '../contract.ts';
import type { Bar } from '../ports.ts';

/** The ports every bar source exposes: the bar stream and its fields as per-bar values. */
export const barOutputs = {
  bars: { kind: 'bars', description: 'The closed OHLCV bars.' },
  open: { kind: 'price', description: 'Open of the bar that just closed.' },
  high: { kind: 'price', description: 'High of the bar that just closed.' },
  low: { kind: 'price', description: 'Low of the bar that just closed.' },
  close: { kind: 'price', description: 'Close of the bar that just closed.' },
  volume: { kind: 'number', description: 'Volume of the bar that just closed.' },
} as const;

type BarValues = { -readonly [K in Exclude<keyof typeof barOutputs, 'bars'>]: number } & { bars: Bar };

/** A data node's step: the engine loads its bars into the context; the node publishes them. */
export function publishBar(_state: unknown, _params: unknown, _input: unknown, out: BarValues, ctx: Readonly<StepContext>): void {
  const bar = out.bars;
  bar.time = ctx.time;
  bar.open = ctx.open;
  bar.high = ctx.high;
  bar.low = ctx.low;
  bar.close = ctx.close;
  bar.volume = ctx.volume;
  out.open = ctx.open;
  out.high = ctx.high;
  out.low = ctx.low;
  out.close = ctx.close;
  out.volume = ctx.volume;
}
