import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../engine/backtest.ts';
import { alignOnUnion } from '../../../engine/bars.ts';
import { compile } from '../../../engine/compile.ts';
import { compileOk, fixture, makeBars } from '../../../engine/testing.ts';
import { registry } from '../../index.ts';
import { runNode } from '../../testing.ts';
import { symbolOfName } from '../basket.ts';
import { csvBasket } from './index.ts';

const basket = (datasets: unknown) => csvBasket.params.safeParse({ datasets });
const issues = (datasets: unknown) => {
  const parsed = basket(datasets);
  // Paths below the param, as the editor's form matches them to a row.
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.slice(1).join('.'), message: i.message }));
};

describe('data.csvBasket', () => {
  it('publishes each symbol’s closed bar from the context, like any data node', () => {
    const out = runNode(csvBasket, { params: { datasets: [{ datasetId: 'a' }] }, ctx: [{ open: 1, high: 3, low: 0.5, close: 2, volume: 9 }] });
    expect([out.open[0], out.high[0], out.low[0], out.close[0], out.volume[0]]).toEqual([1, 3, 0.5, 2, 9]);
    expect(out.bars[0]).toEqual({ time: 0, open: 1, high: 3, low: 0.5, close: 2, volume: 9 });
  });

  it('asks for every picked dataset, in order, with the symbols given', () => {
    const params = csvBasket.params.parse({ datasets: [{ datasetId: 'd1', symbol: ' SPY ' }, { datasetId: 'd2' }] });
    expect(csvBasket.source!(params)).toEqual({ kind: 'datasets', datasets: [{ datasetId: 'd1', symbol: 'SPY' }, { datasetId: 'd2' }] });
  });

  it('refuses an empty basket, a dataset picked twice and a symbol used twice (case does not count)', () => {
    expect(issues(undefined)).toEqual([{ path: '', message: 'pick uploaded CSV files' }]);
    expect(issues([])).toEqual([{ path: '', message: 'pick at least one uploaded CSV file' }]);
    expect(issues([{ datasetId: '' }])).toEqual([{ path: '0.datasetId', message: 'pick an uploaded CSV file' }]);
    expect(issues([{ datasetId: 'a' }, { datasetId: 'a' }])).toEqual([{ path: '1.datasetId', message: 'this dataset is already in the basket' }]);
    expect(issues([{ datasetId: 'a', symbol: 'SPY' }, { datasetId: 'b', symbol: 'spy' }])).toEqual([{ path: '1.symbol', message: 'symbol "spy" is already used by another dataset of the basket' }]);
    expect(issues([{ datasetId: 'a', symbol: '   ' }]).map((i) => i.path)).toEqual(['0.symbol']);
    expect(issues([{ datasetId: 'a', symbol: 'BTC\nUSD' }]).map((i) => i.message)).toEqual(['a symbol cannot contain control characters']);
    expect(issues(Array.from({ length: 101 }, (_, i) => ({ datasetId: `d${i}` }))).map((i) => i.message)).toEqual(['a basket holds at most 100 datasets']);
  });

  it('names a symbol after its dataset when none is given', () => {
    expect(symbolOfName('spy-daily.csv')).toBe('spy-daily');
    expect(symbolOfName('  BTC-USD.CSV ')).toBe('BTC-USD');
    expect(symbolOfName('prices')).toBe('prices');
    expect(symbolOfName('x'.repeat(80) + '.csv')).toHaveLength(64);
  });

  it('is a compile error on the node, down to the entry, not a failure at run time', () => {
    const graph = (datasets: unknown) => ({
      nodes: [
        { id: 'data', type: 'data.csvBasket', params: { datasets } },
        { id: 'w', type: 'portfolio.weights', params: {} },
        { id: 'order', type: 'order.rebalance', params: {} },
      ],
      edges: [{ id: 'a', source: { node: 'w', port: 'weight' }, target: { node: 'order', port: 'weight' } }],
    });
    const result = compile(graph([{ datasetId: 'a', symbol: 'X' }, { datasetId: 'b', symbol: 'x' }]), registry);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([expect.objectContaining({ code: 'bad_params', nodeId: 'data', path: ['nodes', 0, 'params', 'datasets', 1, 'symbol'] })]);
    const ok = compile(graph([{ datasetId: 'a' }, { datasetId: 'b' }]), registry);
    expect(ok.ok && ok.plan.data).toEqual({ nodeId: 'data', request: { kind: 'datasets', datasets: [{ datasetId: 'a' }, { datasetId: 'b' }] } });
  });

  it('runs a rotation in which every node steps once per file', async () => {
    // A rises, B falls: the top-1 rotation must hold A only.
    const n = 40;
    const a = makeBars({ close: Array.from({ length: n }, (_, i) => 100 + i) });
    const b = makeBars({ close: Array.from({ length: n }, (_, i) => 100 - i) });
    const graph = fixture(
      {
        data: { type: 'data.csvBasket', params: { datasets: [{ datasetId: 'a', symbol: 'UP' }, { datasetId: 'b', symbol: 'DOWN' }] } },
        roc: { type: 'indicator.roc', params: { period: 5 } },
        top: { type: 'portfolio.topN', params: { count: 1 } },
        weights: { type: 'portfolio.weights', params: { mode: 'equal', grossPercent: 90 } },
        rebalance: { type: 'order.rebalance', params: { bandPercent: 5 } },
      },
      ['data.close -> roc.source', 'roc.value -> top.score', 'top.selected -> weights.selected', 'weights.weight -> rebalance.weight'],
      { commissionBps: 0, slippageBps: 0 },
    );
    const result = await runBacktest(compileOk(graph), alignOnUnion(['UP', 'DOWN'], [a, b]));
    expect(result.symbols).toEqual(['UP', 'DOWN']);
    expect(result.trades.length).toBeGreaterThan(0);
    expect(new Set(result.trades.map((t) => t.symbol))).toEqual(new Set(['UP']));
  });
});
