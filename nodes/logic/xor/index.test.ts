import { describe, expect, it } from 'vitest';
import { makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { runNode } from '../../testing.ts';
import { combinerFixture } from '../testing.ts';
import { xor } from './index.ts';

describe('logic.xor', () => {
  it('two inputs: true when they differ', () => {
    expect(runNode(xor, { inputs: { a: [1, 1, 0, 0], b: [1, 0, 1, 0] } }).result).toEqual([0, 1, 1, 0]);
  });

  it('three or four inputs: "exactly one" and "odd" differ when three hold', () => {
    const inputs = { a: [1, 1, 1, 0], b: [1, 1, 0, 0], c: [1, 0, 0, 0], d: [0, 0, 0, 1] };
    // true counts per bar: 3, 2, 1, 1
    expect(runNode(xor, { inputs }).result).toEqual([0, 0, 1, 1]);
    expect(runNode(xor, { params: { rule: 'odd' }, inputs }).result).toEqual([1, 0, 1, 1]);
  });

  it('unknown (NaN) on any wired input holds it at false; unwired C and D are ignored', () => {
    expect(runNode(xor, { inputs: { a: [NaN, 1, 1], b: [0, NaN, 0] } }).result).toEqual([0, 0, 1]);
    expect(runNode(xor, { inputs: { a: [1, 1, 1], b: [0, 0, 0], c: [NaN, 0, 1] } }).result).toEqual([0, 1, 0]);
  });

  it('reads any known value but exactly 1 as false', () => {
    expect(runNode(xor, { inputs: { a: [2, 0.5, 1], b: [1, 1, -1] } }).result).toEqual([1, 1, 1]);
  });

  it('refuses an unknown rule and defaults to exactly one', () => {
    expect(xor.params.parse({}).rule).toBe('exactlyOne');
    expect(xor.params.safeParse({ rule: 'even' }).success).toBe(false);
  });

  it('in a compiled graph: an optional input left unwired, then wired to a condition still warming up', () => {
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== xor.type), xor]);
    const bars = makeBars({ close: [9, 12, 18, 14, 13] });
    // up (> 10): 0 1 1 1 1; cheap (< 14): 1 1 0 0 1 → XOR: 1 0 1 1 0
    expect(runGraph(combinerFixture('logic.xor'), bars, { r: 'gate.result' }, reg).values.r).toEqual([1, 0, 1, 1, 0]);
    // SMA(3): –, –, 13, 44/3, 15 → trend: NaN NaN 1 0 0. With C: unknown on bars 0–1, then true counts 2, 1, 2.
    const withC = runGraph(combinerFixture('logic.xor', true), bars, { r: 'gate.result' }, reg);
    expect(withC.values.r).toEqual([0, 0, 0, 1, 0]);
  });
});
