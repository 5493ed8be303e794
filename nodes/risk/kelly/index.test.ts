import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { idleAfter } from '../../order/testing.ts';
import { runNode, targets } from '../../testing.ts';
import { kelly } from './index.ts';

const reg = createRegistry([...registry.definitions.filter((d) => d.type !== kelly.type), kelly]);

describe('risk.kelly', () => {
  it('sizes fraction × (p − (1 − p) / b) of equity', () => {
    // p 0.6, b 1: f* = 0.6 − 0.4 = 0.2; half Kelly 10 % of 100 000 at 100 = 100 units.
    const a = runNode(kelly, { params: { winProbability: 0.6, payoffRatio: 1 }, inputs: { enter: [1] } });
    expect(a.percent[0]).toBeCloseTo(10, 12);
    expect(a.order[0].target).toBeCloseTo(100, 9);
    // Defaults p 0.55, b 1.5: f* = 0.55 − 0.45 / 1.5 = 0.25; half is 12.5 %.
    expect(runNode(kelly, { inputs: { enter: [0] } }).percent[0]).toBeCloseTo(12.5, 12);
    // Full Kelly of p 0.9, b 1 is 80 %, capped at the default 25 %.
    expect(runNode(kelly, { params: { winProbability: 0.9, payoffRatio: 1, fraction: 1 }, inputs: { enter: [0] } }).percent[0]).toBe(25);
  });

  it('a negative or zero edge sizes 0 and does not enter (nor go the other way)', () => {
    const neg = runNode(kelly, { params: { winProbability: 0.4, payoffRatio: 1 }, inputs: { enter: [1, 1] } });
    expect(neg.percent).toEqual([0, 0]);
    expect(targets(neg.order)).toEqual([0, 0]);
    expect(runNode(kelly, { params: { winProbability: 0.5, payoffRatio: 1 }, inputs: { enter: [1] } }).percent).toEqual([0]);
  });

  it('wired inputs replace the params; NaN or out of range is unknown; sized once at entry', () => {
    const { order, percent } = runNode(kelly, {
      params: { fraction: 1, maxPercent: 100 },
      inputs: { enter: [1, 1, 1, 1, 1], winProbability: [NaN, 1.2, 0.5, 0.5, 0.7], payoffRatio: [2, 2, 2, 0, 2] },
    });
    // 0.5 − 0.5 / 2 = 25 %; payoff 0 and p 1.2 are unknown; the held target ignores the later 55 %.
    expect(percent.slice(0, 4)).toEqual([NaN, NaN, 25, NaN]);
    expect(percent[4]).toBeCloseTo(55, 12);
    expect(targets(order)).toEqual([0, 0, 250, 250, 250]);
  });

  it('short side, latched entry and exit', () => {
    const { order } = runNode(kelly, { params: { winProbability: 0.6, payoffRatio: 1, side: 'short' }, inputs: { enter: [1, 0, 0], exit: [0, 0, 1] } });
    expect(targets(order).map((t) => Math.round(t))).toEqual([-100, -100, 0]);
  });

  it('fills the Kelly size through the real broker', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        on: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        p: { type: 'math.constant', params: { value: 0.6 } },
        size: { type: 'risk.kelly', params: { payoffRatio: 2, fraction: 0.5 } },
      },
      ['data.close -> on.value', 'on.result -> size.enter', 'p.value -> size.winProbability'],
      { initialCash: 100_000, commissionBps: 0, slippageBps: 0 },
    );
    // f* = 0.6 − 0.4 / 2 = 0.4; half is 20 % of 100 000 at 50 = 400 units.
    const run = runGraph(graph, makeBars({ close: [50, 51, 52] }), {}, reg);
    expect(run.broker.fills.map((f) => f.quantity)).toEqual([400]);
  });
});

describe('risk.kelly idle', () => {
  it('with the params: idle while the signals agree with what is held, not on an entry or an exit', () => {
    expect(idleAfter(kelly, { bars: [{ enter: 1 }] }, { enter: 1 })).toBe(true);
    expect(idleAfter(kelly, { bars: [{ enter: 1 }] }, { enter: 0 })).toBe(false);
    expect(idleAfter(kelly, { bars: [{ enter: 0 }] }, { enter: 0 })).toBe(true);
    expect(idleAfter(kelly, { bars: [{ enter: 0 }] }, { enter: 1 })).toBe(false);
    expect(idleAfter(kelly, { bars: [{ enter: 1, exit: 0 }] }, { enter: 0, exit: 0 })).toBe(true);
    expect(idleAfter(kelly, { bars: [{ enter: 1, exit: 0 }] }, { enter: 0, exit: 1 })).toBe(false);
  });

  it('never idle with Win probability or Payoff wired: `percent` follows them', () => {
    expect(idleAfter(kelly, { bars: [{ enter: 1, winProbability: 0.6 }] }, { enter: 1, winProbability: 0.6 })).toBe(false);
    expect(idleAfter(kelly, { bars: [{ enter: 0, payoffRatio: 2 }] }, { enter: 0, payoffRatio: 2 })).toBe(false);
  });
});
