import { mulberry32 } from './random.ts';
/** Closed OHLCV bars, column by column: the layout the executor loops over without allocating. */
export interface Bars {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export const barFields = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Bars of several symbols on one time line: `lanes[k]` are `symbols[k]`'s bars, every lane the same
 * length with the same times (a symbol with no bar at a time holds NaN there, which the engine skips).
 */
export interface Market {
  symbols: string[];
  lanes: Bars[];
}

/** Bars of one symbol, or of several: what a run trades. */
export type MarketData = Bars | Market;

export function asMarket(data: MarketData): Market {
  return 'lanes' in data ? data : { symbols: [''], lanes: [data] };
}

export function allocBars(n: number): Bars {
  return {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
}

/** Thrown for data a run cannot trust; the message names the line and field concerned. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}


export interface SyntheticSpec {
  seed: number;
  bars: number;
  startPrice: number;
  /** Annualised drift, e.g. 0.05 for +5 % a year. */
  drift: number;
  /** Annualised volatility, e.g. 0.3 for 30 %. */
  volatility: number;
  intervalMinutes: number;
  startTime: number;
}

const minutesPerYear = 365.25 * 24 * 60;

/**
 * `symbols` seeded random walks on one time line, named SYN1, SYN2…; the first uses the spec's own seed,
 * so one symbol gives exactly `syntheticBars(spec)`.
 */
export function syntheticMarket(spec: SyntheticSpec & { symbols?: number }): Market {
  const count = spec.symbols ?? 1;
  const lanes = Array.from({ length: count }, (_, k) => syntheticBars({ ...spec, seed: (spec.seed + k * 1_000_003) >>> 0 }));
  return { symbols: lanes.map((_, k) => `SYN${k + 1}`), lanes };
}

/**
 * Seeded geometric Brownian motion bars. Each bar's open is the previous close; high and low come
 * from the bar's own intrabar path extremes, so high ≥ max(open, close) and low ≤ min(open, close).
 */
export function syntheticBars(spec: SyntheticSpec): Bars {
  const rand = mulberry32(spec.seed);
  const gauss = () => {
    // Box–Muller; 1 - u keeps log away from 0.
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const dt = spec.intervalMinutes / minutesPerYear;
  const mu = (spec.drift - 0.5 * spec.volatility ** 2) * dt;
  const sigma = spec.volatility * Math.sqrt(dt);
  const b = allocBars(spec.bars);
  let price = spec.startPrice;
  for (let i = 0; i < spec.bars; i++) {
    const open = price;
    const close = open * Math.exp(mu + sigma * gauss());
    const wiggle = Math.abs(close - open) + open * sigma * 0.5;
    b.time[i] = spec.startTime + i * spec.intervalMinutes * 60_000;
    b.open[i] = open;
    b.close[i] = close;
    b.high[i] = Math.max(open, close) + wiggle * rand();
    b.low[i] = Math.max(Math.min(open, close) - wiggle * rand(), Math.min(open, close) * 0.5);
    b.volume[i] = Math.round(1000 + 9000 * rand());
    price = close;
  }
  return b;
}
