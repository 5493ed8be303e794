import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineNode } from '../nodes/contract.ts';
import { registry } from '../nodes/index.ts';
import { setMarket } from '../nodes/order/instruction.ts';
import { volatilityTarget } from '../nodes/risk/volatilityTarget/index.ts';
import { runNode } from '../nodes/testing.ts';
import { createRegistry } from '../nodes/registry.ts';
import { syntheticBars, syntheticMarket } from './bars.ts';
import { runBacktest } from './backtest.ts';
import { Account, SimBroker } from './broker.ts';
import { ColumnCache } from './column-cache.ts';
import { createExecutor, readsContext } from './execute.ts';
import { compileOk, fixture, makeBars, runGraph } from './testing.ts';

/** A node that reads a whole bar: the range, and the bar's time, passed through. */
const range = defineNode({
  type: 'indicator.testRange',
  version: 1,
  category: 'indicator',
  title: 'Range',
  description: 'High minus low (test node).',
  docs: { example: '', caveats: [] },
  inputs: { bars: { kind: 'bars', description: 'Bars.' }, other: { kind: 'bars', description: 'Unwired bars.', optional: true } },
  outputs: { range: { kind: 'number', description: 'High − low.' }, time: { kind: 'number', description: 'Bar time.' }, unwired: { kind: 'number', description: 'NaN.' } },
  params: z.object({}),
  init: () => ({}),
  step(_s, _p, input, out) {
    out.range = input.bars.high - input.bars.low;
    out.time = input.bars.time;
    out.unwired = input.other.close;
  },
});
const withRange = createRegistry([...registry.definitions, range]);

/**
 * A bar-phase node that tells -0 from 0: it holds 1 unit while its input is -0, none otherwise, and is idle
 * while its input is the value it last stepped with (as Object.is), which quiet stretches must honour.
 */
const signOfZero = defineNode({
  type: 'order.testSignOfZero',
  version: 1,
  category: 'order',
  title: 'Sign of zero',
  description: 'Long 1 unit while the input is -0 (test node).',
  docs: { example: '', caveats: [] },
  inputs: { x: { kind: 'number', description: 'A value that is often ±0.' } },
  outputs: { order: { kind: 'order', description: 'Target position.' } },
  params: z.object({}),
  init: () => ({ last: NaN }),
  // Taking the context (unused) makes it a bar-phase node, the kind quiet stretches skip.
  step(s, _p, input, out, _ctx) {
    s.last = input.x;
    setMarket(out.order, Object.is(input.x, -0) ? 1 : 0);
  },
  idle: (s, _p, input) => Object.is(input.x, s.last),
});
const withSignOfZero = createRegistry([...registry.definitions, signOfZero]);

describe('executor', () => {
  it('delivers a bars port field by field through the generated loop, and NaN to an unwired one', () => {
    const bars = makeBars({ close: [10, 11, 12, 11], high: [10.5, 12, 12.5, 11.2], low: [9, 10.5, 11.8, 10.9] });
    const graph = fixture(
      { data: { type: 'data.csv', params: { dataset: 'x' } }, r: { type: 'indicator.testRange' }, gt: { type: 'logic.threshold' }, order: { type: 'order.targetPercent' } },
      ['data.bars -> r.bars', 'r.range -> gt.value', 'gt.result -> order.enter'],
    );
    const run = runGraph(graph, bars, { range: 'r.range', time: 'r.time', unwired: 'r.unwired' }, withRange);
    expect(run.values.range!.map((v) => +v.toFixed(9))).toEqual([1.5, 1.5, 0.7, 0.3]);
    expect(run.values.time).toEqual([...bars.time]);
    expect(run.values.unwired!.every(Number.isNaN)).toBe(true);
  });
});

describe('executor phases', () => {
  // RSI and ATR run in the column phase, the sizing and exits bar by bar; bad bars sit inside blocks.
  const graph = fixture(
    {
      data: { type: 'data.synthetic' },
      rsi: { type: 'indicator.rsi', params: { period: 14 } },
      atr: { type: 'indicator.atr', params: { period: 14 } },
      low: { type: 'logic.threshold', params: { operator: '<', level: 35 } },
      high: { type: 'logic.threshold', params: { operator: '>', level: 65 } },
      order: { type: 'order.targetPercent', params: { percent: 50 } },
      exits: { type: 'risk.stopTakeProfit', params: { basis: 'distance', stopLoss: 2, takeProfit: 3, trail: 0 } },
    },
    ['data.close -> rsi.source', 'data.bars -> atr.bars', 'rsi.value -> low.value', 'rsi.value -> high.value', 'low.result -> order.enter', 'high.result -> order.exit', 'order.order -> exits.order', 'atr.value -> exits.distance'],
  );
  const bars = syntheticBars({ seed: 7, bars: 3000, startPrice: 100, drift: 0, volatility: 0.8, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1) });
  for (const t of [5, 100, 101, 2047, 2048, 2999]) bars.close[t] = NaN;

  function run(blockBars: number | undefined, chunk: number) {
    const plan = compileOk(graph, registry);
    const broker = new SimBroker(plan.settings);
    const exec = createExecutor(plan, bars, broker, { blockBars });
    for (let from = 0; from < 3000; from += chunk) exec.run(from, Math.min(3000, from + chunk));
    return { equity: [...exec.equity], fills: broker.fills, stats: { ...exec.stats }, slots: [...exec.slots] };
  }

  it('gives the same fills, equity and final outputs whatever the block and call sizes', () => {
    const reference = run(1, 1);
    expect(reference.fills.length).toBeGreaterThan(10);
    expect(reference.stats.skipped).toBe(6);
    // undefined: the executor's own block size (8 192 bars for this plan), called in pieces of 700.
    for (const [block, chunk] of [[7, 3000], [2048, 3000], [4096, 500], [64, 1], [undefined, 700]] as const) {
      const other = run(block, chunk);
      expect(other.fills).toEqual(reference.fills);
      expect(other.equity).toEqual(reference.equity);
      expect(other.stats).toEqual(reference.stats);
      expect(other.slots).toEqual(reference.slots);
    }
  });

  it('marks every bar into a lent equity buffer, whatever it held before (runBacktest reuses them)', () => {
    const plan = compileOk(graph, registry);
    const own = createExecutor(plan, bars, new SimBroker(plan.settings));
    own.run(0, 3000);
    const lent = new Float64Array(3100).fill(-12345);
    const exec = createExecutor(plan, bars, new SimBroker(plan.settings), { equity: lent });
    exec.run(0, 3000);
    expect(exec.equity.length).toBe(3000);
    expect([...exec.equity]).toEqual([...own.equity]);
    expect(lent[3000]).toBe(-12345);
    expect(() => createExecutor(plan, bars, new SimBroker(plan.settings), { equity: new Float64Array(10) })).toThrow(/10 values, not the 3000 bars/);
  });

  it('skips the bar-phase steps of idle bars without changing fills, equity, outputs or states', () => {
    // The same graph with a max-position gate (idle nodes all the way) and without any idle test.
    const gated = { ...graph, nodes: [...graph.nodes, { id: 'gate', type: 'risk.maxPosition', params: { maxQuantity: 400 }, position: { x: 0, y: 0 } }], edges: [...graph.edges, { id: 'g', source: { node: 'exits', port: 'order' }, target: { node: 'gate', port: 'order' } }] };
    const plan = compileOk(gated, registry);
    const noIdle = { ...plan, nodes: plan.nodes.map((n) => ({ ...n, def: { ...n.def, idle: undefined } })) };
    const go = (p: typeof plan, blockBars: number) => {
      const broker = new SimBroker(p.settings);
      const exec = createExecutor(p, bars, broker, { blockBars });
      exec.run(0, 3000);
      return { equity: [...exec.equity], fills: broker.fills, trades: broker.trades, stats: { ...exec.stats }, slots: [...exec.slots], states: structuredClone(exec.states) };
    };
    const reference = go(noIdle, 2048);
    expect(reference.fills.length).toBeGreaterThan(10);
    for (const block of [1, 2048]) expect(go(plan, block)).toEqual(reference);
  });

  it('with several symbols and bad bars, gives the fills, equity, outputs and states of a run without idle tests, whatever the block size', () => {
    // Blocks with every bar valid set each symbol's last valid bar only at their end, and mark from the
    // positions the executor follows: a bad bar after one must mark at that symbol's last valid close.
    const plan = compileOk(graph, registry);
    const noIdle = { ...plan, nodes: plan.nodes.map((n) => ({ ...n, def: { ...n.def, idle: undefined } })) };
    const market = syntheticMarket({ seed: 5, bars: 3000, startPrice: 100, drift: 0, volatility: 0.8, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1), symbols: 3 });
    for (let t = 40; t < 3000; t += 61) market.lanes[t % 2]!.close[t] = NaN;
    const go = (p: typeof plan, blockBars: number) => {
      const account = new Account(p.settings.initialCash);
      const shared = market.lanes.map((_, k) => new SimBroker(p.settings, account, `S${k}`));
      const exec = createExecutor(p, market, shared, { blockBars });
      for (let from = 0; from < 3000; from += 500) exec.run(from, from + 500);
      return { equity: [...exec.equity], fills: shared.map((b) => b.fills), stats: { ...exec.stats }, slots: [...exec.slots], states: structuredClone(exec.states) };
    };
    // Blocks of at most 16 bars: longer ones start with 200 blocks of 16 (the warm-up ramp), which would
    // cover these 3 000 bars whatever the size asked for.
    const reference = go(noIdle, 16);
    expect(reference.fills.flat().length).toBeGreaterThan(30);
    expect(reference.stats.skipped).toBe(49);
    for (const block of [3, 7, 16]) expect(go(plan, block)).toEqual(reference);
  });

  // Quiet stretches (runs of bars where nothing can happen, marked in a tight loop): with exits that hold
  // a position between its stop and target, with a trailing stop (never calm while held), with tight
  // levels crossed often, and across several symbols, each equals the run without any idle test.
  const exitVariants = [
    { basis: 'distance', stopLoss: 2, takeProfit: 3, trail: 0 },
    { basis: 'distance', stopLoss: 0.3, takeProfit: 0.4, trail: 0 },
    { basis: 'percent', stopLoss: 0, takeProfit: 4, trail: 1.5 },
  ];
  for (const exits of exitVariants) {
    for (const symbols of [1, 3]) {
      it(`quiet stretches change nothing: exits ${JSON.stringify(exits)}, ${symbols} symbol(s)`, async () => {
        const variant = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'exits' ? { ...n, params: exits } : n)) };
        const plan = compileOk(variant, registry);
        const noIdle = { ...plan, nodes: plan.nodes.map((n) => ({ ...n, def: { ...n.def, idle: undefined } })) };
        const market = syntheticMarket({ seed: 11, bars: 3000, startPrice: 100, drift: 0, volatility: 0.8, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1), symbols });
        // Bad bars inside stretches, and one symbol's bad bar where the others are fine.
        for (const t of [5, 700, 2047, 2048]) market.lanes[0]!.close[t] = NaN;
        const go = async (p: typeof plan) => {
          const r = await runBacktest(p, market, { chunkBars: 977 });
          return { trades: r.trades, metrics: r.metrics, skipped: r.skippedBars };
        };
        const reference = await go(noIdle);
        expect(reference.trades.length).toBeGreaterThan(10 * symbols);
        expect(await go(plan)).toEqual(reference);
      });
    }
  }

  it('ends a quiet stretch where a column input turns from 0 to -0 or back (with NaN inputs on bad bars)', async () => {
    // x = (close − open) × 0: +0 on an up bar, -0 on a down bar; NaN on the bad bars.
    const g = fixture(
      {
        data: { type: 'data.synthetic' },
        move: { type: 'math.arithmetic', params: { operator: '-' } },
        zero: { type: 'math.constant', params: { value: 0 } },
        x: { type: 'math.arithmetic', params: { operator: '*' } },
        probe: { type: 'order.testSignOfZero' },
      },
      ['data.close -> move.a', 'data.open -> move.b', 'move.value -> x.a', 'zero.value -> x.b', 'x.value -> probe.x'],
    );
    const plan = compileOk(g, withSignOfZero);
    const noIdle = { ...plan, nodes: plan.nodes.map((n) => ({ ...n, def: { ...n.def, idle: undefined } })) };
    const market = syntheticBars({ seed: 5, bars: 3000, startPrice: 100, drift: 0, volatility: 0.8, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1) });
    for (let t = 400; t < 460; t++) market.close[t] = NaN;
    const go = async (p: typeof plan) => {
      const r = await runBacktest(p, market, { chunkBars: 977 });
      return { trades: r.trades, metrics: r.metrics, skipped: r.skippedBars };
    };
    const reference = await go(noIdle);
    expect(reference.trades.length).toBeGreaterThan(300);
    expect(await go(plan)).toEqual(reference);
  });

  it('prepares a bar-phase node’s columns: its percent, read by a pure node, equals a bar-by-bar run of the node', () => {
    const g = fixture(
      {
        data: { type: 'data.synthetic' },
        on: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
        size: { type: 'risk.volatilityTarget', params: { targetVolatility: 10, window: 30, maxPercent: 40 } },
        calm: { type: 'math.arithmetic', params: { operator: '+' } },
      },
      ['data.close -> on.value', 'on.result -> size.enter', 'size.percent -> calm.a', 'size.percent -> calm.b'],
    );
    const plan = compileOk(g, registry);
    const phase = Object.fromEntries(plan.nodes.map((n) => [n.id, readsContext(n.def.step) ? 'bar' : 'column']));
    expect(phase).toMatchObject({ size: 'bar', calm: 'column' });
    const exec = createExecutor(plan, bars, new SimBroker(plan.settings), { blockBars: 64 });
    const percents: number[] = [];
    const slotOf = (id: string, port: string) => plan.nodes.find((n) => n.id === id)!.outputSlots[port]!;
    for (let t = 0; t < 3000; t += 1) {
      exec.run(t, t + 1);
      percents.push(Number.isNaN(bars.close[t]) ? NaN : exec.slots[slotOf('size', 'percent')]!);
      if (!Number.isNaN(bars.close[t])) expect(exec.slots[slotOf('calm', 'value')]).toBe(percents[t]! + percents[t]!);
    }
    // runNode steps the node on every bar it is given: the valid bars.
    const valid = [...bars.close.keys()].filter((t) => !Number.isNaN(bars.close[t]));
    const alone = runNode(volatilityTarget, { params: { targetVolatility: 10, window: 30, maxPercent: 40 }, inputs: { enter: valid.map(() => 1) }, ctx: valid.map((t) => ({ close: bars.close[t]!, time: bars.time[t]! })) });
    expect(valid.map((t) => percents[t])).toEqual(alone.percent);
    expect(alone.percent.filter((v: number) => v > 0).length).toBeGreaterThan(2000);
  });

  it('marks a symbol with a bad bar at its last valid open when another symbol’s fill reads it (leverage cap)', async () => {
    // Symbol A holds 60 % of equity from the start; B asks for 60 % from bar 11, where A's bar is bad (its
    // open a wild 1e6). B's leverage room must count A at its last valid open, as the step of every bar does.
    const closesA = Array.from({ length: 40 }, (_, t) => 200 + (t % 3));
    const closesB = Array.from({ length: 40 }, (_, t) => (t < 10 ? 100 : 110));
    const a = makeBars({ close: closesA }), b = makeBars({ close: closesB });
    a.open[11] = 1e6;
    a.close[11] = NaN;
    const market = { symbols: ['A', 'B'], lanes: [a, b] };
    const g = fixture(
      {
        data: { type: 'data.synthetic', params: { symbols: 2 } },
        up: { type: 'logic.threshold', params: { operator: '>', level: 105 } },
        order: { type: 'order.targetPercent', params: { percent: 60 } },
      },
      ['data.close -> up.value', 'up.result -> order.enter'],
    );
    const plan = compileOk(g, registry);
    const noIdle = { ...plan, nodes: plan.nodes.map((n) => ({ ...n, def: { ...n.def, idle: undefined } })) };
    const go = async (p: typeof plan) => {
      const r = await runBacktest(p, market);
      return { trades: r.trades, metrics: r.metrics, leverageCuts: r.leverageCuts };
    };
    const reference = await go(noIdle);
    // B was cut to the room A left, not to nothing.
    expect(reference.leverageCuts).toBeGreaterThan(0);
    expect(reference.trades.find((t) => t.symbol === 'B')!.quantity).toBeGreaterThan(0);
    expect(await go(plan)).toEqual(reference);
  });

  it('leaves out outputs nothing reads only when asked, with the same fills, equity and read outputs', () => {
    // Bollinger's lower band is read; its upper band, %B and bandwidth are not.
    const bands = fixture(
      {
        data: { type: 'data.synthetic' },
        bb: { type: 'indicator.bollinger', params: { period: 20, multiplier: 2 } },
        dip: { type: 'logic.compare', params: { operator: '<' } },
        exit: { type: 'logic.compare', params: { operator: '>' } },
        order: { type: 'order.targetPercent', params: { percent: 50 } },
      },
      ['data.close -> dip.a', 'bb.lower -> dip.b', 'data.close -> exit.a', 'bb.middle -> exit.b', 'dip.result -> order.enter', 'exit.result -> order.exit', 'data.close -> bb.source'],
    );
    const plan = compileOk(bands, registry);
    const bb = plan.nodes.find((n) => n.id === 'bb')!.outputSlots;
    const go = (options: Parameters<typeof createExecutor>[3]) => {
      const broker = new SimBroker(plan.settings);
      const exec = createExecutor(plan, bars, broker, options);
      exec.run(0, 3000);
      return { fills: broker.fills, equity: [...exec.equity], slot: (port: string) => exec.slots[bb[port]!]! };
    };
    const all = go({});
    const lean = go({ skipUnread: true });
    expect(all.fills.length).toBeGreaterThan(10);
    expect(lean.fills).toEqual(all.fills);
    expect(lean.equity).toEqual(all.equity);
    for (const port of ['lower', 'middle']) expect(lean.slot(port)).toBe(all.slot(port));
    for (const port of ['upper', 'percentB', 'bandwidth']) {
      expect(all.slot(port)).not.toBeNaN();
      expect(lean.slot(port)).toBeNaN();
    }
    // A column cache keeps every output of the nodes it serves, so nothing is left out with one.
    const cached = go({ skipUnread: true, columnCache: new ColumnCache({ symbols: [''], lanes: [bars] }) });
    for (const port of ['upper', 'percentB', 'bandwidth']) expect(cached.slot(port)).toBe(all.slot(port));
  });

  // Two chains of pointwise nodes: an SMA of the first chain's difference sits between them, so the
  // second reads the first's columns; a ratio of bar fields keeps its own loop; every pointwise node type.
  const chains = fixture(
    {
      data: { type: 'data.synthetic' },
      fast: { type: 'indicator.ema', params: { period: 5 } },
      slow: { type: 'indicator.sma', params: { period: 20 } },
      diff: { type: 'math.arithmetic', params: { operator: '-' } },
      mag: { type: 'math.abs' },
      capped: { type: 'math.clamp', params: { lower: 0, upper: 2 } },
      up: { type: 'logic.compare', params: { operator: '>' } },
      calm: { type: 'logic.threshold', params: { operator: '<', level: 1 } },
      smooth: { type: 'indicator.sma', params: { period: 5 } },
      rising: { type: 'logic.threshold', params: { operator: '>', level: 0 } },
      ratio: { type: 'math.arithmetic', params: { operator: '/' } },
      gap: { type: 'logic.threshold', params: { operator: '>', level: 1 } },
      enter: { type: 'logic.and' },
      notUp: { type: 'logic.not' },
      either: { type: 'logic.or' },
      odd: { type: 'logic.xor', params: { rule: 'odd' } },
      pick: { type: 'logic.select' },
      order: { type: 'order.targetPercent', params: { percent: 30 } },
    },
    [
      'data.close -> fast.source', 'data.close -> slow.source', 'fast.value -> diff.a', 'slow.value -> diff.b', 'diff.value -> mag.value',
      'mag.value -> capped.value', 'fast.value -> up.a', 'slow.value -> up.b', 'capped.value -> calm.value', 'diff.value -> smooth.source',
      'smooth.value -> rising.value', 'data.close -> ratio.a', 'data.open -> ratio.b', 'ratio.value -> gap.value',
      'up.result -> enter.a', 'calm.result -> enter.b', 'rising.result -> enter.c', 'up.result -> notUp.value', 'notUp.result -> either.a',
      'gap.result -> either.b', 'up.result -> odd.a', 'calm.result -> odd.b', 'rising.result -> odd.c', 'notUp.result -> odd.d',
      'up.result -> pick.condition', 'fast.value -> pick.ifTrue', 'slow.value -> pick.ifFalse', 'enter.result -> order.enter', 'either.result -> order.exit',
    ],
  );

  it('runs chains of pointwise nodes as one loop each, with the fills, equity, outputs and states of a loop per node', () => {
    const plan = compileOk(chains, registry);
    const market = syntheticMarket({ seed: 11, bars: 3000, startPrice: 100, drift: 0, volatility: 0.8, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1), symbols: 3 });
    for (let t = 30; t < 3000; t += 53) market.lanes[t % 3]!.close[t] = NaN;
    market.lanes[1]!.open.fill(NaN, 700, 760);
    const go = (options: Parameters<typeof createExecutor>[3]) => {
      const account = new Account(plan.settings.initialCash);
      const brokers = market.lanes.map((_, k) => new SimBroker(plan.settings, account, `S${k}`));
      const exec = createExecutor(plan, market, brokers, options);
      for (let from = 0; from < 3000; from += 700) exec.run(from, Math.min(3000, from + 700));
      return { equity: [...exec.equity], fills: brokers.map((b) => b.fills), stats: { ...exec.stats }, slots: [...exec.slots], states: structuredClone(exec.states) };
    };
    for (const blockBars of [7, 16, undefined]) {
      const apart = go({ blockBars, fusePointwise: false });
      expect(apart.fills.flat().length).toBeGreaterThan(30);
      expect(go({ blockBars })).toEqual(apart);
    }
    // A backtest shows no outputs: a value only the chain itself reads is a local of its loop, never a
    // column, and its slot stays NaN; what other nodes read is written as before.
    const slot = (id: string) => Object.values(plan.nodes.find((n) => n.id === id)!.outputSlots)[0]! * 3;
    const apart = go({ skipUnread: true, fusePointwise: false });
    const fused = go({ skipUnread: true });
    expect(fused.fills).toEqual(apart.fills);
    expect(fused.equity).toEqual(apart.equity);
    for (const id of ['diff', 'up', 'calm', 'ratio', 'enter', 'either']) expect(fused.slots.slice(slot(id), slot(id) + 3), id).toEqual(apart.slots.slice(slot(id), slot(id) + 3));
    for (const id of ['mag', 'capped', 'rising', 'gap', 'notUp', 'odd', 'pick']) {
      expect(apart.slots.slice(slot(id), slot(id) + 3).some((v) => !Number.isNaN(v)), id).toBe(true);
      expect(fused.slots.slice(slot(id), slot(id) + 3), id).toEqual([NaN, NaN, NaN]);
    }
  });

  it('runs pure nodes in the column phase and context readers bar by bar', () => {
    const plan = compileOk(graph, registry);
    const phase = Object.fromEntries(plan.nodes.map((n) => [n.id, readsContext(n.def.step) ? 'bar' : 'column']));
    expect(phase).toMatchObject({ rsi: 'column', atr: 'column', low: 'column', order: 'bar', exits: 'bar' });
  });
});

describe('quiet bars with the entry, bracket and cap nodes', () => {
  // Graphs built from the nodes with idle tests, each run with and without them: the same trades and
  // metrics, with fewer bar-phase steps. Target position is not bar-by-bar, so the orders it sends move
  // between steps: the idle tests downstream must see that.
  const cases: Record<string, { nodes: Parameters<typeof fixture>[0]; edges: string[] }> = {
    'market → bracket → max order notional': {
      nodes: {
        data: { type: 'data.synthetic' },
        rsi: { type: 'indicator.rsi', params: { period: 14 } },
        atr: { type: 'indicator.atr', params: { period: 14 } },
        low: { type: 'logic.threshold', params: { operator: '<', level: 35 } },
        high: { type: 'logic.threshold', params: { operator: '>', level: 65 } },
        order: { type: 'order.market', params: { size: 50 } },
        exits: { type: 'order.bracket', params: { stopLoss: 2, takeProfit: 3 } },
        cap: { type: 'risk.maxOrderNotional', params: { maxPercentEquity: 30 } },
      },
      edges: ['data.close -> rsi.source', 'data.bars -> atr.bars', 'rsi.value -> low.value', 'rsi.value -> high.value', 'low.result -> order.enter', 'high.result -> order.exit', 'order.order -> exits.order', 'atr.value -> exits.distance', 'exits.order -> cap.order'],
    },
    'limit (level mode) → max gross exposure': {
      nodes: {
        data: { type: 'data.synthetic' },
        rsi: { type: 'indicator.rsi', params: { period: 14 } },
        low: { type: 'logic.threshold', params: { operator: '<', level: 40 } },
        order: { type: 'order.limit', params: { size: 80, offsetPercent: 0.2, timeInForce: 'bars', expiryBars: 3 } },
        cap: { type: 'risk.maxGrossExposure', params: { maxPercent: 60, tolerance: 5 } },
      },
      edges: ['data.close -> rsi.source', 'rsi.value -> low.value', 'low.result -> order.enter', 'order.order -> cap.order'],
    },
    'target position → max position': {
      nodes: {
        data: { type: 'data.synthetic' },
        mom: { type: 'indicator.momentum' },
        units: { type: 'order.targetPosition', params: { rebalanceBandPercent: 5 } },
        cap: { type: 'risk.maxPosition', params: { maxQuantity: 400 } },
      },
      edges: ['data.close -> mom.source', 'mom.value -> units.units', 'units.order -> cap.order'],
    },
    'target position → stop / take-profit': {
      nodes: {
        data: { type: 'data.synthetic' },
        mom: { type: 'indicator.momentum' },
        units: { type: 'order.targetPosition', params: { rebalanceBandPercent: 10 } },
        exits: { type: 'risk.stopTakeProfit', params: { stopLoss: 1, takeProfit: 1.5 } },
      },
      edges: ['data.close -> mom.source', 'mom.value -> units.units', 'units.order -> exits.order'],
    },
    'target position → bracket → max order notional': {
      nodes: {
        data: { type: 'data.synthetic' },
        mom: { type: 'indicator.momentum' },
        units: { type: 'order.targetPosition', params: { rebalanceBandPercent: 20 } },
        exits: { type: 'order.bracket', params: { stopLoss: 1, takeProfit: 1 } },
        cap: { type: 'risk.maxOrderNotional', params: { maxPercentEquity: 50 } },
      },
      edges: ['data.close -> mom.source', 'mom.value -> units.units', 'units.order -> exits.order', 'exits.order -> cap.order'],
    },
    // Volatility target prepares its σ and `percent` in the column phase, so its step can be idle.
    'volatility target (prepared) → max position': {
      nodes: {
        data: { type: 'data.synthetic' },
        bands: { type: 'indicator.bollinger', params: { period: 20, multiplier: 1.5 } },
        dip: { type: 'logic.compare', params: { operator: '<' } },
        exit: { type: 'logic.compare', params: { operator: '>' } },
        size: { type: 'risk.volatilityTarget', params: { targetVolatility: 10, window: 30, maxPercent: 40 } },
        cap: { type: 'risk.maxPosition', params: { maxPercentEquity: 25 } },
      },
      edges: ['data.close -> bands.source', 'data.close -> dip.a', 'bands.lower -> dip.b', 'data.close -> exit.a', 'bands.middle -> exit.b', 'dip.result -> size.enter', 'exit.result -> size.exit', 'size.order -> cap.order'],
    },
    // A drawdown breaker is idle only while the equity stays between its trip level and its peak: tight
    // levels, so stretches end on the equity often, and it trips and resumes many times.
    'volatility target → drawdown halt (flatten), as S3': {
      nodes: {
        data: { type: 'data.synthetic' },
        ema: { type: 'indicator.ema', params: { period: 30 } },
        bands: { type: 'indicator.bollinger', params: { period: 10, multiplier: 1 } },
        trend: { type: 'logic.compare', params: { operator: '>' } },
        dip: { type: 'logic.compare', params: { operator: '<' } },
        entry: { type: 'logic.and' },
        exit: { type: 'logic.compare', params: { operator: '>' } },
        size: { type: 'risk.volatilityTarget', params: { targetVolatility: 20, window: 30, maxPercent: 60 } },
        breaker: { type: 'risk.drawdownHalt', params: { maxDrawdown: 1.5, action: 'flatten', haltBars: 15 } },
      },
      edges: ['data.close -> ema.source', 'data.close -> bands.source', 'data.close -> trend.a', 'ema.value -> trend.b', 'data.close -> dip.a', 'bands.lower -> dip.b', 'trend.result -> entry.a', 'dip.result -> entry.b', 'data.close -> exit.a', 'bands.middle -> exit.b', 'entry.result -> size.enter', 'exit.result -> size.exit', 'size.order -> breaker.order'],
    },
    'market → drawdown halt (block)': {
      nodes: {
        data: { type: 'data.synthetic' },
        rsi: { type: 'indicator.rsi', params: { period: 14 } },
        low: { type: 'logic.threshold', params: { operator: '<', level: 35 } },
        high: { type: 'logic.threshold', params: { operator: '>', level: 65 } },
        order: { type: 'order.market', params: { size: 200 } },
        breaker: { type: 'risk.drawdownHalt', params: { maxDrawdown: 0.8, action: 'block', haltBars: 25 } },
      },
      edges: ['data.close -> rsi.source', 'rsi.value -> low.value', 'rsi.value -> high.value', 'low.result -> order.enter', 'high.result -> order.exit', 'order.order -> breaker.order'],
    },
  };
  // The metrics skip the flat stretches the executor records (`flat`): a quiet run recomputes the figures
  // of a reference run that has none (no idle tests, no quiet stretches), which must agree bit for bit.
  for (const symbols of [1, 3]) {
    it(`records flat stretches where no position is held and the equity repeats (${symbols} symbol(s))`, () => {
      const { nodes, edges } = cases['market → bracket → max order notional']!;
      const plan = compileOk(fixture(nodes, edges), registry);
      const market = syntheticMarket({ seed: 5, bars: 6000, startPrice: 100, drift: 0, volatility: 0.8, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1), symbols });
      const account = new Account(plan.settings.initialCash);
      const exec = createExecutor(plan, market, market.symbols.map((symbol) => new SimBroker(plan.settings, account, symbol)));
      for (let t = 0; t < 6000; t += 1000) exec.run(t, t + 1000);
      const { runs, count } = exec.flat;
      let flatBars = 0;
      for (let q = 0; q < count; q++) {
        const a = runs[2 * q]!, b = runs[2 * q + 1]!;
        expect(a).toBeLessThan(b);
        if (q > 0) expect(a).toBeGreaterThanOrEqual(runs[2 * q - 1]!);
        for (let t = a; t < b; t++) expect(exec.equity[t]).toBe(exec.equity[a]);
        flatBars += b - a;
      }
      // Out of the market most of the time, in long stretches (joined across blocks and calls).
      expect(flatBars).toBeGreaterThan(6000 / 4);
      expect(count).toBeLessThan(flatBars / 10);
    });
  }
  for (const [name, { nodes, edges }] of Object.entries(cases)) {
    for (const symbols of [1, 3]) {
      it(`${name}, ${symbols} symbol(s): the same trades and metrics, with steps skipped`, async () => {
        const plan = compileOk(fixture(nodes, edges), registry);
        let steps = 0;
        const counted = (p: typeof plan, idle: boolean) => ({
          ...p,
          nodes: p.nodes.map((n) => {
            const step = n.def.step;
            if (!readsContext(step)) return idle ? n : { ...n, def: { ...n.def, idle: undefined } };
            const def = { ...n.def, step: (s: never, q: never, i: never, o: never, c: never) => (steps++, step(s, q, i, o, c)), idle: idle ? n.def.idle : undefined };
            return { ...n, def };
          }),
        });
        const market = syntheticMarket({ seed: 5, bars: 3000, startPrice: 100, drift: 0, volatility: 0.8, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1), symbols });
        for (const t of [5, 700, 2047, 2048]) market.lanes[0]!.close[t] = NaN;
        const go = async (p: typeof plan) => {
          steps = 0;
          const r = await runBacktest(p, market, { chunkBars: 977 });
          return { result: { trades: r.trades, metrics: r.metrics, skipped: r.skippedBars }, steps };
        };
        const reference = await go(counted(plan, false));
        expect(reference.result.trades.length).toBeGreaterThan(10 * symbols);
        const quiet = await go(counted(plan, true));
        expect(quiet.result).toEqual(reference.result);
        expect(quiet.steps).toBeLessThan(reference.steps);
      });
    }
  }
});
