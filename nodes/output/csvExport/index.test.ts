import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../engine/backtest.ts';
import { maxEventsPerNode, readsContext } from '../../../engine/execute.ts';
import { compileOk, fixture, makeBars } from '../../../engine/testing.ts';
import { runNode } from '../../testing.ts';
import { emitCaveats } from '../emit.ts';
import { csvExport, csvLabels } from './index.ts';

/** A strategy that trades above 100 and exports its closes: `when` is the same condition. */
const exportGraph = (csv: Record<string, unknown>, edges: string[] = ['on.result -> csv.when', 'data.close -> csv.a']) =>
  fixture(
    {
      data: { type: 'data.synthetic' },
      on: { type: 'logic.threshold', params: { operator: '>', level: 100 } },
      order: { type: 'order.targetPercent' },
      csv: { type: 'output.csvExport', params: csv },
    },
    ['data.close -> on.value', 'on.result -> order.enter', ...edges],
  );

// A condition with warm-up, a true stretch interrupted by an unknown bar, and a second stretch.
const when = [NaN, 0, 1, 1, NaN, 1, 0, 0, 1, 0];

describe('output.csvExport', () => {
  it('declares a CSV sink and reads the context, so it steps in the per-bar phase the engine records after', () => {
    expect(csvExport.sink).toEqual({ kind: 'csv' });
    expect(csvExport.category).toBe('output');
    expect(readsContext(csvExport.step)).toBe(true);
  });

  it('onTrue (the default) fires on every bar the condition is exactly 1, never on NaN', () => {
    expect(runNode(csvExport, { inputs: { when } }).fired).toEqual([0, 0, 1, 1, 0, 1, 0, 0, 1, 0]);
  });

  it('onRise fires when the condition turns true; an unknown bar inside a true stretch is not a new rise', () => {
    expect(runNode(csvExport, { params: { mode: 'onRise' }, inputs: { when } }).fired).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 1, 0]);
  });

  it('onChange fires when the condition turns true and when it turns false, skipping unknown bars', () => {
    expect(runNode(csvExport, { params: { mode: 'onChange' }, inputs: { when } }).fired).toEqual([0, 0, 1, 0, 0, 0, 1, 0, 1, 1]);
  });

  it('counts a condition that is true on its first known bar as a rise and a change (it starts false)', () => {
    for (const mode of ['onRise', 'onChange'] as const) {
      expect(runNode(csvExport, { params: { mode }, inputs: { when: [NaN, NaN, 1, 1] } }).fired).toEqual([0, 0, 1, 0]);
    }
  });

  it('everyBar fires on every bar, whatever the condition, NaN included', () => {
    expect(runNode(csvExport, { params: { mode: 'everyBar' }, inputs: { when, a: when.map((_, i) => i) } }).fired).toEqual(when.map(() => 1));
  });

  it('never fires on a NaN condition in any condition mode, even with values wired', () => {
    for (const mode of ['onTrue', 'onRise', 'onChange'] as const) {
      const { fired } = runNode(csvExport, { params: { mode }, inputs: { when: [NaN, NaN, NaN], a: [1, 2, 3], b: [4, 5, 6] } });
      expect(fired).toEqual([0, 0, 0]);
    }
  });

  it('reads anything but exactly 1 as false, like every consumer of a condition', () => {
    expect(runNode(csvExport, { inputs: { when: [0.5, 2, -1, 1, Infinity] } }).fired).toEqual([0, 0, 0, 1, 0]);
  });

  it('with `when` unwired every bar reads as true: onTrue records every bar, onRise only the first', () => {
    expect(runNode(csvExport, { inputs: { a: [1, 2, 3] } }).fired).toEqual([1, 1, 1]);
    expect(runNode(csvExport, { params: { mode: 'onRise' }, inputs: { a: [1, 2, 3] } }).fired).toEqual([1, 0, 0]);
    expect(runNode(csvExport, { params: { mode: 'onChange' }, inputs: { a: [1, 2, 3] } }).fired).toEqual([1, 0, 0]);
  });

  it('labels default to the port names and are trimmed; a file name with a path or a quote is refused', () => {
    expect(csvLabels(csvExport.params.parse({ labelB: '  rsi  ' }))).toEqual({ a: 'a', b: 'rsi', c: 'c', d: 'd' });
    expect(csvExport.params.parse({}).name).toBe('signals');
    for (const name of ['../etc/passwd', 'a"b', 'x/y', '', ' ', '.hidden']) expect(csvExport.params.safeParse({ name }).success, name).toBe(false);
    expect(csvExport.params.safeParse({ labelA: 'x'.repeat(65) }).success).toBe(false);
    expect(csvExport.params.safeParse({ mode: 'sometimes' }).success).toBe(false);
  });

  it('keeps its state plain data, so a live run can snapshot and resume it', () => {
    const state = csvExport.init(csvExport.params.parse({ mode: 'onRise' }), { when: true, a: false, b: false, c: false, d: false });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('records one event per emitted bar through the engine, with the bar, its time and every input value', async () => {
    const bars = makeBars({ close: [99, 101, 102, 99, 103, 98] });
    const result = await runBacktest(compileOk(exportGraph({ mode: 'onRise' })), bars);
    expect(result.events).toEqual([1, 4].map((bar) => ({
      nodeId: 'csv',
      kind: 'csv',
      time: bars.time[bar],
      bar,
      values: { when: 1, a: bars.close[bar], b: NaN, c: NaN, d: NaN },
    })));
    expect(result.eventsTruncated).toEqual([]);
  });

  it('records nothing on a bar with a bad price, which no node steps', async () => {
    const bars = makeBars({ close: [101, 102, 103, 104] });
    bars.close[2] = NaN;
    const result = await runBacktest(compileOk(exportGraph({ mode: 'everyBar' })), bars);
    expect(result.events.map((e) => e.bar)).toEqual([0, 1, 3]);
  });

  it('keeps the first rows up to the documented cap and marks the node truncated', async () => {
    expect(emitCaveats.join(' ')).toContain(`capped at ${maxEventsPerNode.toLocaleString('en-US').replace(',', ' ')} per node`);
    const n = maxEventsPerNode + 5;
    const bars = makeBars({ close: Array.from({ length: n }, (_, i) => 100 + (i % 7)) });
    const result = await runBacktest(compileOk(exportGraph({ mode: 'everyBar' }, ['data.close -> csv.a'])), bars);
    expect(result.events).toHaveLength(maxEventsPerNode);
    expect(result.events.at(-1)!.bar).toBe(maxEventsPerNode - 1);
    expect(result.eventsTruncated).toEqual(['csv']);
  });
});
