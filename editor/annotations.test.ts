import { describe, expect, it } from 'vitest';
import { framePadding, frameRect, placeAnnotations, routeChanges } from './annotations.ts';
import type { AnnotationFlowNode, GroupFlowNode, StrategyFlowNode } from './graph-mapping.ts';

const node = (id: string, x: number, y: number, measured = { width: 200, height: 100 }): StrategyFlowNode => ({
  id,
  type: 'strategy',
  position: { x, y },
  measured,
  data: { type: 'indicator.sma', version: 1, params: {} },
});
const frame = (id: string, members: string[]): GroupFlowNode => ({ id, type: 'frame', position: { x: 0, y: 0 }, data: { label: 'G', members } });

describe('group frames', () => {
  it('wrap their members with room for the title strip', () => {
    const rect = frameRect([node('a', 100, 50), node('b', 400, 300, { width: 150, height: 80 })])!;
    expect(rect).toEqual({
      x: 100 - framePadding.side,
      y: 50 - framePadding.top,
      width: 450 + 2 * framePadding.side,
      height: 330 + framePadding.top + framePadding.bottom,
    });
    expect(frameRect([])).toBeNull();
  });

  it('are placed around the members still on the canvas, beneath everything, and vanish with their last member', () => {
    const nodes = [node('a', 0, 0), node('b', 300, 0)];
    const comment: AnnotationFlowNode = { id: 'note', type: 'comment', position: { x: 5, y: 5 }, data: { text: 'hi' } };
    const placed = placeAnnotations([frame('g', ['a', 'gone']), frame('empty', ['gone']), comment], nodes);
    expect(placed.map((p) => p.id)).toEqual(['g', 'note']);
    const g = placed[0] as GroupFlowNode;
    expect(g.data.members).toEqual(['a']);
    expect(g.position).toEqual({ x: -framePadding.side, y: -framePadding.top });
    expect(g.zIndex).toBeLessThan(0);
    // The frame body lets the pointer through to the canvas and the nodes inside.
    expect(g.style?.pointerEvents).toBe('none');
    expect(placed[1]).toBe(comment);
  });
});

describe('routing canvas changes', () => {
  const nodes = [node('a', 0, 0), node('b', 300, 0), node('c', 900, 900)];
  const placed = placeAnnotations([frame('g', ['a', 'b']), { id: 'note', type: 'comment', position: { x: 0, y: 500 }, data: { text: '' } }], nodes);
  const g = placed[0]!;

  it('turns a frame drag into the same move of every member', () => {
    const { nodeChanges, annotationChanges } = routeChanges(
      [{ type: 'position', id: 'g', position: { x: g.position.x + 30, y: g.position.y - 10 }, dragging: true }],
      placed,
      nodes,
    );
    expect(annotationChanges).toEqual([]);
    expect(nodeChanges).toEqual([
      { type: 'position', id: 'a', position: { x: 30, y: -10 }, dragging: true },
      { type: 'position', id: 'b', position: { x: 330, y: -10 }, dragging: true },
    ]);
  });

  it('does not move a member twice when it is dragged along with its frame', () => {
    const { nodeChanges } = routeChanges(
      [
        { type: 'position', id: 'a', position: { x: 30, y: 0 }, dragging: true },
        { type: 'position', id: 'g', position: { x: g.position.x + 30, y: g.position.y }, dragging: true },
      ],
      placed,
      nodes,
    );
    expect(nodeChanges).toEqual([
      { type: 'position', id: 'a', position: { x: 30, y: 0 }, dragging: true },
      { type: 'position', id: 'b', position: { x: 330, y: 0 }, dragging: true },
    ]);
  });

  it('ends the members’ drag when the frame’s ends, so the move is one undo step', () => {
    const { nodeChanges } = routeChanges([{ type: 'position', id: 'g', dragging: false }], placed, nodes);
    expect(nodeChanges).toEqual([
      { type: 'position', id: 'a', dragging: false },
      { type: 'position', id: 'b', dragging: false },
    ]);
  });

  it('sends node, comment and frame selection and removal where they belong, and drops frame measurements', () => {
    const { nodeChanges, annotationChanges } = routeChanges(
      [
        { type: 'select', id: 'c', selected: true },
        { type: 'select', id: 'g', selected: true },
        { type: 'remove', id: 'note' },
        { type: 'dimensions', id: 'g', dimensions: { width: 10, height: 10 } },
        { type: 'dimensions', id: 'note', dimensions: { width: 240, height: 120 }, resizing: true, setAttributes: true },
      ],
      placed,
      nodes,
    );
    expect(nodeChanges).toEqual([{ type: 'select', id: 'c', selected: true }]);
    expect(annotationChanges.map((c) => [c.type, 'id' in c ? c.id : ''])).toEqual([
      ['select', 'g'],
      ['remove', 'note'],
      ['dimensions', 'note'],
    ]);
  });
});
