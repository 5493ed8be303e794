import { describe, expect, it } from 'vitest';
import type { GraphInput } from '../engine/graph.ts';
import { changeGroup, coalesceMs, historyLimit, historyReducer, initialHistory, type HistoryState, type Snapshot } from './history.ts';

const graph = (period: number, extra: Partial<GraphInput> = {}): GraphInput => ({
  schemaVersion: 1,
  nodes: [
    { id: 'data', type: 'data.synthetic', params: {}, position: { x: 0, y: 0 } },
    { id: 'sma', type: 'indicator.sma', params: { period }, position: { x: 200, y: 0 } },
  ],
  edges: [{ id: 'e1', source: { node: 'data', port: 'close' }, target: { node: 'sma', port: 'source' } }],
  settings: { initialCash: 100_000, commissionBps: 1, slippageBps: 2 },
  ...extra,
});
const snap = (g: GraphInput): Snapshot => ({ graph: g, key: JSON.stringify(g) });
const record = (s: HistoryState, g: GraphInput, group: string | null = null, at = 0) => historyReducer(s, { type: 'record', snapshot: snap(g), group, at });
const period = (s: HistoryState) => s.present.graph.nodes[1]!.params!.period;

describe('history reducer', () => {
  it('undoes and redoes recorded edits in order, and a new edit clears the redo stack', () => {
    let s = initialHistory(snap(graph(10)));
    s = record(s, graph(20));
    s = record(s, graph(30));
    s = historyReducer(s, { type: 'undo' });
    expect(period(s)).toBe(20);
    s = historyReducer(s, { type: 'undo' });
    expect(period(s)).toBe(10);
    expect(historyReducer(s, { type: 'undo' })).toBe(s);
    s = historyReducer(s, { type: 'redo' });
    expect(period(s)).toBe(20);
    s = record(s, graph(99));
    expect(s.future).toEqual([]);
    expect(historyReducer(s, { type: 'redo' })).toBe(s);
    expect(s.past.map((p) => p.graph.nodes[1]!.params!.period)).toEqual([10, 20]);
  });

  it('ignores a record of the graph it already holds, so restoring a snapshot is not a new step', () => {
    const s = record(initialHistory(snap(graph(10))), graph(20));
    const undone = historyReducer(s, { type: 'undo' });
    expect(record(undone, graph(10))).toBe(undone);
  });

  it('merges quick edits of the same group into one step, but not slow ones or other groups', () => {
    let s = record(initialHistory(snap(graph(1))), graph(2), null, 0);
    s = record(s, graph(25), 'params:sma', 100);
    s = record(s, graph(250), 'params:sma', 100 + coalesceMs - 1);
    expect(s.past).toHaveLength(2);
    s = record(s, graph(251), 'params:sma', 100 + 3 * coalesceMs);
    expect(s.past).toHaveLength(3);
    s = record(s, graph(252), 'params:data', 100 + 3 * coalesceMs + 1);
    expect(s.past).toHaveLength(4);
    expect(period(historyReducer(historyReducer(s, { type: 'undo' }), { type: 'undo' }))).toBe(250);
  });

  it('a checkpoint (save or run) ends the burst: the next quick edit is its own step', () => {
    let s = record(initialHistory(snap(graph(1))), graph(0), 'params:sma', 0);
    s = historyReducer(s, { type: 'checkpoint' });
    s = record(s, graph(50), 'params:sma', 10);
    expect(s.past).toHaveLength(2);
    expect(period(historyReducer(s, { type: 'undo' }))).toBe(0);
  });

  it('never merges an edit into a step that was undone', () => {
    let s = record(initialHistory(snap(graph(1))), graph(2), 'params:sma', 0);
    s = record(s, graph(3), 'params:sma', 10);
    s = historyReducer(s, { type: 'undo' });
    s = record(s, graph(4), 'params:sma', 20);
    expect(s.past.map((p) => period({ ...s, present: p }))).toEqual([1]);
  });

  it(`keeps at most ${historyLimit} steps`, () => {
    let s = initialHistory(snap(graph(0)));
    for (let i = 1; i <= historyLimit + 20; i++) s = record(s, graph(i));
    expect(s.past).toHaveLength(historyLimit);
    expect(period({ ...s, present: s.past[0]! })).toBe(20);
  });

  it('starts over on reset', () => {
    const s = historyReducer(record(initialHistory(snap(graph(1))), graph(2)), { type: 'reset', snapshot: snap(graph(7)) });
    expect(s).toMatchObject({ past: [], future: [] });
    expect(period(s)).toBe(7);
  });
});

describe('change groups', () => {
  const moved = (g: GraphInput, id: string): GraphInput => ({ ...g, nodes: g.nodes.map((n) => (n.id === id ? { ...n, position: { x: 1, y: 2 } } : n)) });

  it('groups param, label and settings edits by what they touch', () => {
    expect(changeGroup(graph(1), graph(2))).toBe('params:sma');
    const labelled = { ...graph(1), nodes: graph(1).nodes.map((n) => (n.id === 'data' ? { ...n, label: 'BTC' } : n)) };
    expect(changeGroup(graph(1), labelled)).toBe('label:data');
    expect(changeGroup(graph(1), { ...graph(1), settings: { initialCash: 5, commissionBps: 1, slippageBps: 2 } })).toBe('settings');
  });

  it('never groups moves or structural changes', () => {
    expect(changeGroup(graph(1), moved(graph(1), 'sma'))).toBeNull();
    expect(changeGroup(graph(1), { ...graph(1), edges: [] })).toBeNull();
    expect(changeGroup(graph(1), { ...graph(1), nodes: graph(1).nodes.slice(1) })).toBeNull();
    // Two kinds of change at once (a paste of params and a move) are one ungrouped step.
    expect(changeGroup(graph(1), moved(graph(2), 'data'))).toBeNull();
  });

  it('groups typing into one comment or one group name; moving, resizing or adding annotations are steps of their own', () => {
    const note = (text: string, x = 0, width = 200) => ({ id: 'n1', text, position: { x, y: 0 }, size: { width, height: 100 } });
    const withNotes = (comments: ReturnType<typeof note>[], label = 'G') => graph(1, { annotations: { comments, groups: [{ id: 'g1', label, nodes: ['sma'] }] } });
    expect(changeGroup(withNotes([note('a')]), withNotes([note('ab')]))).toBe('comment:n1');
    expect(changeGroup(withNotes([note('a')]), withNotes([note('a')], 'Signals'))).toBe('group:g1');
    expect(changeGroup(withNotes([note('a')]), withNotes([note('a', 40)]))).toBeNull();
    expect(changeGroup(withNotes([note('a')]), withNotes([note('a', 0, 260)]))).toBeNull();
    expect(changeGroup(withNotes([note('a')]), withNotes([note('ab', 40)]))).toBeNull();
    expect(changeGroup(withNotes([]), withNotes([note('a')]))).toBeNull();
    expect(changeGroup(graph(1), withNotes([note('a')]))).toBeNull();
  });
});
