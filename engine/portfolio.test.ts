import { describe, expect, it } from 'vitest';
import { runBacktest } from './backtest.ts';
import { syntheticMarket, type Market } from './bars.ts';
import { Account, SimBroker } from './broker.ts';
import { createExecutor } from './execute.ts';
import { compileOk, fixture, makeBars } from './testing.ts';

const spec = { seed: 5, bars: 3000, startPrice: 100, drift: 0.1, volatility: 0.7, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1) };

/** Rotation: hold the 2 symbols with the best 50-bar rate of change, equally weighted. */
const rotation = fixture(
  {
    data: { type: 'data.synthetic', params: { symbols: 5 } },
    roc: { type: 'indicator.roc', params: { period: 50 } },
    top: { type: 'portfolio.topN', params: { count: 2 } },
    weights: { type: 'portfolio.weights', params: { mode: 'equal', grossPercent: 90 } },
    rebalance: { type: 'order.rebalance', params: { bandPercent: 5, everyBars: 24 } },
  },
  ['data.close -> roc.source', 'roc.value -> top.score', 'top.selected -> weights.selected', 'weights.weight -> rebalance.weight'],
  { commissionBps: 5, slippageBps: 1 },
);

describe('multi-symbol portfolios', () => {
  it('a rotation sells the old holding before it buys the new one at the same open, so the leverage cap cuts nothing', async () => {
    // Top 1 by close, all in. B (200, flat) leads until A jumps to 300 at bar 10 and climbs 10 a bar. A comes
    // first in the symbols: worked in symbol order, A's buy met a full account and was cut to nothing.
    const a = makeBars({ close: Array.from({ length: 20 }, (_, i) => (i < 10 ? 100 : 300 + 10 * (i - 10))) });
    const b = makeBars({ close: Array.from({ length: 20 }, () => 200) });
    const rotate = fixture(
      { data: { type: 'data.synthetic' }, top: { type: 'portfolio.topN', params: { count: 1 } }, w: { type: 'portfolio.weights', params: { mode: 'equal', grossPercent: 100 } }, r: { type: 'order.rebalance', params: { bandPercent: 5 } } },
      ['data.close -> top.score', 'top.selected -> w.selected', 'w.weight -> r.weight'],
      { commissionBps: 0, slippageBps: 0 },
    );
    const result = await runBacktest(compileOk(rotate), { symbols: ['A', 'B'], lanes: [a, b] });
    expect(result.leverageCuts).toBe(0);
    // Bar 10's close picks A; at bar 11's open (A 300) B's 500 units are sold at 200 and 100 000 / 300 of A bought.
    expect(result.trades.map((t) => [t.symbol, t.quantity, t.entryPrice, t.exitPrice, t.open])).toEqual([
      ['B', 500, 200, 200, false],
      ['A', 100_000 / 300, 300, 390, true],
    ]);
    expect(result.metrics.finalEquity).toBeCloseTo((100_000 / 300) * 390, 6);
  });

  it('a rotation holds at most the top 2 symbols, from one cash account whose books balance', async () => {
    const market = syntheticMarket({ ...spec, symbols: 5 });
    const plan = compileOk(rotation);
    const result = await runBacktest(plan, market);
    expect(result.symbols).toEqual(['SYN1', 'SYN2', 'SYN3', 'SYN4', 'SYN5']);
    const traded = new Set(result.trades.map((t) => t.symbol));
    expect(traded.size).toBeGreaterThanOrEqual(3);
    // Never more than 2 symbols open at once: count overlaps at every trade entry.
    for (const t of result.trades) {
      const open = result.trades.filter((o) => o.entryTime <= t.entryTime && (o.open || o.exitTime > t.entryTime));
      expect(new Set(open.map((o) => o.symbol)).size).toBeLessThanOrEqual(2);
    }
    // The books balance: final equity is the initial cash plus every trade's PnL (net of commission).
    const pnl = result.trades.reduce((a, t) => a + t.pnl, 0);
    expect(result.metrics.finalEquity).toBeCloseTo(100_000 + pnl, 6);
  });

  it('symbols with independent signals trade exactly when each would alone', async () => {
    const cross = (symbols: number) =>
      fixture(
        {
          data: { type: 'data.synthetic', params: { symbols } },
          fast: { type: 'indicator.sma', params: { period: 10 } },
          slow: { type: 'indicator.sma', params: { period: 40 } },
          x: { type: 'logic.crossover' },
          order: { type: 'order.targetPercent', params: { percent: 30 } },
        },
        ['data.close -> fast.source', 'data.close -> slow.source', 'fast.value -> x.a', 'slow.value -> x.b', 'x.above -> order.enter', 'x.below -> order.exit'],
        { commissionBps: 0, slippageBps: 0 },
      );
    const market = syntheticMarket({ ...spec, symbols: 3 });
    const together = await runBacktest(compileOk(cross(3)), market);
    for (let k = 0; k < 3; k++) {
      const alone = await runBacktest(compileOk(cross(1)), market.lanes[k]!);
      const mine = together.trades.filter((t) => t.symbol === `SYN${k + 1}`);
      expect(mine.map((t) => [t.entryTime, t.exitTime, t.open])).toEqual(alone.trades.map((t) => [t.entryTime, t.exitTime, t.open]));
    }
  });

  it('each symbol holds its own resampled values between periods', async () => {
    // The resample writes its outputs only when a period completes, and the SMA on it only then: between
    // periods each symbol must read its own last values, never those the previous symbol ended its run with.
    const higher = (symbols: number) =>
      fixture(
        {
          data: { type: 'data.synthetic', params: { symbols } },
          h4: { type: 'data.resample', params: { minutes: 4 * spec.intervalMinutes } },
          sma: { type: 'indicator.sma', params: { period: 3 } },
          above: { type: 'logic.compare', params: { operator: '>' } },
          order: { type: 'order.targetPercent', params: { percent: 30 } },
        },
        ['data.bars -> h4.bars', 'h4.close -> sma.source', 'data.close -> above.a', 'sma.value -> above.b', 'above.result -> order.enter'],
        { commissionBps: 0, slippageBps: 0 },
      );
    const market = syntheticMarket({ ...spec, symbols: 3 });
    const together = await runBacktest(compileOk(higher(3)), market);
    for (let k = 0; k < 3; k++) {
      const alone = await runBacktest(compileOk(higher(1)), market.lanes[k]!);
      expect(alone.trades.length).toBeGreaterThan(3);
      const mine = together.trades.filter((t) => t.symbol === `SYN${k + 1}`);
      expect(mine.map((t) => [t.entryTime, t.exitTime, t.open])).toEqual(alone.trades.map((t) => [t.entryTime, t.exitTime, t.open]));
    }
  });

  it('the leverage cap applies to the whole portfolio', async () => {
    const allIn = fixture(
      {
        data: { type: 'data.synthetic', params: { symbols: 4 } },
        weights: { type: 'portfolio.weights', params: { mode: 'equal', grossPercent: 400, maxWeightPercent: 400 } },
        rebalance: { type: 'order.rebalance', params: { bandPercent: 0 } },
      },
      ['weights.weight -> rebalance.weight'],
      { maxLeverage: 2, commissionBps: 0, slippageBps: 0 },
    );
    const market = syntheticMarket({ ...spec, bars: 200, symbols: 4 });
    const plan = compileOk(allIn);
    const account = new Account(plan.settings.initialCash);
    const brokers = market.symbols.map((symbol) => new SimBroker(plan.settings, account, symbol));
    const exec = createExecutor(plan, market, brokers);
    // Every symbol wants 100 % of equity (400 % in all): the first fills, at bar 1's open, stop at 2×.
    exec.run(0, 2);
    const gross = brokers.reduce((a, b, k) => a + Math.abs(b.position) * market.lanes[k]!.open[1]!, 0);
    expect(brokers.reduce((a, b) => a + b.leverageCuts, 0)).toBeGreaterThan(0);
    expect(gross).toBeLessThanOrEqual(2 * 100_000 * (1 + 1e-9));
    expect(gross).toBeGreaterThan(1.99 * 100_000);
    expect(brokers.filter((b) => b.position !== 0).length).toBeGreaterThanOrEqual(2);
  });

  it('a symbol with a bad bar skips it alone; the others trade on', async () => {
    const market: Market = syntheticMarket({ ...spec, bars: 500, symbols: 2 });
    market.lanes[1]!.close[300] = NaN;
    const result = await runBacktest(compileOk(rotation), market);
    expect(result.skippedBars).toBe(1);
    expect(Number.isFinite(result.metrics.finalEquity)).toBe(true);
  });
});
