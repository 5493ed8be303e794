import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { runNode } from '../../testing.ts';
import { ensembleVote } from './index.ts';

describe('model.ensembleVote', () => {
  it('share of wired signals that are true; agreed when it reaches the threshold', () => {
    const inputs = { s1: [1, 1, 1, 0], s2: [1, 1, 0, 0], s3: [1, 0, 0, 0] };
    const { share, agreed } = runNode(ensembleVote, { inputs });
    expect(share).toEqual([1, 2 / 3, 1 / 3, 0]);
    expect(agreed).toEqual([1, 1, 0, 0]);
    expect(runNode(ensembleVote, { params: { threshold: 0.7 }, inputs }).agreed).toEqual([1, 0, 0, 0]);
  });

  it('a share equal to the threshold agrees (at least half)', () => {
    expect(runNode(ensembleVote, { inputs: { s2: [1, 0], s5: [0, 0] } })).toEqual({ share: [0.5, 0], agreed: [1, 0] });
  });

  it('unwired inputs do not count; a wired unknown (NaN) counts as a vote against', () => {
    expect(runNode(ensembleVote, { inputs: { s1: [1, 1] } }).share).toEqual([1, 1]);
    const { share, agreed } = runNode(ensembleVote, { inputs: { s1: [1, 1], s4: [NaN, 1] } });
    expect(share).toEqual([0.5, 1]);
    expect(agreed).toEqual([1, 1]);
    expect(runNode(ensembleVote, { inputs: { s1: [1], s2: [NaN], s3: [2] } }).share).toEqual([1 / 3]);
  });

  it('with no input wired, share and agreed are NaN', () => {
    expect(runNode(ensembleVote, { bars: 2 })).toEqual({ share: [NaN, NaN], agreed: [NaN, NaN] });
  });

  it('refuses a threshold outside 0–1', () => {
    expect(ensembleVote.params.safeParse({ threshold: 1.5 }).success).toBe(false);
    expect(ensembleVote.params.parse({}).threshold).toBe(0.5);
  });

  it('two of three thresholds agreeing in a compiled graph', () => {
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== ensembleVote.type), ensembleVote]);
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        a: { type: 'logic.threshold', params: { operator: '>', level: 10 } },
        b: { type: 'logic.threshold', params: { operator: '>', level: 12 } },
        c: { type: 'logic.threshold', params: { operator: '>', level: 14 } },
        vote: { type: 'model.ensembleVote', params: { threshold: 0.6 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> a.value', 'data.close -> b.value', 'data.close -> c.value', 'a.result -> vote.s1', 'b.result -> vote.s3', 'c.result -> vote.s5', 'vote.agreed -> order.enter'],
    );
    const run = runGraph(graph, makeBars({ close: [9, 11, 13, 15] }), { share: 'vote.share', agreed: 'vote.agreed' }, reg);
    expect(run.values.share).toEqual([0, 1 / 3, 2 / 3, 1]);
    expect(run.values.agreed).toEqual([0, 0, 1, 1]);
  });
});
