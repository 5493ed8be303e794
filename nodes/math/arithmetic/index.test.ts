import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { compareWithReference } from '../../reference.ts';
import { createRegistry } from '../../registry.ts';
import { runNode } from '../../testing.ts';
import { arithmetic } from './index.ts';

const a = [6, -3, 2.5, 0];
const b = [2, 4, -0.5, 7];

describe('math.arithmetic', () => {
  it.each([
    ['+', [8, 1, 2, 7]],
    ['-', [4, -7, 3, -7]],
    ['*', [12, -12, -1.25, 0]],
    ['/', [3, -0.75, -5, 0]],
    ['min', [2, -3, -0.5, 0]],
    ['max', [6, 4, 2.5, 7]],
    ['pow', [36, 81, 1 / Math.sqrt(2.5), 0]],
  ] as const)('A %s B bar by bar', (operator, expected) => {
    const { value } = runNode(arithmetic, { params: { operator }, inputs: { a, b } });
    value.forEach((v: number, i: number) => expect(v).toBeCloseTo(expected[i]!, 12));
  });

  it('division by zero is NaN, not Infinity (0 ÷ 0 too)', () => {
    expect(runNode(arithmetic, { params: { operator: '/' }, inputs: { a: [1, -1, 0, 1], b: [0, -0, 0, 4] } }).value).toEqual([NaN, NaN, NaN, 0.25]);
  });

  it('a result that is not finite is NaN: overflow, negative base to a fractional power', () => {
    expect(runNode(arithmetic, { params: { operator: 'pow' }, inputs: { a: [10, -8, 0], b: [400, 1 / 3, -1] } }).value).toEqual([NaN, NaN, NaN]);
    expect(runNode(arithmetic, { params: { operator: '*' }, inputs: { a: [1e200], b: [1e200] } }).value).toEqual([NaN]);
  });

  it('is NaN while either input is NaN, min and max included', () => {
    for (const operator of ['+', '-', '*', '/', 'min', 'max', 'pow'] as const) {
      expect(runNode(arithmetic, { params: { operator }, inputs: { a: [NaN, 1], b: [1, NaN] } }).value, operator).toEqual([NaN, NaN]);
    }
  });

  it('defaults to subtraction and refuses unknown operators', () => {
    expect(arithmetic.params.parse({}).operator).toBe('-');
    expect(arithmetic.params.safeParse({ operator: '%' }).success).toBe(false);
  });

  it('measures the bar range in a compiled graph', () => {
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== arithmetic.type), arithmetic]);
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        range: { type: 'math.arithmetic', params: { operator: '-' } },
        wide: { type: 'logic.threshold', params: { operator: '>', level: 2 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.high -> range.a', 'data.low -> range.b', 'range.value -> wide.value', 'wide.result -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [10, 11, 12], high: [11, 14, 12.5], low: [9.5, 10, 11] }), { range: 'range.value' }, reg);
    expect(run.values.range).toEqual([1.5, 4, 1.5]);
  });
});

describe('math.arithmetic against numpy', () => {
  it('matches numpy element-wise operations on the reference bars', () => {
    const result = compareWithReference(arithmetic);
    expect(result.compared).toBeGreaterThan(2000);
    expect(result.mismatches.slice(0, 5)).toEqual([]);
  });
});
