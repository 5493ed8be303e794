import { describe, expect, it } from 'vitest';
import type { GraphInput } from '../engine/graph.ts';
import { parseClip } from './clip-payload.ts';
import { clipFormat, clipSize, copySelection, pasteClip, readClip, serializeClip, writeClip } from './clipboard.ts';

const graph: GraphInput = {
  nodes: [
    { id: 'data', type: 'data.synthetic', params: { seed: 3 }, position: { x: 0, y: 0 } },
    { id: 'fast', type: 'indicator.sma', params: { period: 10 }, position: { x: 200, y: 0 }, label: 'Fast' },
    { id: 'slow', type: 'indicator.sma', params: { period: 50 }, position: { x: 200, y: 150 } },
  ],
  edges: [
    { id: 'e1', source: { node: 'data', port: 'close' }, target: { node: 'fast', port: 'source' } },
    { id: 'e2', source: { node: 'data', port: 'close' }, target: { node: 'slow', port: 'source' } },
  ],
  annotations: {
    comments: [
      { id: 'why', text: 'Fast SMA: the entry signal', position: { x: 180, y: -120 }, size: { width: 220, height: 110 } },
      { id: 'todo', text: 'Try an EMA', position: { x: 500, y: 300 }, size: { width: 160, height: 80 } },
    ],
    groups: [{ id: 'averages', label: 'Moving averages', nodes: ['fast', 'slow'] }],
  },
};

describe('copy and paste', () => {
  it('copies the selected nodes with only the wires between them', () => {
    const clip = copySelection(graph, new Set(['data', 'fast']))!;
    expect(clip.nodes.map((n) => n.id)).toEqual(['data', 'fast']);
    expect(clip.edges.map((e) => e.id)).toEqual(['e1']);
    expect(copySelection(graph, new Set())).toBeNull();
  });

  it('is a deep copy: later edits on the canvas do not change what was copied', () => {
    const source = structuredClone(graph);
    const clip = copySelection(source, new Set(['fast']))!;
    (source.nodes[1]!.params as Record<string, unknown>).period = 99;
    expect(clip.nodes[0]!.params).toEqual({ period: 10 });
  });

  it('pastes with fresh ids, internal wires rewired to the copies, params and labels kept, positions offset', () => {
    const clip = copySelection(graph, new Set(['data', 'fast']))!;
    const taken = new Set(graph.nodes.map((n) => n.id));
    const pasted = pasteClip(clip, taken, new Set(graph.edges.map((e) => e.id)), { x: 40, y: 30 });
    const [data, fast] = pasted.nodes;
    expect(data!.id).toMatch(/^synthetic-[0-9a-f]{4}$/);
    expect(fast!.id).toMatch(/^sma-[0-9a-f]{4}$/);
    expect(taken.has(data!.id) || taken.has(fast!.id)).toBe(false);
    expect(fast).toMatchObject({ type: 'indicator.sma', params: { period: 10 }, label: 'Fast', position: { x: 240, y: 30 } });
    expect(pasted.edges).toHaveLength(1);
    expect(pasted.edges[0]).toMatchObject({ source: { node: data!.id, port: 'close' }, target: { node: fast!.id, port: 'source' } });
    expect(pasted.edges[0]!.id).not.toBe('e1');
  });

  it('carries the selected notes, and a selected group with all its members and their wires', () => {
    const clip = copySelection(graph, new Set(['why', 'averages']))!;
    expect(clip.comments.map((c) => c.id)).toEqual(['why']);
    expect(clip.groups).toEqual([{ id: 'averages', label: 'Moving averages', nodes: ['fast', 'slow'] }]);
    // The group's members come along although only its frame was selected; no wire runs between them.
    expect(clip.nodes.map((n) => n.id)).toEqual(['fast', 'slow']);
    expect(clip.edges).toEqual([]);
    expect(clipSize(clip)).toBe(3);
    // A note alone is a clip too; selected nodes without any annotation carry none.
    expect(copySelection(graph, new Set(['todo']))).toMatchObject({ nodes: [], comments: [{ id: 'todo' }], groups: [] });
    expect(copySelection(graph, new Set(['data']))).toMatchObject({ comments: [], groups: [] });
  });

  it('pastes notes and groups with fresh ids, members pointed at the pasted nodes, notes offset', () => {
    const clip = copySelection(graph, new Set(['data', 'averages', 'why']))!;
    const taken = new Set([...graph.nodes.map((n) => n.id), 'why', 'todo', 'averages']);
    const pasted = pasteClip(clip, taken, new Set(['e1', 'e2']), { x: 40, y: 40 });
    const ids = pasted.nodes.map((n) => n.id);
    expect(pasted.edges).toHaveLength(2);
    const [note] = pasted.comments;
    expect(note).toMatchObject({ text: 'Fast SMA: the entry signal', position: { x: 220, y: -80 }, size: { width: 220, height: 110 } });
    expect(taken.has(note!.id)).toBe(false);
    const [group] = pasted.groups;
    expect(group!.label).toBe('Moving averages');
    expect(taken.has(group!.id) || ids.includes(group!.id) || group!.id === note!.id).toBe(false);
    // The pasted group frames the pasted copies of fast and slow, never the originals.
    const copyOf = (original: string) => ids[clip.nodes.findIndex((n) => n.id === original)];
    expect(group!.nodes).toEqual([copyOf('fast'), copyOf('slow')]);
  });

  it('gives every node of one paste a distinct id even for the same type', () => {
    const clip = copySelection(graph, new Set(['fast', 'slow']))!;
    const pasted = pasteClip(clip, new Set(), new Set(), { x: 0, y: 0 });
    expect(new Set(pasted.nodes.map((n) => n.id)).size).toBe(2);
  });
});

describe('the system clipboard', () => {
  const clip = copySelection(graph, new Set(['data', 'fast']))!;

  it('round-trips a clip through its JSON payload, format marker included', () => {
    const text = serializeClip(clip);
    expect(JSON.parse(text)).toMatchObject({ format: clipFormat, version: 1 });
    const back = parseClip(text)!;
    expect(back.nodes.map((n) => [n.id, n.params])).toEqual([
      ['data', { seed: 3 }],
      ['fast', { period: 10 }],
    ]);
    expect(back.edges.map((e) => e.id)).toEqual(['e1']);
    const annotated = parseClip(serializeClip(copySelection(graph, new Set(['averages', 'why']))!))!;
    expect(annotated.comments.map((c) => c.text)).toEqual(['Fast SMA: the entry signal']);
    expect(annotated.groups.map((g) => g.nodes)).toEqual([['fast', 'slow']]);
  });

  it('reads a payload from before notes were copied, and drops group members the payload does not carry', () => {
    const old = JSON.stringify({ format: clipFormat, version: 1, nodes: clip.nodes, edges: clip.edges });
    expect(parseClip(old)).toMatchObject({ comments: [], groups: [] });
    const stray = JSON.parse(serializeClip(copySelection(graph, new Set(['averages']))!));
    stray.groups.push({ id: 'ghost', label: 'Gone', nodes: ['elsewhere'] });
    stray.groups[0].nodes.push('elsewhere');
    expect(parseClip(JSON.stringify(stray))!.groups).toEqual([{ id: 'averages', label: 'Moving averages', nodes: ['fast', 'slow'] }]);
    // Nothing at all to paste is not a clip.
    expect(parseClip(JSON.stringify({ format: clipFormat, version: 1, nodes: [], edges: [], comments: [] }))).toBeNull();
  });

  it('takes nothing but its own, valid payload', () => {
    expect(parseClip('hello')).toBeNull();
    expect(parseClip(JSON.stringify({ nodes: clip.nodes, edges: [] }))).toBeNull();
    expect(parseClip(`{"format":"${clipFormat}", broken`)).toBeNull();
    expect(parseClip(JSON.stringify({ format: clipFormat, version: 1, nodes: [{ id: 'bad id!', type: 'x' }], edges: [] }))).toBeNull();
    // Wires to nodes the payload does not carry are dropped, as a copy would have.
    const stray = JSON.parse(serializeClip(clip));
    stray.edges.push({ id: 'e9', source: { node: 'elsewhere', port: 'x' }, target: { node: 'fast', port: 'source' } });
    expect(parseClip(JSON.stringify(stray))!.edges.map((e) => e.id)).toEqual(['e1']);
  });

  it('prefers the system clipboard, and falls back to the app’s own when it is refused or holds something else', async () => {
    const other = copySelection(graph, new Set(['slow']))!;
    expect((await readClip(other, { readText: async () => serializeClip(clip) }))!.nodes).toHaveLength(2);
    expect(await readClip(other, { readText: async () => 'some text' })).toBe(other);
    expect(await readClip(other, { readText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) })).toBe(other);
    expect(await readClip(null, undefined)).toBeNull();
  });

  it('writes the payload, reporting a refusal instead of throwing', async () => {
    let written = '';
    expect(await writeClip(clip, { writeText: async (t: string) => void (written = t) })).toBe(true);
    expect(parseClip(written)!.nodes).toHaveLength(2);
    expect(await writeClip(clip, { writeText: () => Promise.reject(new Error('no focus')) })).toBe(false);
    expect(await writeClip(clip, undefined)).toBe(false);
  });
});
