import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GraphInput } from '../engine/graph.ts';
import { annotationOverlay, annotationStatus, diffCounts, diffGraphs, diffOverlay, diffValues, edgeKey, formatValue, isEmptyDiff, sameValue } from './strategy-diff.ts';

const example = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8')) as GraphInput;
const copy = (): GraphInput => structuredClone(example);
const node = (g: GraphInput, id: string) => g.nodes.find((n) => n.id === id)!;

describe('diffGraphs', () => {
  it('finds nothing between a graph and a deep copy of it, nor when only key order differs', () => {
    const reordered = copy();
    reordered.nodes = reordered.nodes.map((n) => ({ position: n.position, params: Object.fromEntries(Object.entries(n.params ?? {}).reverse()), type: n.type, id: n.id }));
    const d = diffGraphs(example, reordered);
    expect(d).toEqual({ nodes: [], moved: [], edges: { added: [], removed: [] }, settings: [] });
    expect(isEmptyDiff(d)).toBe(true);
  });

  it('reports added and removed nodes with the node they concern', () => {
    const after = copy();
    after.nodes = after.nodes.filter((n) => n.id !== 'gate');
    after.nodes.push({ id: 'rsi', type: 'indicator.rsi', params: { period: 14 }, position: { x: 0, y: 400 } });
    const d = diffGraphs(example, after);
    expect(d.nodes).toEqual([
      { id: 'rsi', status: 'added', after: node(after, 'rsi'), params: [] },
      { id: 'gate', status: 'removed', before: node(example, 'gate'), params: [] },
    ]);
    expect(diffCounts(d)).toMatchObject({ added: 1, removed: 1, changed: 0 });
  });

  it('lists each changed param with its value before and after, and params added or dropped', () => {
    const after = copy();
    node(after, 'slow').params = { period: 200, source: 'hl2' };
    node(after, 'data').params = { seed: 42 };
    const d = diffGraphs(example, after);
    expect(d.nodes.map((n) => [n.id, n.status])).toEqual([
      ['data', 'changed'],
      ['slow', 'changed'],
    ]);
    expect(d.nodes[0]!.params).toEqual([{ key: 'bars', kind: 'removed', before: 5000 }]);
    expect(d.nodes[1]!.params).toEqual([
      { key: 'period', kind: 'changed', before: 50, after: 200 },
      { key: 'source', kind: 'added', after: 'hl2' },
    ]);
    expect(d.nodes[1]!.type).toBeUndefined();
    expect(d.nodes[1]!.label).toBeUndefined();
  });

  it('compares nested param values structurally', () => {
    const before = copy();
    node(before, 'order').params = { percent: 100, weights: [1, 2, { a: 1 }] };
    const same = copy();
    node(same, 'order').params = { weights: [1, 2, { a: 1 }], percent: 100 };
    expect(diffGraphs(before, same).nodes).toEqual([]);
    const changed = copy();
    node(changed, 'order').params = { percent: 100, weights: [1, 2, { a: 2 }] };
    expect(diffGraphs(before, changed).nodes[0]!.params).toEqual([{ key: 'weights', kind: 'changed', before: [1, 2, { a: 1 }], after: [1, 2, { a: 2 }] }]);
  });

  it('reports a changed type, definition version and label', () => {
    const after = copy();
    Object.assign(node(after, 'slow'), { type: 'indicator.ema', label: 'Slow EMA' });
    Object.assign(node(after, 'cross'), { version: 2 });
    const d = diffGraphs(example, after);
    const slow = d.nodes.find((n) => n.id === 'slow')!;
    expect(slow).toMatchObject({ status: 'changed', type: { before: 'indicator.sma', after: 'indicator.ema' }, label: { before: undefined, after: 'Slow EMA' } });
    expect(d.nodes.find((n) => n.id === 'cross')).toMatchObject({ status: 'changed', version: { before: 1, after: 2 }, params: [] });
  });

  it('reports any other node field that changed, such as the params a sweep may vary', () => {
    const before = copy();
    const after = copy();
    Object.assign(node(after, 'slow'), { optimize: { period: { min: 20, max: 100, step: 10 } } });
    const d = diffGraphs(before, after);
    expect(d.nodes).toEqual([expect.objectContaining({ id: 'slow', status: 'changed', params: [], fields: [{ key: 'optimize', kind: 'added', after: { period: { min: 20, max: 100, step: 10 } } }] })]);
    expect(diffGraphs(after, after).nodes).toEqual([]);
  });

  it('treats an empty label as no label, and a label removed as a change', () => {
    const labelled = copy();
    node(labelled, 'fast').label = 'Fast';
    const empty = copy();
    node(empty, 'fast').label = '';
    expect(diffGraphs(example, empty).nodes).toEqual([]);
    expect(diffGraphs(labelled, example).nodes[0]).toMatchObject({ id: 'fast', label: { before: 'Fast', after: undefined } });
  });

  it('counts a node that only moved as moved, not changed', () => {
    const after = copy();
    node(after, 'fast').position = { x: 999, y: 5 };
    const d = diffGraphs(example, after);
    expect(d.nodes).toEqual([]);
    expect(d.moved).toEqual(['fast']);
    expect(isEmptyDiff(d)).toBe(true);
    expect(diffCounts(d).moved).toBe(1);
  });

  it('matches edges by what they connect, not by id', () => {
    const after = copy();
    after.edges = after.edges.map((e) => (e.id === 'e3' ? { ...e, id: 'redrawn' } : e));
    expect(diffGraphs(example, after).edges).toEqual({ added: [], removed: [] });

    const rewired = copy();
    rewired.edges = rewired.edges.filter((e) => e.id !== 'e6');
    rewired.edges.push({ id: 'e6', source: { node: 'cross', port: 'above' }, target: { node: 'order', port: 'exit' } });
    const d = diffGraphs(example, rewired);
    expect(d.edges.removed.map(edgeKey)).toEqual(['cross.below → order.exit']);
    expect(d.edges.added.map(edgeKey)).toEqual(['cross.above → order.exit']);
    expect(diffCounts(d)).toMatchObject({ edgesAdded: 1, edgesRemoved: 1 });
  });

  it('reports changed settings, with defaults filling what a graph leaves out', () => {
    const after = copy();
    after.settings = { ...after.settings, commissionBps: 5, maxLeverage: 2 };
    const d = diffGraphs(example, after);
    expect(d.settings).toEqual([
      { key: 'commissionBps', kind: 'changed', before: 1, after: 5 },
      { key: 'maxLeverage', kind: 'added', after: 2 },
    ]);
    // With the default known, an explicit default and a missing key are the same setting.
    const explicit = copy();
    explicit.settings = { ...explicit.settings, maxLeverage: 1 };
    expect(diffGraphs(example, explicit, { maxLeverage: 1 }).settings).toEqual([]);
    expect(diffGraphs(example, after, { maxLeverage: 1 }).settings.find((s) => s.key === 'maxLeverage')).toEqual({ key: 'maxLeverage', kind: 'changed', before: 1, after: 2 });
    const none = copy();
    delete none.settings;
    expect(diffGraphs(none, example).settings.map((s) => s.kind)).toEqual(['added', 'added', 'added']);
  });

  it('handles empty graphs on either side', () => {
    const empty: GraphInput = { nodes: [], edges: [] };
    const grown = diffCounts(diffGraphs(empty, example));
    expect(grown).toMatchObject({ added: 6, removed: 0, edgesAdded: 7, edgesRemoved: 0 });
    const cleared = diffCounts(diffGraphs(example, empty));
    expect(cleared).toMatchObject({ added: 0, removed: 6, edgesAdded: 0, edgesRemoved: 7 });
  });
});

describe('diffOverlay', () => {
  it('draws the newer graph with statuses and the removed nodes and wires as ghosts', () => {
    const after = copy();
    after.nodes = after.nodes.filter((n) => n.id !== 'gate');
    after.edges = after.edges.filter((e) => e.id !== 'e7');
    node(after, 'slow').params = { period: 30 };
    node(after, 'fast').position = { x: 1, y: 1 };
    after.nodes.push({ id: 'stop', type: 'risk.stopLoss', params: {}, position: { x: 0, y: 0 } });
    after.edges.push({ id: 'e8', source: { node: 'order', port: 'order' }, target: { node: 'stop', port: 'order' } });
    const overlay = diffOverlay(example, after, diffGraphs(example, after));
    expect(overlay.nodes.map((n) => [n.node.id, n.status])).toEqual([
      ['data', 'same'],
      ['fast', 'moved'],
      ['slow', 'changed'],
      ['cross', 'same'],
      ['order', 'same'],
      ['stop', 'added'],
      ['gate', 'removed'],
    ]);
    // The ghost sits where it was in the older graph.
    expect(overlay.nodes.at(-1)!.node.position).toEqual(node(example, 'gate').position);
    expect(overlay.edges.filter((e) => e.status !== 'same').map((e) => [e.edge.id, e.status])).toEqual([
      ['e8', 'added'],
      ['e7', 'removed'],
    ]);
  });

  it('keeps edge ids unique when a removed wire shares its id with a new one', () => {
    const after = copy();
    after.edges = after.edges.map((e) => (e.id === 'e7' ? { ...e, target: { node: 'order', port: 'order' } } : e));
    const overlay = diffOverlay(example, after, diffGraphs(example, after));
    const ids = overlay.edges.map((e) => e.edge.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(overlay.edges.find((e) => e.status === 'removed')!.edge.id).toBe('removed:e7');
  });
});

describe('value helpers', () => {
  it('compares JSON values structurally', () => {
    expect(sameValue({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue([], {})).toBe(false);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue(Number.NaN, Number.NaN)).toBe(true);
    expect(sameValue('1', 1)).toBe(false);
  });

  it('lists added, removed and changed keys, ignoring undefined ones', () => {
    expect(diffValues({ a: 1, b: 2, gone: undefined }, { b: 3, c: 4, a: 1 })).toEqual([
      { key: 'b', kind: 'changed', before: 2, after: 3 },
      { key: 'c', kind: 'added', after: 4 },
    ]);
    expect(diffValues(undefined, { a: 1 })).toEqual([{ key: 'a', kind: 'added', after: 1 }]);
    expect(diffValues({ a: 1 }, undefined)).toEqual([{ key: 'a', kind: 'removed', before: 1 }]);
  });

  it('formats values for the change list', () => {
    expect(formatValue(14)).toBe('14');
    expect(formatValue('close')).toBe('"close"');
    expect(formatValue(false)).toBe('false');
    expect(formatValue(undefined)).toBe('—');
    expect(formatValue(null)).toBe('null');
    expect(formatValue([1, 2])).toBe('[1,2]');
    expect(formatValue({ text: 'x'.repeat(100) })).toMatch(/^\{"text":"x+…$/);
    expect(formatValue({ text: 'x'.repeat(100) })).toHaveLength(58);
  });
});

describe('annotation changes', () => {
  const note = (text: string, x = 0) => ({ id: 'n1', text, position: { x, y: 0 }, size: { width: 200, height: 100 } });
  const base: GraphInput = { nodes: [{ id: 'a', type: 'indicator.sma' }], edges: [] };
  const withAnnotations = (comments: ReturnType<typeof note>[], groups: { id: string; label: string; nodes: string[] }[] = []): GraphInput => ({ ...base, annotations: { comments, groups } });

  it('reports comments and groups added, removed and changed, by what changed', () => {
    const d = diffGraphs(withAnnotations([note('old')], [{ id: 'g1', label: 'A', nodes: ['a'] }]), withAnnotations([note('new', 40)], [{ id: 'g2', label: 'B', nodes: ['a'] }]));
    expect(d.annotations).toEqual({
      comments: [{ id: 'n1', kind: 'changed', fields: ['text', 'position'] }],
      groups: [
        { id: 'g2', kind: 'added' },
        { id: 'g1', kind: 'removed' },
      ],
    });
    expect(diffCounts(d).annotations).toBe(3);
    // A note never changes what the strategy does.
    expect(isEmptyDiff(d)).toBe(true);
  });

  it('leaves the field out when the annotations are the same or absent on both sides', () => {
    expect(diffGraphs(withAnnotations([note('x')]), withAnnotations([note('x')]))).not.toHaveProperty('annotations');
    expect(diffGraphs(base, base)).not.toHaveProperty('annotations');
    expect(diffGraphs(base, withAnnotations([]))).not.toHaveProperty('annotations');
    expect(diffGraphs(base, withAnnotations([note('x')])).annotations!.comments).toEqual([{ id: 'n1', kind: 'added' }]);
  });

  it('draws notes and groups with their status, moved notes apart from edited ones, removed ones as ghosts', () => {
    const older = withAnnotations(
      [note('keep'), { ...note('drag me'), id: 'n2' }, { ...note('edit me'), id: 'n3' }, { ...note('delete me'), id: 'n4' }],
      [{ id: 'g1', label: 'Entry', nodes: ['a'] }, { id: 'g2', label: 'Gone', nodes: ['a'] }],
    );
    const newer = withAnnotations(
      [note('keep'), { ...note('drag me', 300), id: 'n2', size: { width: 260, height: 100 } }, { ...note('edited'), id: 'n3' }, { ...note('fresh'), id: 'n5' }],
      [{ id: 'g1', label: 'Entry signals', nodes: ['a'] }, { id: 'g3', label: 'New', nodes: ['a'] }],
    );
    const d = diffGraphs(older, newer);
    const overlay = annotationOverlay(older, newer, d);
    expect(overlay.comments.map((c) => [c.comment.id, c.status, c.comment.text])).toEqual([
      ['n1', 'same', 'keep'],
      ['n2', 'moved', 'drag me'],
      ['n3', 'changed', 'edited'],
      ['n5', 'added', 'fresh'],
      ['n4', 'removed', 'delete me'],
    ]);
    expect(overlay.groups.map((g) => [g.group.id, g.status, g.group.label])).toEqual([
      ['g1', 'changed', 'Entry signals'],
      ['g3', 'added', 'New'],
      ['g2', 'removed', 'Gone'],
    ]);
    expect(annotationStatus(undefined)).toBe('same');
    expect(annotationStatus({ id: 'x', kind: 'changed', fields: ['nodes'] })).toBe('changed');
  });
});
