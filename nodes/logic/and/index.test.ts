import { describe, expect, it } from 'vitest';
import { makeBars, runGraph } from '../../../engine/testing.ts';
import { runNode } from '../../testing.ts';
import { combinerFixture } from '../testing.ts';
import { and } from './index.ts';

describe('logic.and', () => {
  it('is true only when both wired conditions are true; unwired C and D do not veto', () => {
    const { result } = runNode(and, { inputs: { a: [1, 1, 0, 0], b: [1, 0, 1, 0] } });
    expect(result).toEqual([1, 0, 0, 0]);
  });

  it('reads unknown (NaN) as false on A and B', () => {
    const { result } = runNode(and, { inputs: { a: [NaN, 1, NaN], b: [1, NaN, NaN] } });
    expect(result).toEqual([0, 0, 0]);
  });

  it('a wired optional input that is still unknown (NaN) vetoes, unlike an unwired one', () => {
    const { result } = runNode(and, { inputs: { a: [1, 1, 1, 1], b: [1, 1, 1, 1], c: [NaN, 1, 0, 1], d: [1, 1, 1, NaN] } });
    expect(result).toEqual([0, 1, 0, 0]);
  });

  it('treats anything but exactly 1 as false', () => {
    expect(runNode(and, { inputs: { a: [2, 0.5, -1], b: [1, 1, 1] } }).result).toEqual([0, 0, 0]);
  });

  it('in a compiled graph: optional inputs left unwired, then wired to a condition still warming up', () => {
    const bars = makeBars({ close: [11, 12, 13, 15, 13] });
    const plain = runGraph(combinerFixture('logic.and'), bars, { r: 'gate.result' });
    expect(plain.values.r).toEqual([1, 1, 1, 0, 1]);
    const withC = runGraph(combinerFixture('logic.and', true), bars, { r: 'gate.result', trend: 'trend.result' });
    // SMA(3): –, –, 12, 13.33, 13.67: the trend is unknown for two bars, so AND stays false there.
    expect(withC.values.trend).toEqual([NaN, NaN, 1, 1, 0]);
    expect(withC.values.r).toEqual([0, 0, 1, 0, 0]);
  });
});
