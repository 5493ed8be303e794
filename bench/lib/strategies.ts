/**
 * The benchmark strategies, stated once. Every implementation (Tradeloom, the JS hand loops and the
 * Python peers) gets the same spec as JSON on its command line, so their parameters cannot drift apart.
 *
 * Sizing is a fixed number of units on every implementation: backtesting.py only trades whole units
 * (a fractional `size` is floored), so "percent of equity" cannot be expressed identically everywhere,
 * while a fixed unit count can. Tradeloom expresses it as Target % of equity (100 %) capped by the
 * risk gate `risk.maxPosition` at `units`, so the gate is on the path in both strategies.
 */
import type { GraphInput } from '../../engine/graph.ts';

export interface S1Spec {
  strategy: 's1';
  fast: number;
  slow: number;
  units: number;
  initialCash: number;
  commissionBps: number;
  /** Two-sided slippage in bps (0 in the main run; see docs/benchmarks.md on backtesting.py). */
  slippageBps: number;
}

export interface S2Spec {
  strategy: 's2';
  rsiPeriod: number;
  enterBelow: number;
  exitAbove: number;
  atrPeriod: number;
  /** Stop-loss and take-profit, in ATRs from the signal bar's close. */
  stopAtr: number;
  takeProfitAtr: number;
  units: number;
  initialCash: number;
  commissionBps: number;
  slippageTicks: number;
  tickSize: number;
}

export type StrategySpec = S1Spec | S2Spec;

/** S1: SMA(10/50) cross, long only, next-open market fills, 1 bp commission. */
export const s1: S1Spec = { strategy: 's1', fast: 10, slow: 50, units: 10, initialCash: 100_000, commissionBps: 1, slippageBps: 0 };

/**
 * S2: RSI(14) mean reversion. Enter long when RSI < 30, exit when RSI > 70; a stop-loss 2 ATR(14) below
 * and a take-profit 3 ATR(14) above the signal bar's close ride with the entry. Next-open fills, 5 bps
 * commission, 1 tick (0.01) slippage on market and stop fills, none on the take-profit (a limit).
 * After a protective exit the strategy stays "in" (no re-entry) until RSI > 70 resets it, which is
 * how Tradeloom's latched Target % node behaves when the broker closes the position under it.
 */
export const s2: S2Spec = {
  strategy: 's2',
  rsiPeriod: 14,
  enterBelow: 30,
  exitAbove: 70,
  atrPeriod: 14,
  stopAtr: 2,
  takeProfitAtr: 3,
  units: 10,
  initialCash: 100_000,
  commissionBps: 5,
  slippageTicks: 1,
  tickSize: 0.01,
};

const at = (x: number, y: number) => ({ x, y });
const edge = (id: string, from: string, fromPort: string, to: string, toPort: string) => ({
  id,
  source: { node: from, port: fromPort },
  target: { node: to, port: toPort },
});

/** The Tradeloom graph for a spec: only registered nodes, wired as a user would in the editor. */
export function tradeloomGraph(spec: StrategySpec): GraphInput {
  const data = { id: 'data', type: 'data.synthetic', params: { seed: 1, bars: 1000 }, position: at(0, 120) };
  if (spec.strategy === 's1') {
    return {
      schemaVersion: 1,
      nodes: [
        data,
        { id: 'fast', type: 'indicator.sma', params: { period: spec.fast }, position: at(260, 40) },
        { id: 'slow', type: 'indicator.sma', params: { period: spec.slow }, position: at(260, 200) },
        { id: 'cross', type: 'logic.crossover', params: {}, position: at(520, 120) },
        { id: 'order', type: 'order.targetPercent', params: { percent: 100 }, position: at(760, 120) },
        { id: 'gate', type: 'risk.maxPosition', params: { maxQuantity: spec.units, maxPercentEquity: 100 }, position: at(1000, 120) },
      ],
      edges: [
        edge('e1', 'data', 'close', 'fast', 'source'),
        edge('e2', 'data', 'close', 'slow', 'source'),
        edge('e3', 'fast', 'value', 'cross', 'a'),
        edge('e4', 'slow', 'value', 'cross', 'b'),
        edge('e5', 'cross', 'above', 'order', 'enter'),
        edge('e6', 'cross', 'below', 'order', 'exit'),
        edge('e7', 'order', 'order', 'gate', 'order'),
      ],
      settings: { initialCash: spec.initialCash, commissionBps: spec.commissionBps, slippageModel: 'bps', slippageBps: spec.slippageBps },
    };
  }
  return {
    schemaVersion: 1,
    nodes: [
      data,
      { id: 'rsi', type: 'indicator.rsi', params: { period: spec.rsiPeriod }, position: at(260, 40) },
      { id: 'atr', type: 'indicator.atr', params: { period: spec.atrPeriod }, position: at(260, 240) },
      { id: 'oversold', type: 'logic.threshold', params: { operator: '<', level: spec.enterBelow }, position: at(520, 0) },
      { id: 'overbought', type: 'logic.threshold', params: { operator: '>', level: spec.exitAbove }, position: at(520, 100) },
      { id: 'order', type: 'order.targetPercent', params: { percent: 100 }, position: at(760, 40) },
      {
        id: 'exits',
        type: 'risk.stopTakeProfit',
        params: { basis: 'distance', stopLoss: spec.stopAtr, takeProfit: spec.takeProfitAtr, trail: 0 },
        position: at(1000, 120),
      },
      { id: 'gate', type: 'risk.maxPosition', params: { maxQuantity: spec.units, maxPercentEquity: 100 }, position: at(1240, 120) },
    ],
    edges: [
      edge('e1', 'data', 'close', 'rsi', 'source'),
      edge('e2', 'data', 'bars', 'atr', 'bars'),
      edge('e3', 'rsi', 'value', 'oversold', 'value'),
      edge('e4', 'rsi', 'value', 'overbought', 'value'),
      edge('e5', 'oversold', 'result', 'order', 'enter'),
      edge('e6', 'overbought', 'result', 'order', 'exit'),
      edge('e7', 'order', 'order', 'exits', 'order'),
      edge('e8', 'atr', 'value', 'exits', 'distance'),
      edge('e9', 'exits', 'order', 'gate', 'order'),
    ],
    settings: {
      initialCash: spec.initialCash,
      commissionBps: spec.commissionBps,
      slippageModel: 'ticks',
      slippageTicks: spec.slippageTicks,
      tickSize: spec.tickSize,
    },
  };
}

/**
 * S3: `assets` symbols; long when the close is above its EMA(200) and dips below the lower Bollinger
 * band (20, 2); out at the middle band. Volatility-target sizing (10 % annualised, at most 10 % of equity
 * per symbol) and a portfolio drawdown breaker (15 % from the peak flattens everything).
 */
export function s3Graph(assets: number, bars: number): GraphInput {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'data', type: 'data.synthetic', params: { seed: 1, bars, symbols: assets, intervalMinutes: 1 }, position: at(0, 120) },
      { id: 'ema', type: 'indicator.ema', params: { period: 200 }, position: at(260, 0) },
      { id: 'bands', type: 'indicator.bollinger', params: { period: 20, multiplier: 2 }, position: at(260, 200) },
      { id: 'trend', type: 'logic.compare', params: { operator: '>' }, position: at(520, 0) },
      { id: 'dip', type: 'logic.compare', params: { operator: '<' }, position: at(520, 120) },
      { id: 'entry', type: 'logic.and', params: {}, position: at(760, 60) },
      { id: 'exit', type: 'logic.compare', params: { operator: '>' }, position: at(520, 240) },
      { id: 'size', type: 'risk.volatilityTarget', params: { targetVolatility: 10, window: 60, maxPercent: 10 }, position: at(1000, 120) },
      { id: 'breaker', type: 'risk.drawdownHalt', params: { maxDrawdown: 15, action: 'flatten' }, position: at(1240, 120) },
    ],
    edges: [
      edge('e1', 'data', 'close', 'ema', 'source'),
      edge('e2', 'data', 'close', 'bands', 'source'),
      edge('e3', 'data', 'close', 'trend', 'a'),
      edge('e4', 'ema', 'value', 'trend', 'b'),
      edge('e5', 'data', 'close', 'dip', 'a'),
      edge('e6', 'bands', 'lower', 'dip', 'b'),
      edge('e7', 'trend', 'result', 'entry', 'a'),
      edge('e8', 'dip', 'result', 'entry', 'b'),
      edge('e9', 'data', 'close', 'exit', 'a'),
      edge('e10', 'bands', 'middle', 'exit', 'b'),
      edge('e11', 'entry', 'result', 'size', 'enter'),
      edge('e12', 'exit', 'result', 'size', 'exit'),
      edge('e13', 'size', 'order', 'breaker', 'order'),
    ],
    settings: { initialCash: 1_000_000, commissionBps: 1, slippageModel: 'bps', slippageBps: 1 },
  };
}

/**
 * A graph heavy in logic, for `bench/ab.ts logic`: three averages and nine pointwise nodes (comparisons,
 * a difference and its threshold, AND, OR, NOT) deciding a Target % position, on `assets` symbols. The
 * executor runs the nine as one loop (docs/engine.md, "Pointwise chains").
 */
export function logicGraph(assets: number, bars: number): GraphInput {
  const node = (id: string, type: string, params: Record<string, unknown> = {}, x = 0) => ({ id, type, params, position: at(x, 0) });
  const wires = [
    'data.close>fast.source', 'data.close>slow.source', 'data.close>mid.source', 'data.close>above.a', 'fast.value>above.b', 'fast.value>trend.a',
    'slow.value>trend.b', 'data.close>dip.a', 'mid.value>dip.b', 'fast.value>spread.a', 'slow.value>spread.b', 'spread.value>wide.value',
    'above.result>both.a', 'trend.result>both.b', 'wide.result>narrow.value', 'dip.result>either.a', 'narrow.result>either.b',
    'both.result>enter.a', 'either.result>enter.b', 'enter.result>size.enter', 'dip.result>size.exit',
  ];
  return {
    schemaVersion: 1,
    nodes: [
      node('data', 'data.synthetic', { seed: 1, bars, symbols: assets, intervalMinutes: 1 }),
      node('fast', 'indicator.ema', { period: 10 }, 260), node('slow', 'indicator.ema', { period: 50 }, 260), node('mid', 'indicator.sma', { period: 20 }, 260),
      node('above', 'logic.compare', { operator: '>' }, 520), node('trend', 'logic.compare', { operator: '>' }, 520), node('dip', 'logic.compare', { operator: '<' }, 520),
      node('spread', 'math.arithmetic', { operator: '-' }, 520), node('wide', 'logic.threshold', { operator: '>', level: 0.5 }, 760),
      node('both', 'logic.and', {}, 760), node('narrow', 'logic.not', {}, 1000), node('either', 'logic.or', {}, 1000), node('enter', 'logic.and', {}, 1240),
      node('size', 'order.targetPercent', { percent: 100 / assets }, 1480),
    ],
    edges: wires.map((w, i) => {
      const [from, to] = w.split('>') as [string, string];
      const [a, p] = from.split('.') as [string, string];
      const [b, q] = to.split('.') as [string, string];
      return edge(`e${i + 1}`, a, p, b, q);
    }),
  };
}

/**
 * The sweep benchmark's parameter sets: S1's fast × slow grid, fast 5, 10, 15, … and slow 60, 80, 100, …
 * (10 × 10 for 100 sets). bench/sweep.ts and bench/ab.ts run these.
 */
export function sweepSets(trials: number): { fast: number; slow: number }[] {
  const side = Math.ceil(Math.sqrt(trials));
  return Array.from({ length: trials }, (_, i) => ({ fast: 5 + 5 * (i % side), slow: 60 + 20 * Math.floor(i / side) }));
}
