import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/random.ts';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { runNode, targets } from '../../testing.ts';
import { volatilityTarget } from './index.ts';

const reg = createRegistry([...registry.definitions.filter((d) => d.type !== volatilityTarget.type), volatilityTarget]);
const day = 86_400_000;
const closesCtx = (closes: number[], spacing = day) => closes.map((close, i) => ({ close, time: i * spacing }));

describe('risk.volatilityTarget', () => {
  it('sizes target σ / annualised sample σ of returns: ±1 % returns, 50 periods a year is 10 %', () => {
    // Returns +1 %, −1 %: mean 0, sample variance (0.01² + 0.01²) / 1 = 0.0002, σ = 0.014142;
    // × √50 = 0.1 (10 %). A 5 % target is half of equity: 0.5 × 100 000 / 99.99 = 500.05 units.
    const { order, percent } = runNode(volatilityTarget, {
      params: { targetVolatility: 5, window: 2, periodsPerYear: 50 },
      inputs: { enter: [1, 1, 1, 1] },
      ctx: closesCtx([100, 101, 99.99, 120]),
    });
    expect(percent[0]).toBeNaN();
    expect(percent[1]).toBeNaN();
    expect(percent[2]).toBeCloseTo(50, 9);
    expect(targets(order).slice(0, 2)).toEqual([0, 0]);
    expect(order[2].target).toBeCloseTo(50_000 / 99.99, 6);
    // Sized once at entry: a new σ changes `percent`, not the held target.
    expect(order[3].target).toBe(order[2].target);
    expect(percent[3]).not.toBeCloseTo(50, 3);
  });

  it('infers periods per year from the bar spacing: daily 365.25, hourly 8 766', () => {
    // Returns +10 %, −10 %, +10 %: mean 1/30, squared deviations sum 0.24/9, sample variance 0.04/3,
    // σ = 0.2/√3. Target 15 %: weight = 0.15 / (0.2/√3 × √365.25) = 0.75·√(3/365.25) = 6.797 %.
    const daily = runNode(volatilityTarget, { params: { window: 3 }, inputs: { enter: [0, 0, 0, 0] }, ctx: closesCtx([100, 110, 99, 108.9]) });
    expect(daily.percent[3]).toBeCloseTo(75 * Math.sqrt(3 / 365.25), 9);
    // ±1 % hourly: σ = 0.01·√2 per bar, × √8 766 a year.
    const hourly = runNode(volatilityTarget, { params: { window: 2 }, inputs: { enter: [0, 0, 0] }, ctx: closesCtx([100, 101, 99.99], 3_600_000) });
    // Weight 0.15 / (0.01·√(2 × 8 766)) = 11.33 %.
    expect(hourly.percent[2]).toBeCloseTo(1500 / Math.sqrt(2 * 8766), 9);
  });

  it('uses only the last N returns, caps at Max %, and a flat window sizes at the cap', () => {
    // Window 2 over returns +10 %, −10 %, +1 %, −1 %: the last two give σ√50 = 10 %; 20 % target wants 200 %, capped at 120.
    const slid = runNode(volatilityTarget, {
      params: { targetVolatility: 20, window: 2, periodsPerYear: 50, maxPercent: 120 },
      inputs: { enter: [0, 0, 0, 0, 0] },
      ctx: closesCtx([100, 110, 99, 99.99, 98.9901]),
    });
    expect(slid.percent[4]).toBeCloseTo(120, 9);
    const lower = runNode(volatilityTarget, { params: { targetVolatility: 5, window: 2, periodsPerYear: 50 }, inputs: { enter: [0, 0, 0, 0, 0] }, ctx: closesCtx([100, 110, 99, 99.99, 98.9901]) });
    expect(lower.percent[4]).toBeCloseTo(50, 6);
    const flat = runNode(volatilityTarget, { params: { window: 2, maxPercent: 80 }, inputs: { enter: [1, 1, 1] }, ctx: closesCtx([100, 100, 100]) });
    expect(flat.percent[2]).toBe(80);
    expect(flat.order[2].target).toBe(800);
  });

  it('waits out the warm-up in level mode; in latched mode an Enter pulse during warm-up is lost; Exit wins', () => {
    const params = { targetVolatility: 5, window: 2, periodsPerYear: 50 };
    const ctx = closesCtx([100, 101, 99.99, 100, 100, 100]);
    expect(targets(runNode(volatilityTarget, { params, inputs: { enter: [1, 1, 1, 0, 0, 0] }, ctx }).order).map((t) => t !== 0)).toEqual([false, false, true, false, false, false]);
    const latched = runNode(volatilityTarget, { params, inputs: { enter: [1, 0, 0, 1, 0, 1], exit: [0, 0, 0, 0, 1, 1] }, ctx });
    expect(targets(latched.order).map((t) => t !== 0)).toEqual([false, false, false, true, false, false]);
    const short = runNode(volatilityTarget, { params: { ...params, side: 'short' }, inputs: { enter: [1, 1, 1] }, ctx });
    expect(short.order[2].target).toBeCloseTo(-50_000 / 99.99, 6);
    expect(volatilityTarget.warmup!(volatilityTarget.params.parse({ window: 20 }))).toBe(20);
  });

  it('fills the volatility-targeted size through the real broker', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        on: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        size: { type: 'risk.volatilityTarget', params: { targetVolatility: 5, window: 2, periodsPerYear: 50 } },
      },
      ['data.close -> on.value', 'on.result -> size.enter'],
      { initialCash: 100_000, commissionBps: 0, slippageBps: 0 },
    );
    const run = runGraph(graph, makeBars({ close: [100, 101, 99.99, 101, 102] }), { percent: 'size.percent' }, reg);
    expect(run.values.percent[2]).toBeCloseTo(50, 9);
    // Decided at bar 2's close (99.99) with equity 100 000, filled at bar 3's open.
    expect(run.broker.fills).toHaveLength(1);
    expect(run.broker.fills[0]!.quantity).toBeCloseTo(50_000 / 99.99, 6);
  });

  // The σ comes from running sums of the window kept in the kernel (the column phase): checked against
  // the two-pass σ of the same returns.
  const sizes = (window: number, closes: number[], upTo?: { at: number; state: (s: Record<string, unknown>) => void }, maxPercent = 1000) => {
    const p = volatilityTarget.params.parse({ targetVolatility: 10, window, periodsPerYear: 252, maxPercent });
    const s = volatilityTarget.init(p, { enter: true, exit: false }) as unknown as Record<string, unknown>;
    const percent = new Float64Array(closes.length);
    const bars = { time: Float64Array.from(closes, (_, i) => i * day), close: Float64Array.from(closes) } as never;
    const cut = upTo?.at ?? closes.length;
    volatilityTarget.prepare!.kernel(s as never, p, bars, { percent }, 0, cut);
    upTo?.state(s);
    volatilityTarget.prepare!.kernel(s as never, p, bars, { percent }, cut, closes.length);
    return [...percent];
  };
  const twoPass = (returns: number[]) => {
    const mean = returns.reduce((a, x) => a + x, 0) / returns.length;
    return Math.sqrt(returns.reduce((a, x) => a + (x - mean) ** 2, 0) / (returns.length - 1));
  };

  it('its running σ is the two-pass σ of the window, across wraps, bad closes and returns with a large mean', () => {
    const rand = mulberry32(7);
    for (const [window, drift] of [[2, 0], [7, 0], [60, 0], [13, 0.01]] as const) {
      // Returns of drift ± 0.5 %, a bad close every 997 bars (the window starts again after it).
      const closes: number[] = [];
      let c = 100;
      for (let i = 0; i < 5_000; i++) closes.push(i % 997 === 500 ? NaN : (c *= 1 + drift + (rand() - 0.5) * 0.01));
      const got = sizes(window, closes);
      let worst = 0, checked = 0;
      for (let t = window; t < closes.length; t++) {
        const span = closes.slice(t - window, t + 1);
        if (span.some(Number.isNaN)) {
          expect(got[t], `bar ${t}`).toBeNaN();
          continue;
        }
        const returns = span.slice(1).map((x, i) => x / span[i]! - 1);
        const sigma = twoPass(returns);
        // At the cap (1000 %) where σ is that small; else the σ the size implies, measured against the
        // returns' spread (≈ 0.005): where a window's returns nearly coincide, σ itself is tiny and
        // neither method has many digits of it.
        const capped = 0.1 / (sigma * Math.sqrt(252)) >= 10;
        if (capped) expect(got[t], `bar ${t}`).toBe(1000);
        else worst = Math.max(worst, Math.abs(0.1 / ((got[t]! / 100) * Math.sqrt(252)) - sigma) / 0.005);
        checked++;
      }
      expect(checked).toBeGreaterThan(4_900 - 8 * window);
      expect(worst, `window ${window}, drift ${drift}`).toBeLessThan(1e-12);
    }
  });

  it('starts its sums from the window when a saved state has none (saved before they existed)', () => {
    const rand = mulberry32(3);
    const closes = Array.from({ length: 40 }, (_, i) => 100 + i * 0.1 + rand());
    const whole = sizes(5, closes);
    const resumed = sizes(5, closes, { at: 17, state: (s) => delete s.sums });
    resumed.slice(17).forEach((v, i) => expect(v).toBeCloseTo(whole[17 + i]!, 9));
  });

  it('sizes at the cap exactly where the uncapped size would reach it (the kernel skips the root there)', () => {
    const rand = mulberry32(11);
    const closes: number[] = [];
    let c = 100;
    for (let i = 0; i < 5_000; i++) closes.push((c *= 1 + (rand() - 0.5) * 0.01));
    const uncapped = sizes(20, closes);
    // A cap near the typical size, so the windows cross it often.
    const cap = [...uncapped].filter((v) => v === v).sort((a, b) => a - b)[2_500]!;
    const capped = sizes(20, closes, undefined, cap);
    expect(capped).toEqual(uncapped.map((v) => (v === v ? Math.min(cap, v) : v)));
    const atCap = capped.filter((v) => v === cap).length;
    expect(atCap).toBeGreaterThan(2_000);
    expect(atCap).toBeLessThan(3_000);
  });
});
