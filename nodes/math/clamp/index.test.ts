import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../reference.ts';
import { runNode } from '../../testing.ts';
import { clamp } from './index.ts';

describe('math.clamp', () => {
  it('raises to the floor and cuts to the ceiling', () => {
    expect(runNode(clamp, { params: { lower: -1, upper: 2 }, inputs: { value: [-5, -1, 0.5, 2, 7] } }).value).toEqual([-1, -1, 0.5, 2, 2]);
  });

  it('accepts the bounds in either order, and equal bounds', () => {
    expect(runNode(clamp, { params: { lower: 10, upper: 0 }, inputs: { value: [-3, 4, 12] } }).value).toEqual([0, 4, 10]);
    expect(runNode(clamp, { params: { lower: 3, upper: 3 }, inputs: { value: [-3, 4, NaN] } }).value).toEqual([3, 3, NaN]);
  });

  it('NaN in, NaN out; defaults to 0–100', () => {
    expect(runNode(clamp, { inputs: { value: [NaN, 150, -1] } }).value).toEqual([NaN, 100, 0]);
    expect(clamp.params.safeParse({ lower: -Infinity }).success).toBe(false);
  });
});

describe('math.clamp against numpy', () => {
  it('matches numpy.clip on the reference bars', () => {
    const result = compareWithReference(clamp);
    expect(result.compared).toBeGreaterThan(1000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
