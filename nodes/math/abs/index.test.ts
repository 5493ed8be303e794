import { describe, expect, it } from 'vitest';
import { runNode } from '../../testing.ts';
import { abs } from './index.ts';

describe('math.abs', () => {
  it('drops the sign', () => {
    expect(runNode(abs, { inputs: { value: [-2.5, 0, 3, -0] } }).value).toEqual([2.5, 0, 3, 0]);
  });

  it('NaN in, NaN out', () => {
    expect(runNode(abs, { inputs: { value: [NaN, -1] } }).value).toEqual([NaN, 1]);
  });
});
