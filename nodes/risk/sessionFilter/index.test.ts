import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { runNode, targets } from '../../testing.ts';
import { sessionFilter } from './index.ts';

const reg = createRegistry([...registry.definitions.filter((d) => d.type !== sessionFilter.type), sessionFilter]);
const at = (iso: string) => Date.parse(iso);
const us = { start: '13:30', end: '20:00' };

describe('risk.sessionFilter', () => {
  it('passes entries on bars that open inside [start, end) UTC; exits pass outside', () => {
    const { order, blocked } = runNode(sessionFilter, {
      params: us,
      inputs: { order: [10, 10, 10, 10, 0] },
      // 2024-01-01 is a Monday.
      ctx: [
        { time: at('2024-01-01T13:00Z'), position: 0 },
        { time: at('2024-01-01T13:30Z'), position: 0 },
        { time: at('2024-01-01T19:55Z'), position: 10 },
        { time: at('2024-01-01T20:00Z'), position: 10 },
        { time: at('2024-01-01T21:00Z'), position: 10 },
      ],
    });
    expect(blocked).toEqual([1, 0, 0, 1, 1]);
    // Refused at 13:00, sent at 13:30; held (its repeat passes) outside; the exit passes outside.
    expect(targets(order)).toEqual([0, 10, 10, 10, 0]);
  });

  it('checks weekdays on the bar’s own UTC date and wraps windows past midnight', () => {
    const days = runNode(sessionFilter, {
      params: { days: 'sat,sun' },
      inputs: { order: [0, 0, 0, 0] },
      ctx: ['2024-01-05T23:59Z', '2024-01-06T00:00Z', '2024-01-07T23:00Z', '2024-01-08T00:00Z'].map((t) => ({ time: at(t) })),
    });
    expect(days.blocked).toEqual([1, 0, 0, 1]);
    const night = runNode(sessionFilter, {
      params: { start: '22:00', end: '06:00' },
      inputs: { order: [0, 0, 0, 0] },
      ctx: ['2024-01-02T21:59Z', '2024-01-02T22:00Z', '2024-01-03T05:59Z', '2024-01-03T06:00Z'].map((t) => ({ time: at(t) })),
    });
    expect(night.blocked).toEqual([1, 0, 0, 1]);
  });

  it('flatten: flat from the session’s last bar (inferred bar length) until the next session', () => {
    const times = ['2024-01-01T19:45Z', '2024-01-01T19:50Z', '2024-01-01T19:55Z', '2024-01-01T20:00Z', '2024-01-02T13:30Z'];
    const { order, blocked } = runNode(sessionFilter, {
      params: { ...us, flatten: true },
      inputs: { order: [10, 10, 10, 10, 10] },
      ctx: times.map((t, i) => ({ time: at(t), position: i >= 1 && i <= 3 ? 10 : 0 })),
    });
    // 19:55 is the last bar: the next one (19:55 + 5 min) opens at the end. The withheld entry returns at 13:30.
    expect(blocked).toEqual([0, 0, 1, 1, 0]);
    expect(targets(order)).toEqual([10, 10, 0, 0, 10]);
  });

  it('skips the last-bar check on the very first bar (no bar length yet)', () => {
    const { blocked } = runNode(sessionFilter, { params: { ...us, flatten: true }, inputs: { order: [0] }, ctx: [{ time: at('2024-01-01T19:55Z') }] });
    expect(blocked).toEqual([0]);
  });

  it('refuses a bad time', () => {
    expect(sessionFilter.params.safeParse({ start: '24:00' }).success).toBe(false);
    expect(sessionFilter.params.safeParse({ end: '9:30' }).success).toBe(false);
    expect(sessionFilter.params.safeParse({ days: '' }).success).toBe(false);
    expect(sessionFilter.params.safeParse({ days: 'mon, tue' }).success).toBe(false);
  });

  it('trades only inside the window through the real broker, flat by its end', () => {
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        on: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        order: { type: 'order.targetPercent', params: { percent: 50 } },
        session: { type: 'risk.sessionFilter', params: { start: '10:00', end: '14:00', flatten: true } },
      },
      ['data.close -> on.value', 'on.result -> order.enter', 'order.order -> session.order'],
    );
    // Hourly bars from 08:00 to 19:00 on Monday 2024-01-01: 10:00–13:00 are in session, 13:00 is the last bar.
    const bars = makeBars({ close: Array.from({ length: 12 }, (_, i) => 100 + i), intervalMs: 3_600_000, start: at('2024-01-01T08:00Z') });
    const run = runGraph(graph, bars, { blocked: 'session.blocked' }, reg);
    expect(run.values.blocked).toEqual([1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    // Entered at 11:00 (decided at 10:00's close), out at 14:00's open (decided at 13:00's close).
    expect(run.broker.fills.map((f) => [new Date(f.time).toISOString().slice(11, 16), Math.sign(f.quantity)])).toEqual([
      ['11:00', 1],
      ['14:00', -1],
    ]);
  });
});
