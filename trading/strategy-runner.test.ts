import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../engine/backtest.ts';
import { syntheticBars } from '../engine/bars.ts';
import { Account, SimBroker } from '../engine/broker.ts';
import { compile, type Plan } from '../engine/compile.ts';
import { customNodeDefinition, type SandboxLike } from '../engine/custom.ts';
import { traceSlotsAsync } from '../engine/trace.ts';
import { registry } from '../nodes/index.ts';
import { orderFields } from '../nodes/ports.ts';
import { createRegistry } from '../nodes/registry.ts';
import { Sandbox } from '../sandbox/client.ts';
import { decodeState, encodeState, evaluateBar, type Instruction, type StrategySnapshot } from './strategy-runner.ts';
import { customCross, jitterEmaSource } from './testing/custom-node-fixtures.ts';

const templatesDir = new URL('../server/templates/', import.meta.url);
const graphs: [string, unknown][] = [
  ['sma-crossover', JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8'))],
  ...readdirSync(templatesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const t = JSON.parse(readFileSync(new URL(f, templatesDir), 'utf8'));
      return [f, t.graph ?? t] as [string, unknown];
    }),
];

describe('state codec', () => {
  it('keeps what JSON loses', () => {
    const state = { a: NaN, b: [Infinity, -Infinity, -0, 1.5], c: Float64Array.of(1, NaN), d: Int32Array.of(3), e: { f: null, g: 'x', h: true } };
    const back = decodeState(JSON.parse(JSON.stringify(encodeState(state)))) as typeof state;
    expect(back.a).toBeNaN();
    expect(back.b).toEqual([Infinity, -Infinity, -0, 1.5]);
    expect(Object.is(back.b[2], -0)).toBe(true);
    expect(back.c).toBeInstanceOf(Float64Array);
    expect(Array.from(back.c)).toEqual([1, NaN]);
    expect(back.d).toEqual(Int32Array.of(3));
    expect(back.e).toEqual({ f: null, g: 'x', h: true });
  });
});

/** A deployment trades one symbol: multi-symbol templates are not deployable and not compared here. */
const oneSymbol = graphs.filter(([, graph]) => {
  const compiled = compile(graph, registry);
  if (!compiled.ok) throw new Error('every template must compile');
  const request = compiled.plan.data.request;
  return !(request.kind === 'synthetic' && (request.symbols ?? 1) > 1);
});

/**
 * The deployment's loop over `bars`: fills at the bar's open first, then the strategy decides on the
 * close, its state going through JSON between bars as the database stores it.
 */
async function barByBar(plan: Plan, bars: ReturnType<typeof syntheticBars>) {
  const account = new Account(plan.settings.initialCash);
  const broker = new SimBroker(plan.settings, account);
  let snapshot: StrategySnapshot | undefined;
  const order = new Float64Array(8);
  for (let t = 0; t < bars.close.length; t++) {
    const bar = { time: bars.time[t]!, open: bars.open[t]!, high: bars.high[t]!, low: bars.low[t]!, close: bars.close[t]!, volume: bars.volume[t]! };
    broker.onBar(t, bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume);
    const ev = await evaluateBar(plan, [''], [bar], { cash: account.cash, lanes: [{ position: broker.position, avgPrice: broker.avgPrice }] }, snapshot);
    snapshot = JSON.parse(JSON.stringify(ev.snapshot));
    expect(ev.equity).toBeCloseTo(account.cash + broker.position * bar.close, 6);
    orderFields.forEach((f, j) => (order[j] = ev.instructions[0]![f]));
    broker.instruct(t, order, 0);
  }
  return { account, broker, snapshot: snapshot! };
}

describe('evaluating a strategy bar by bar through saved snapshots', () => {
  it('covers the example and the single-symbol templates', () => {
    expect(oneSymbol.length).toBeGreaterThanOrEqual(8);
  });

  for (const [name, graph] of oneSymbol) {
    it(`${name}: gives exactly the backtest's fills and equity`, async () => {
      const compiled = compile(graph, registry);
      if (!compiled.ok) throw new Error(`${name} must compile`);
      const { plan } = compiled;
      const bars = syntheticBars({ seed: 11, bars: 400, startPrice: 100, drift: 0.05, volatility: 0.6, intervalMinutes: 60, startTime: Date.parse('2024-01-01T00:00:00Z') });
      const expected = await runBacktest(plan, bars);

      const { account, broker, snapshot } = await barByBar(plan, bars);
      expect(broker.fills.length).toBeGreaterThan(0);
      expect(broker.trades).toEqual(expected.trades.filter((tr) => !tr.open));
      const last = bars.close.length - 1;
      expect(account.cash + broker.position * bars.close[last]!).toBeCloseTo(expected.equity.at(-1)!.value, 6);
      expect(snapshot.bars).toBe(bars.close.length);
    });
  }

  it('a multi-timeframe strategy holds its resampled outputs between periods, as the backtest does', async () => {
    // 4-hour bars from hourly ones: the resample and the SMA on it write their outputs only when a period
    // completes, so a fresh executor per bar must start from the outputs the last bar left.
    const graph = {
      schemaVersion: 1,
      nodes: [
        { id: 'data', type: 'data.synthetic', params: { seed: 5, bars: 600 }, position: { x: 0, y: 0 } },
        { id: 'h4', type: 'data.resample', params: { minutes: 240 }, position: { x: 200, y: 0 } },
        { id: 'sma', type: 'indicator.sma', params: { period: 3 }, position: { x: 400, y: 0 } },
        { id: 'above', type: 'logic.compare', params: { operator: '>' }, position: { x: 600, y: 0 } },
        { id: 'order', type: 'order.targetPercent', params: { percent: 50 }, position: { x: 800, y: 0 } },
      ],
      edges: [
        { id: 'e1', source: { node: 'data', port: 'bars' }, target: { node: 'h4', port: 'bars' } },
        { id: 'e2', source: { node: 'h4', port: 'close' }, target: { node: 'sma', port: 'source' } },
        { id: 'e3', source: { node: 'data', port: 'close' }, target: { node: 'above', port: 'a' } },
        { id: 'e4', source: { node: 'sma', port: 'value' }, target: { node: 'above', port: 'b' } },
        { id: 'e5', source: { node: 'above', port: 'result' }, target: { node: 'order', port: 'enter' } },
      ],
    };
    const compiled = compile(graph, registry);
    if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join('; '));
    const bars = syntheticBars({ seed: 5, bars: 600, startPrice: 100, drift: 0, volatility: 0.8, intervalMinutes: 60, startTime: Date.parse('2024-01-01T00:00:00Z') });
    const expected = await runBacktest(compiled.plan, bars);
    const { broker } = await barByBar(compiled.plan, bars);
    expect(expected.trades.filter((tr) => !tr.open).length).toBeGreaterThan(5);
    expect(broker.trades).toEqual(expected.trades.filter((tr) => !tr.open));
  });

  it('refuses a snapshot taken from a different plan', async () => {
    const a = compile(graphs[0]![1], registry);
    if (!a.ok) throw new Error('fixture');
    const bar = { time: 0, open: 100, high: 101, low: 99, close: 100, volume: 10 };
    const ev = await evaluateBar(a.plan, [''], [bar], { cash: 1000, lanes: [{ position: 0, avgPrice: 0 }] }, undefined);
    await expect(evaluateBar(a.plan, [''], [bar], { cash: 1000, lanes: [{ position: 0, avgPrice: 0 }] }, { ...ev.snapshot, nodeIds: ['other'] })).rejects.toThrow(/different plan/);
  });

  it('gives no instruction on a bad bar and leaves the state as it was', async () => {
    const a = compile(graphs[0]![1], registry);
    if (!a.ok) throw new Error('fixture');
    const good = { time: 0, open: 100, high: 101, low: 99, close: 100, volume: 10 };
    const first = await evaluateBar(a.plan, [''], [good], { cash: 1000, lanes: [{ position: 0, avgPrice: 0 }] }, undefined);
    const bad = await evaluateBar(a.plan, [''], [{ ...good, time: 1, close: NaN }], { cash: 1000, lanes: [{ position: 0, avgPrice: 0 }] }, first.snapshot);
    expect(bad.instructions[0]!.target).toBeNaN();
    expect(bad.snapshot.states).toEqual(first.snapshot.states);
    expect(bad.snapshot.outputs).toEqual(first.snapshot.outputs);
  });
});

describe('custom (sandboxed) nodes, bar by bar through saved snapshots', () => {
  const sandbox = new Sandbox();
  const other = new Sandbox();
  afterAll(() => Promise.all([sandbox.close(), other.close()]));

  const planWith = async (box: SandboxLike & Pick<Sandbox, 'load'>, source = jitterEmaSource) => {
    const loaded = await (box as Sandbox).load(source);
    const compiled = compile(customCross(1), createRegistry([...registry.definitions, customNodeDefinition(loaded, 1, box)]));
    if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join('; '));
    return compiled.plan;
  };
  const bars = syntheticBars({ seed: 5, bars: 240, startPrice: 100, drift: 0, volatility: 0.8, intervalMinutes: 60, startTime: Date.UTC(2024, 0, 1) });
  // A bad bar: skipped by the engine, so the custom nodes must hold their outputs over it.
  bars.close[120] = NaN;
  const barAt = (t: number) => ({ time: bars.time[t]!, open: bars.open[t]!, high: bars.high[t]!, low: bars.low[t]!, close: bars.close[t]!, volume: bars.volume[t]! });
  const valid = (t: number) => Number.isFinite(bars.close[t]!);

  /** The deployment's loop (fills at the open, then the strategy on the close), with every snapshot kept as stored JSON. */
  async function deploy(plan: Plan) {
    const account = new Account(plan.settings.initialCash);
    const broker = new SimBroker(plan.settings, account);
    const snapshots: string[] = [];
    const instructions: Instruction[] = [];
    const books: { cash: number; lanes: { position: number; avgPrice: number }[] }[] = [];
    const order = new Float64Array(8);
    let snapshot: StrategySnapshot | undefined;
    for (let t = 0; t < bars.close.length; t++) {
      const bar = barAt(t);
      if (valid(t)) broker.onBar(t, bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume);
      books.push({ cash: account.cash, lanes: [{ position: broker.position, avgPrice: broker.avgPrice }] });
      const ev = await evaluateBar(plan, [''], [bar], books[t]!, snapshot);
      snapshots.push(JSON.stringify(ev.snapshot));
      snapshot = JSON.parse(snapshots[t]!);
      instructions.push(ev.instructions[0]!);
      orderFields.forEach((f, j) => (order[j] = ev.instructions[0]![f]));
      if (valid(t)) broker.instruct(t, order, 0);
    }
    return { account, broker, snapshots, instructions, books };
  }
  /** The deployment of the custom-node strategy in `sandbox`, shared by the tests (it takes a few seconds). */
  let deployed: ReturnType<typeof deploy> | undefined;
  const reference = async () => (deployed ??= planWith(sandbox).then(deploy));
  /** A custom node's outputs after bar t, as the snapshot holds them. */
  const heldOutputs = (snapshot: string, nodeId: string) => (decodeState(JSON.parse(snapshot).batch) as Record<string, { held: number[] }[]>)[nodeId]![0]!.held;

  it("gives the one-shot backtest's instructions, node outputs and trades", async () => {
    const plan = await planWith(sandbox);
    const expected = await runBacktest(plan, bars);
    // Every bar's outputs as the backtest's executor saw them, in one run with no snapshot in between.
    const node = (id: string) => plan.nodes.find((n) => n.id === id)!;
    const outputSlots = ['fast', 'slow'].flatMap((id) => ['value', 'low', 'seen'].map((port) => node(id).outputSlots[port]!));
    const orderSlots = orderFields.map((_, j) => plan.orderSlot + j);
    const every = Array.from({ length: bars.close.length }, (_, t) => t);
    const traced = await traceSlotsAsync(plan, bars, [...outputSlots, ...orderSlots], every);

    const run = await reference();
    for (let t = 0; t < bars.close.length; t++) {
      if (!valid(t)) {
        expect(run.instructions[t]!.target).toBeNaN();
        continue;
      }
      const outputs = [...heldOutputs(run.snapshots[t]!, 'fast'), ...heldOutputs(run.snapshots[t]!, 'slow')];
      expect(outputs, `node outputs after bar ${t}`).toEqual(outputSlots.map((_, k) => traced[k]![t]));
      expect(orderFields.map((f) => run.instructions[t]![f]), `instruction after bar ${t}`).toEqual(orderSlots.map((_, k) => traced[outputSlots.length + k]![t]));
    }
    // The noise, the NaN start, the running low and the bar counter all came through the snapshots.
    expect(heldOutputs(run.snapshots.at(-1)!, 'fast')[2]).toBe(bars.close.length - 2);
    expect(expected.trades.length).toBeGreaterThan(5);
    expect(run.broker.trades).toEqual(expected.trades.filter((tr) => !tr.open));
    const last = bars.close.length - 1;
    expect(run.account.cash + run.broker.position * bars.close[last]!).toBeCloseTo(expected.equity.at(-1)!.value, 6);
    expect(JSON.parse(run.snapshots.at(-1)!)).toMatchObject({ version: 3, bars: bars.close.length });
  }, 120_000);

  it('a bar replayed by a second worker (another sandbox process) gives the same instructions and state', async () => {
    const first = await reference();
    const second = await planWith(other);
    const changes = first.instructions.flatMap((ins, t) => (t > 0 && ins.target !== first.instructions[t - 1]!.target && ins.target === ins.target ? [t] : []));
    expect(changes.length).toBeGreaterThan(2);
    for (const t of [1, 2, 3, 60, 121, ...changes.slice(0, 3)]) {
      const replayed = await evaluateBar(second, [''], [barAt(t)], first.books[t]!, JSON.parse(first.snapshots[t - 1]!));
      expect(replayed.instructions[0], `instruction of bar ${t}`).toEqual(first.instructions[t]);
      // Bit for bit: node states, sandbox state, bar counter and random generator.
      expect(JSON.stringify(replayed.snapshot)).toBe(first.snapshots[t]);
    }
  }, 120_000);

  it('a sandbox that dies during a bar fails that bar clearly; the retry from the same snapshot gives what an undisturbed bar gives', async () => {
    let killNext = false;
    // The real sandbox, killed while a batch is in flight: what a crash (or the OOM killer) does.
    const crashing: SandboxLike & Pick<Sandbox, 'load'> = {
      load: (source) => other.load(source),
      createInstance: (id, params, options) => other.createInstance(id, params, options),
      runBatch: (handle, inputs, length) => {
        const reply = other.runBatch(handle, inputs, length);
        if (killNext) {
          killNext = false;
          other.kill();
        }
        return reply;
      },
      snapshot: (handle) => other.snapshot(handle),
      dispose: (handle) => other.dispose(handle),
    };
    const plan = await planWith(crashing);
    const { snapshots } = await reference();
    const t = 90;
    const book = { cash: 100_000, lanes: [{ position: 0, avgPrice: 0 }] };
    killNext = true;
    await expect(evaluateBar(plan, [''], [barAt(t)], book, JSON.parse(snapshots[t - 1]!))).rejects.toThrow(/^node "[^"]+" \(Jittered EMA\): SandboxCrashed: /);
    const retried = await evaluateBar(plan, [''], [barAt(t)], book, JSON.parse(snapshots[t - 1]!));
    expect(heldOutputs(JSON.stringify(retried.snapshot), 'fast')).toEqual(heldOutputs(snapshots[t]!, 'fast'));
    expect(heldOutputs(JSON.stringify(retried.snapshot), 'slow')).toEqual(heldOutputs(snapshots[t]!, 'slow'));
  }, 120_000);

  it('refuses state it cannot resume exactly, and still loads snapshots saved before custom nodes could deploy', async () => {
    const plan = await planWith(sandbox);
    const book = { cash: 1000, lanes: [{ position: 0, avgPrice: 0 }] };
    const first = await evaluateBar(plan, [''], [barAt(0)], book, undefined);
    const { batch: _batch, version: _version, ...withoutBatch } = first.snapshot;
    await expect(evaluateBar(plan, [''], [barAt(1)], book, withoutBatch)).rejects.toThrow(/no state for custom node fast, slow/);
    await expect(evaluateBar(plan, [''], [barAt(1)], book, { ...first.snapshot, bars: -1 })).rejects.toThrow(/not valid: bars/);
    const saved = decodeState(first.snapshot.batch) as Record<string, { instance: unknown; held: number[] }[]>;
    const forged = encodeState({ ...saved, fast: [{ instance: { node: 'x' }, held: saved.fast![0]!.held }] });
    await expect(evaluateBar(plan, [''], [barAt(1)], book, { ...first.snapshot, batch: forged })).rejects.toThrow(/custom node jitterEma: the saved state is not a sandbox snapshot/);
    await expect(evaluateBar(plan, [''], [barAt(1)], book, { ...first.snapshot, batch: encodeState({ ...saved, fast: [] }) })).rejects.toThrow(/fast: the saved batch state has the wrong shape/);
    // The same node type and version number with other code (a source hash that differs) is refused.
    const edited = await planWith(other, `${jitterEmaSource}\n// edited\n`);
    await expect(evaluateBar(edited, [''], [barAt(1)], book, first.snapshot)).rejects.toThrow(/belongs to another version of its code/);

    // A version-1 snapshot (no version, no batch) of a plan of built-in nodes resumes as before.
    const builtin = compile(graphs[0]![1], registry);
    if (!builtin.ok) throw new Error('fixture');
    const old = await evaluateBar(builtin.plan, [''], [barAt(0)], book, undefined);
    expect(old.snapshot.batch).toBeUndefined();
    const { version: _v, ...v1 } = old.snapshot;
    expect((await evaluateBar(builtin.plan, [''], [barAt(1)], book, v1)).snapshot).toMatchObject({ version: 3, bars: 2 });
  }, 60_000);
});
