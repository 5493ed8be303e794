import { describe, expect, it } from 'vitest';
import { fixture, makeBars, runGraph } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { createRegistry } from '../../registry.ts';
import { runNode } from '../../testing.ts';
import { regime } from './index.ts';

describe('model.regime', () => {
  it('each measure votes by its own levels (defaults: Hurst 0.55 / 0.45, VR 1.1 / 0.9, ADF −2.86)', () => {
    // Hurst alone: trending above 0.55, mean-reverting below 0.45, random between (edges included).
    const h = runNode(regime, { inputs: { hurst: [0.7, 0.55, 0.5, 0.45, 0.3] } });
    expect(h.regime).toEqual([1, 0, 0, 0, -1]);
    expect(h.trending).toEqual([1, 0, 0, 0, 0]);
    expect(h.meanReverting).toEqual([0, 0, 0, 0, 1]);
    expect(runNode(regime, { inputs: { varianceRatio: [1.3, 1, 0.8] } }).regime).toEqual([1, 0, -1]);
    // ADF can only say mean-reverting (unit root rejected) or nothing.
    expect(runNode(regime, { inputs: { adf: [-4, -2.86, 0, 3] } }).regime).toEqual([-1, 0, 0, 0]);
  });

  it('combines: a regime needs min votes for it and none against', () => {
    const inputs = {
      hurst: [0.6, 0.6, 0.6, 0.5, 0.4, 0.4, 0.5],
      varianceRatio: [1.2, 1.0, 0.8, 1.0, 0.8, 1.0, 1.0],
      adf: [0, 0, 0, 0, -3.5, 0, -3.5],
    };
    // votes (up, down): (2,0) (1,0) (1,1) (0,0) (0,3) (0,1) (0,1)
    expect(runNode(regime, { inputs }).regime).toEqual([1, 1, 0, 0, -1, -1, -1]);
    expect(runNode(regime, { params: { minVotes: 2 }, inputs }).regime).toEqual([1, 0, 0, 0, -1, 0, 0]);
    const all = runNode(regime, { params: { minVotes: 3 }, inputs });
    expect(all.regime).toEqual([0, 0, 0, 0, -1, 0, 0]);
    expect(all.meanReverting).toEqual([0, 0, 0, 0, 1, 0, 0]);
  });

  it('an ADF p-value works with the level set to 0.05', () => {
    expect(runNode(regime, { params: { adfLevel: 0.05 }, inputs: { adf: [0.01, 0.2] } }).regime).toEqual([-1, 0]);
  });

  it('unknown (NaN) on any wired input makes every output unknown; unwired inputs do not vote', () => {
    const out = runNode(regime, { inputs: { hurst: [NaN, 0.7, 0.7], adf: [-5, NaN, 0] } });
    expect(out.regime).toEqual([NaN, NaN, 1]);
    expect(out.trending).toEqual([NaN, NaN, 1]);
    expect(out.meanReverting).toEqual([NaN, NaN, 0]);
    expect(runNode(regime, { bars: 2 }).regime).toEqual([0, 0]);
  });

  it('refuses min votes outside 1–3', () => {
    expect(regime.params.safeParse({ minVotes: 0 }).success).toBe(false);
    expect(regime.params.safeParse({ minVotes: 4 }).success).toBe(false);
    expect(regime.params.parse({}).minVotes).toBe(1);
  });

  it('gates an entry in a compiled graph; inputs warming up keep it unknown', () => {
    const reg = createRegistry([...registry.definitions.filter((d) => d.type !== regime.type), regime]);
    const graph = fixture(
      {
        data: { type: 'data.synthetic' },
        avg: { type: 'indicator.sma', params: { period: 2 } },
        r: { type: 'model.regime', params: { vrTrending: 12, vrMeanReverting: 10 } },
        order: { type: 'order.targetPercent' },
      },
      ['data.close -> avg.source', 'avg.value -> r.varianceRatio', 'r.trending -> order.enter'],
    );
    // Stand-in measure: SMA(2) of the close against levels 10 and 12.
    const run = runGraph(graph, makeBars({ close: [9, 9, 11, 13, 13, 11, 9] }), { r: 'r.regime', t: 'r.trending' }, reg);
    // SMA(2): –, 9, 10, 12, 13, 12, 10
    expect(run.values.r).toEqual([NaN, -1, 0, 0, 1, 0, 0]);
    expect(run.values.t).toEqual([NaN, 0, 0, 0, 1, 0, 0]);
  });
});
