import { isCrossSectional, readsContext, type BatchInstance, type PortSpec, type StepContext } from '../nodes/contract.ts';
import { barFields, compoundFields, orderFields, type PortKind } from '../nodes/ports.ts';
import { badBarCounts, type Bars, type Market } from './bars.ts';
import type { SimBroker } from './broker.ts';
import type { ColumnCache } from './column-cache.ts';
import type { Plan } from './compile.ts';
import type { FlatRuns } from './metrics.ts';

/** One row an output node emitted: the bar, the symbol and the node's input values. */
export interface SinkEvent {
  nodeId: string;
  kind: 'csv' | 'webhook';
  time: number;
  bar: number;
  symbol?: string;
  values: Record<string, number>;
}

/** Rows kept per output node; past this the node's rows are dropped and `eventsTruncated` names it. */
export const maxEventsPerNode = 10_000;

export interface Executor {
  /**
   * Run bars [from, to). Synchronous unless the plan has batch nodes (custom nodes in the sandbox): then
   * it returns a promise, and `close` must be called when the run ends.
   */
  run(from: number, to: number): void | Promise<void>;
  /** Release what batch nodes hold outside the engine (sandbox instances). */
  close(): Promise<void>;
  /**
   * Each batch node's memory per symbol after the bars run so far, by node id: pass it as
   * `batchSnapshots` to a later executor over the same plan to continue where this one stopped (a
   * deployment's next bar, possibly in another process). Call before `close`.
   */
  batchSnapshots(): Promise<Record<string, BatchLaneSnapshot[]>>;
  /** Bars that ended with a position held (in any symbol), and symbol-bars skipped for bad prices, so far. */
  readonly stats: { exposed: number; skipped: number };
  /** Portfolio equity marked at each bar's close. */
  readonly equity: Float64Array;
  /** Stretches of bars with no position held, where the equity stays the same (for the metrics). */
  readonly flat: FlatRuns;
  /**
   * Every output's value after the last bar run, by the plan's slot numbers: `slots[slot * lanes + k]`
   * for symbol k (so with one symbol, simply `slots[slot]`). For inspection and tests.
   */
  readonly slots: Float64Array;
  readonly lanes: number;
  /** Each plan node's plain-data state: one per symbol (a cross-sectional node has one in all). */
  readonly states: readonly unknown[][];
  /** Rows emitted by output nodes, in bar order. */
  readonly events: SinkEvent[];
  readonly eventsTruncated: string[];
}

export interface ExecutorOptions {
  /**
   * Bars per columnar block: small enough that every column of a block stays in cache. With batch nodes
   * the default is larger (16 384 to 131 072 bars, by the plan's size), as every block is a round trip
   * to the sandbox.
   */
  blockBars?: number;
  /**
   * Every output's value to start from, as an earlier executor over the same plan and symbols left them
   * in its \`slots\`: a step that writes an output only on some bars (a resample between periods) then
   * holds what it held, as one long run would. For a deployment's next bar in a fresh executor.
   */
  outputs?: ArrayLike<number>;
  /** Mixed into each batch node instance's seed, so a run's randomness is reproducible and its own. */
  seed?: number;
  /** Batch node states to continue from, as an earlier executor's `batchSnapshots()` gave them. */
  batchSnapshots?: Readonly<Record<string, readonly BatchLaneSnapshot[]>>;
  /**
   * Where to mark equity: a buffer of at least as many values as there are bars, whose first values the
   * run overwrites (every bar run is marked), instead of a new array (see `runBacktest`'s pool).
   */
  equity?: Float64Array;
  /**
   * Indicator columns shared with other runs over the same bars (a sweep's trials): a node found there
   * copies its columns instead of running its kernel (its state then stays as `init` made it); one not
   * found is recorded and stored once the run has covered every bar, from the first, in order. Ignored
   * when the cache is for other bars or the plan has batch nodes.
   */
  columnCache?: ColumnCache;
  /**
   * Leave out the work of outputs nothing reads, where their node allows it (`skippableOutputs`): for a
   * run whose outputs nobody looks at (a backtest, which shows trades, equity and metrics). Their `slots`
   * then stay NaN. Ignored with a column cache, which keeps every output of the nodes it serves.
   */
  skipUnread?: boolean;
  /**
   * Run each chain of pointwise nodes (`pointwise` in the node contract: comparisons, AND, arithmetic…)
   * as one loop over the bars, not a loop and a column each. On by default; off only to compare with.
   */
  fusePointwise?: boolean;
}

/** A batch node's memory for one symbol: its instance's own snapshot and the outputs it holds between the bars it steps on. */
export interface BatchLaneSnapshot {
  instance: unknown;
  held: number[];
}

export { isCrossSectional, readsContext } from '../nodes/contract.ts';

/**
 * A symbol's step context. The bar's own fields are read from its columns only when a node asks for them:
 * most steps read none, and on the bars that step (a signal, a fill) those columns are seldom in cache,
 * so copying all six in cost a memory read each (S1 in a CPU profile: that line was ≈ 40 % of the full step).
 */
class LaneContext implements StepContext {
  bar = 0;
  equity = NaN;
  cash = NaN;
  position = NaN;
  private readonly lane: Bars;
  // The columns as the executor took them (its generated code holds the same arrays).
  constructor(lane: Bars) { this.lane = { ...lane }; }
  get time(): number { return this.lane.time[this.bar]!; }
  get open(): number { return this.lane.open[this.bar]!; }
  get high(): number { return this.lane.high[this.bar]!; }
  get low(): number { return this.lane.low[this.bar]!; }
  get close(): number { return this.lane.close[this.bar]!; }
  get volume(): number { return this.lane.volume[this.bar]!; }
}

/**
 * Compile a plan into generated, monomorphic loops (DESIGN.md §2), in two phases per block of bars:
 *
 * 1. **Columns.** Every node that depends only on the bars (no context, nothing upstream that reads it)
 *    runs over the whole block in a loop of its own, per symbol, reading and writing Float64Array
 *    columns. One small loop per node lets V8 inline that node's step, which one big loop calling every
 *    node cannot (the inlining budget is per function). Cross-sectional nodes run here too, bar by bar
 *    across the symbols' columns.
 * 2. **Bars.** The brokers and the nodes that read the portfolio (sizing, risk, orders, outputs) then
 *    run bar by bar, reading the columns: they decide on an equity that depends on earlier fills.
 *
 * Both phases see the same bars in the same order, so the result equals a bar-by-bar run; a symbol's bar
 * with a bad price is skipped by both. A node downstream of a resample node steps only on the bars
 * where the resampled bar closes (its clock) and holds its outputs in between. The generated source
 * holds only slot numbers, node indices and port names that `defineNode` has checked are plain
 * identifiers: never a user-supplied string.
 */
export function createExecutor(plan: Plan, data: Bars | Market, broker: SimBroker | readonly SimBroker[], options: ExecutorOptions = {}): Executor {
  const market: Market = 'lanes' in data ? data : { symbols: [''], lanes: [data] };
  const brokers = Array.isArray(broker) ? broker : [broker as SimBroker];
  const L = market.lanes.length;
  if (L < 1 || brokers.length !== L) throw new Error(`the executor needs one broker per symbol (${L} symbols, ${brokers.length} brokers)`);
  const n = market.lanes[0]!.close.length;
  if (market.lanes.some((b) => b.close.length !== n)) throw new Error('every symbol needs the same bars (align them first)');
  const batchNodes = plan.nodes.flatMap((nd, i) => (nd.def.batch ? [i] : []));
  const slots = new Float64Array(plan.slotCount * L).fill(NaN);
  if (options.outputs) {
    if (options.outputs.length !== slots.length) throw new Error(`the outputs to start from are for another plan (${options.outputs.length} values, ${slots.length} slots)`);
    slots.set(options.outputs);
  }
  if (options.equity && options.equity.length < n) throw new RangeError(`the equity buffer holds ${options.equity.length} values, not the ${n} bars`);
  const equity = options.equity ? options.equity.subarray(0, n) : new Float64Array(n);
  const ctxs: StepContext[] = market.lanes.map((lane) => new LaneContext(lane));
  const steps = plan.nodes.map((nd) => nd.def.step);
  const cross = plan.nodes.map((nd) => isCrossSectional(nd.def));
  const states = plan.nodes.map((nd, i) => (cross[i] ? [nd.def.init(nd.params, nd.wired)] : market.lanes.map(() => nd.def.init(nd.params, nd.wired))));
  const params = plan.nodes.map((nd) => Object.freeze(nd.params));
  const events: SinkEvent[] = [];
  const eventsTruncated: string[] = [];
  const eventCounts = plan.nodes.map(() => 0);

  // Where each slot's value lives: a bar column (data node outputs), a block column (column-phase
  // nodes), or the per-bar `slots` array (the rest).
  const barColumn = new Map<number, string>();
  const columnSlots = new Set<number>();
  const columnar = plan.nodes.map(() => false);
  plan.nodes.forEach((node, i) => {
    const { outputs } = node.def;
    if (node.def.source) {
      for (const [port, slot] of Object.entries(node.outputSlots)) {
        if (outputs[port]!.kind === 'bars') barFields.forEach((f, k) => barColumn.set(slot + k, f));
        else if ((barFields as readonly string[]).includes(port)) barColumn.set(slot, port);
        else throw new Error(`${node.def.type}: a data node may only output bars and bar fields`);
      }
      return;
    }
    const inputsAreColumns = Object.entries(node.inputSlots).every(([port, slot]) => {
      if (!node.wired[port]) return true;
      const width = compoundFields[node.def.inputs[port]!.kind]?.length ?? 1;
      for (let k = 0; k < width; k++) if (!barColumn.has(slot + k) && !columnSlots.has(slot + k)) return false;
      return true;
    });
    if (node.def.batch && (!inputsAreColumns || isCrossSectional(node.def))) {
      throw new Error(`${node.id}: a custom node can read only data and pure nodes (indicators, logic, math), not sizing, risk or order outputs`);
    }
    if (readsContext(node.def.step) || node.def.sink || !inputsAreColumns) {
      // A bar-phase node's prepared outputs are columns, written in the column phase.
      for (const port of node.def.prepare?.outputs ?? []) columnSlots.add(node.outputSlots[port]!);
      return;
    }
    columnar[i] = true;
    for (const [port, slot] of Object.entries(node.outputSlots)) {
      const width = compoundFields[outputs[port]!.kind]?.length ?? 1;
      for (let k = 0; k < width; k++) columnSlots.add(slot + k);
    }
  });
  const columns = [...columnSlots].sort((a, b) => a - b);
  // With batch nodes every block is a round trip to the sandbox per node and symbol, which costs far
  // more than cache misses: blocks as long as ~32 MB of block columns allows (at least 16 384 bars).
  const batchBlock = Math.max(16_384, Math.min(131_072, 2 ** Math.floor(Math.log2((32 * 2 ** 20) / (8 * L * Math.max(1, plan.slotCount))))));
  // Without them, blocks as long as keeps one block of every column-phase output within ≈ 256 kB (the
  // bench machine's L2 is 512 kB), between 2 048 and 8 192 bars: fewer blocks cost less per-block work
  // (the scan, the stretch set-up), and a block's columns stay in cache from one node to the next.
  const ownBlock = 2 ** Math.max(11, Math.min(13, Math.floor(Math.log2((256 * 2 ** 10) / (8 * L * Math.max(1, columns.length))))));
  const block = Math.max(1, Math.floor(options.blockBars ?? (batchNodes.length > 0 ? batchBlock : ownBlock)));
  const slotFields = (kind: PortKind, slot: number): [string | undefined, number][] => {
    const fields = compoundFields[kind];
    return fields ? fields.map((f, k) => [f, slot + k]) : [[undefined, slot]];
  };
  // The slots some node reads (an edge into it, or its clock), and the executor's own: the strategy's order.
  const readSlots = new Set<number>(slotFields('order', plan.orderSlot).map(([, s]) => s));
  for (const node of plan.nodes) {
    for (const [port, slot] of Object.entries(node.inputSlots)) if (node.wired[port]) for (const [, s] of slotFields(node.def.inputs[port]!.kind, slot)) readSlots.add(s);
    if (node.clock !== undefined) readSlots.add(node.clock);
  }
  // Kernel outputs left out (\`skipUnread\`): no column is written for them, and \`keep\` leaves their slots NaN.
  const skipped = new Set<number>();
  const skipUnread = options.skipUnread === true && options.columnCache === undefined;
  // Which nodes read each slot, for the pointwise chains below (whose outputs are numbers, never the
  // order the executor reads itself).
  const readers = new Map<number, Set<number>>();
  const addReader = (s: number, i: number) => (readers.get(s) ?? readers.set(s, new Set()).get(s)!).add(i);
  plan.nodes.forEach((node, i) => {
    for (const [port, slot] of Object.entries(node.inputSlots)) if (node.wired[port]) for (const [, s] of slotFields(node.def.inputs[port]!.kind, slot)) addReader(s, i);
    if (node.clock !== undefined) addReader(node.clock, i);
  });

  // Generated-code helpers. Lane arrays: `D_close[k]` is symbol k's close (absolute bar t), `c12[k]` a
  // block column (bar t at index j = t − block start); per-bar values sit at `slots[slot * L + k]`.
  const laneArray = (s: number) => (barColumn.has(s) ? `D_${barColumn.get(s)}` : `c${s}`);
  const laneIndex = (s: number) => (barColumn.has(s) ? 't' : 'j');
  const readPerBar = (s: number, k: string) => (barColumn.has(s) || columnSlots.has(s) ? `${laneArray(s)}[${k}][${laneIndex(s)}]` : `slots[${s * L} + ${k}]`);
  const value = (kind: PortKind, lanes: boolean) => {
    const fields = compoundFields[kind];
    const leaf = lanes ? `new Float64Array(${L})` : 'NaN';
    return fields ? `{ ${fields.map((f) => `${f}: ${leaf}`).join(', ')} }` : leaf;
  };
  // Port objects are literals in the generated code so V8 gives them a fixed shape with unboxed double
  // fields; objects built at run time (Object.fromEntries) box every write and make garbage per bar.
  const literal = (ports: Record<string, PortSpec>, lanes: boolean) => `{ ${Object.entries(ports).map(([p, spec]) => `${p}: ${value(spec.kind, lanes)}`).join(', ')} }`;
  const portRef = (i: number, io: 'i' | 'o', port: string, field: string | undefined) => `${io}${i}.${port}${field ? `.${field}` : ''}`;

  const declare: string[] = [];
  const loops: string[] = [];
  const columnCalls: string[] = [];
  const perBar: string[] = [];
  const restore: string[] = [];
  // Idle tests of the bar-phase nodes, for the quiet-bar skip (see `barsOver`): the inputs to write (port
  // reference ← value read) and the call; null once a node cannot say.
  // \`equity\`: the node's equity band (\`idleEquity\`), as calls giving its low and high for symbol k.
  let idleTests: { reads: { to: string; from: string; port: string }[]; call: string; watch?: string; equity?: { low: string; high: string } }[] | null = [];
  // The loop header of a bar-phase step over the symbols: all of them, or (see \`lanesOver\`) the ones that
  // need the bar. Which one is known once every node's idle test is: a placeholder until then.
  const eachActive = '/*each symbol*/';
  // The column cache key of each node whose columns may be shared (see `ExecutorOptions.columnCache`).
  const cacheKeys: (string | undefined)[] = plan.nodes.map(() => undefined);
  // How many columns each such node writes (one per output, one per field of a compound output).
  const cacheWidths = plan.nodes.map(() => 0);
  // Per cacheable node, the statement that points its block columns into the cached columns.
  const cachedViews: { node: number; slots: number[] }[] = [];
  // The bar fields kernels read, as views of the block (\`viewBars\`): one per symbol and field a block,
  // shared by every kernel that reads the field, not one per kernel call.
  const viewFields = new Set<string>();
  const barView = (f: string) => {
    viewFields.add(f);
    return `V_${f}[k]`;
  };
  // Pointwise nodes waiting to run as one loop (\`fuse\`): joined while no other node reads their outputs.
  const fusePointwise = options.fusePointwise !== false;
  let chain: number[] = [], chains = 0;
  const fuse = () => {
    if (chain.length === 0) return;
    const members = new Set(chain), g = chains++;
    // Each column read from outside the chain once a bar, into a local; each member's output a local too.
    const outside = new Map<string, number>();
    const value = new Map<number, string>();
    const code: string[] = [];
    const writes: number[] = [];
    for (const i of chain) {
      const node = plan.nodes[i]!;
      const args = Object.entries(node.inputSlots).map(([port, s]) => {
        if (!node.wired[port]) return 'nan';
        if (value.has(s)) return value.get(s)!;
        const column = barColumn.has(s) ? barView(barColumn.get(s)!) : `c${s}[k]`;
        if (!outside.has(column)) outside.set(column, outside.size);
        return `e${outside.get(column)}`;
      });
      const [s] = Object.values(node.outputSlots) as [number];
      value.set(s, `v${s}`);
      code.push(node.def.pointwise!(node.params, node.wired)(`v${s}`, args, { params: `p${i}`, state: `state${i}` }));
      // Written unless only the chain reads it in a run that shows no outputs (\`skipUnread\`).
      if (!skipUnread || [...(readers.get(s) ?? [])].some((r) => !members.has(r))) writes.push(s);
      else skipped.add(s);
    }
    loops.push(`function fused${g}(from, a, b, k) {
  const nan = NaN;
  ${chain.map((i) => `const state${i} = st${i}[k];`).join(' ')}
  ${[...outside].map(([column, q]) => `const x${q} = ${column};`).join(' ')} ${writes.map((s) => `const w${s} = c${s}[k];`).join(' ')}
  for (let j = a - from, end = b - from; j < end; j++) {
    const ${[...outside.values()].map((q) => `e${q} = x${q}[j]`).join(', ')};
    ${code.join('\n    ')}
    ${writes.map((s) => `w${s}[j] = v${s};`).join(' ')}
  }
}`);
    columnCalls.push(`for (let k = 0; k < ${L}; k++) { const r = runs[k]; for (let q = 0; q < runCount[k]; q += 2) fused${g}(from, r[q], r[q + 1], k); }`);
    chain = [];
  };
  plan.nodes.forEach((node, i) => {
    const { inputs, outputs } = node.def;
    // Output objects are per symbol (\`O3[k]\`): a step that leaves an output unwritten on a bar (a resample
    // between periods) holds that symbol's own last value, never the previous symbol's.
    const outsObject = cross[i] ? `o${i} = ${literal(outputs, true)}` : `O${i} = Array.from({ length: ${L} }, () => (${literal(outputs, false)}))`;
    declare.push(`const s${i} = steps[${i}], st${i} = states[${i}], p${i} = params[${i}], i${i} = ${literal(inputs, cross[i]!)}, ${outsObject};`);
    if (node.def.source) return;
    const ins = Object.entries(node.inputSlots).flatMap(([port, slot]) => slotFields(inputs[port]!.kind, slot).map(([f, s]) => ({ port, f, s, wired: node.wired[port]! })));
    const outs = Object.entries(node.outputSlots).flatMap(([port, slot]) => slotFields(outputs[port]!.kind, slot).map(([f, s]) => ({ port, f, s })));
    // An executor continuing another (\`heldOutputs\`: its \`slots\`) starts with the outputs that one ended with.
    restore.push(
      ...outs.map((x) =>
        cross[i]
          ? `for (let k = 0; k < ${L}; k++) ${portRef(i, 'o', x.port, x.f)}[k] = heldOutputs[${x.s * L} + k];`
          : `for (let k = 0; k < ${L}; k++) O${i}[k].${x.port}${x.f ? `.${x.f}` : ''} = heldOutputs[${x.s * L} + k];`,
      ),
    );
    const clock = node.clock;
    // A pointwise node joins the chain; one that reads only bar fields keeps its own loop, which the
    // column cache can serve. Any other node that reads what the chain makes runs after it.
    if (fusePointwise && node.def.pointwise && columnar[i] && !cross[i] && clock === undefined && ins.some((x) => x.wired && !barColumn.has(x.s))) {
      chain.push(i);
      return;
    }
    const made = new Set(chain.flatMap((c) => Object.values(plan.nodes[c]!.outputSlots)));
    if (ins.some((x) => x.wired && made.has(x.s)) || (clock !== undefined && made.has(clock))) fuse();
    if (node.def.batch) {
      columnCalls.push(`await runBatch(${i}, from, b - from);`);
      return;
    }
    if (columnar[i] && !cross[i] && node.def.kernel && clock === undefined) {
      // The node's own kernel over the run of bars, on block-relative columns (data columns as views).
      const column = (x: { s: number; wired: boolean }) => (!x.wired ? 'NANS' : barColumn.has(x.s) ? barView(barColumn.get(x.s)!) : `c${x.s}[k]`);
      // A bars port is one column per field.
      const ports = Object.keys(node.inputSlots).map((port) => {
        const fields = ins.filter((x) => x.port === port);
        return fields[0]!.f ? `${port}: { ${fields.map((x) => `${x.f}: ${column(x)}`).join(', ')} }` : `${port}: ${column(fields[0]!)}`;
      });
      const skip = outs.filter((x) => skipUnread && node.def.skippableOutputs?.includes(x.port) && !readSlots.has(x.s));
      for (const x of skip) skipped.add(x.s);
      const call = `kern${i}(st${i}[k], p${i}, { ${ports.join(', ')} }, { ${outs.map((x) => `${x.port}: ${skip.includes(x) ? 'undefined' : `c${x.s}[k]`}`).join(', ')} }, a - from, b - from);`;
      // An indicator of the bars themselves can come from (or go to) the column cache. The code is the same
      // with or without a cache (unless outputs are left out, \`skipUnread\`, which only runs without one), so
      // every run of this graph shape with a cache shares one compiled factory.
      if (batchNodes.length === 0 && skip.length === 0 && ins.every((x) => !x.wired || barColumn.has(x.s))) {
        cacheWidths[i] = outs.length;
        cacheKeys[i] = `${node.def.type}@${node.def.version} ${JSON.stringify(node.params)} ${ins.map((x) => `${x.port}${x.f ? `.${x.f}` : ''}=${x.wired ? barColumn.get(x.s) : 'NaN'}`).join(',')}`;
        // Served from the cache, its columns are views of the cached ones (`viewCached`): nothing to run.
        cachedViews.push({ node: i, slots: outs.map((x) => x.s) });
        // Recording, its block columns are views of the columns being recorded (\`viewCached\`): it writes them.
        loops.push(`function node${i}(from, a, b, k) {
  if (cacheIn[${i}] !== null) return;
  ${call}
}`);
      } else {
        loops.push(`function node${i}(from, a, b, k) {
  ${call}
}`);
      }
      declare.push(`const kern${i} = kernels[${i}];`);
      columnCalls.push(`for (let k = 0; k < ${L}; k++) { const r = runs[k]; for (let q = 0; q < runCount[k]; q += 2) node${i}(from, r[q], r[q + 1], k); }`);
      return;
    }
    if (columnar[i] && !cross[i]) {
      // One symbol's column over valid bars [a, b) of the block starting at `from`.
      const hoist = [
        `const st = st${i}[k], o${i} = O${i}[k];`,
        ...new Set(ins.filter((x) => x.wired).map((x) => `const r${x.s} = ${laneArray(x.s)}[k];`)),
        ...outs.map((x) => `const w${x.s} = c${x.s}[k];`),
        ...(clock !== undefined ? [`const clock = c${clock}[k];`] : []),
      ];
      const step = [
        ...ins.map((x) => `${portRef(i, 'i', x.port, x.f)} = ${x.wired ? `r${x.s}[${laneIndex(x.s)}]` : 'NaN'};`),
        `s${i}(st, p${i}, i${i}, o${i});`,
      ];
      loops.push(`function node${i}(from, a, b, k) {
  ${hoist.join('\n  ')}
  for (let t = a; t < b; t++) {
    const j = t - from;
    ${clock !== undefined ? `if (clock[j] === 1) { ${step.join(' ')} }` : step.join('\n    ')}
    ${outs.map((x) => `w${x.s}[j] = ${portRef(i, 'o', x.port, x.f)};`).join('\n    ')}
  }
}`);
      columnCalls.push(`for (let k = 0; k < ${L}; k++) { const r = runs[k]; for (let q = 0; q < runCount[k]; q += 2) node${i}(from, r[q], r[q + 1], k); }`);
      return;
    }
    if (columnar[i] && cross[i]) {
      // Every symbol at once, on each bar of the block where at least one symbol has a valid bar. A symbol
      // whose bar is bad reads NaN.
      const step = [
        ...ins.map((x) =>
          x.wired
            ? `for (let k = 0; k < ${L}; k++) ${portRef(i, 'i', x.port, x.f)}[k] = ok[k][j] === 1 ? ${laneArray(x.s)}[k][${laneIndex(x.s)}] : NaN;`
            : `${portRef(i, 'i', x.port, x.f)}.fill(NaN);`,
        ),
        `s${i}(st${i}[0], p${i}, i${i}, o${i});`,
      ];
      loops.push(`function node${i}(from, a, b) {
  for (let t = a; t < b; t++) {
    const j = t - from;
    if (live[j] === 0) continue;
    ${clock !== undefined ? `if (c${clock}[0][j] === 1) { ${step.join(' ')} }` : step.join('\n    ')}
    ${outs.map((x) => `for (let k = 0; k < ${L}; k++) c${x.s}[k][j] = ${portRef(i, 'o', x.port, x.f)}[k];`).join('\n    ')}
  }
}`);
      columnCalls.push(`node${i}(from, a, b);`);
      return;
    }
    // Bar phase. What the node prepares from the bars runs in the column phase, over the valid bars.
    const prepared = new Set<string>(node.def.prepare?.outputs ?? []);
    if (node.def.prepare) {
      declare.push(`const prep${i} = prepares[${i}];`);
      const fields = node.def.prepare.fields.map((f) => `${f}: ${barView(f)}`).join(', ');
      loops.push(`function prepare${i}(from, a, b, k) {
  prep${i}(st${i}[k], p${i}, { ${fields} }, { ${[...prepared].map((port) => `${port}: c${node.outputSlots[port]}[k]`).join(', ')} }, a - from, b - from);
}`);
      columnCalls.push(`for (let k = 0; k < ${L}; k++) { const r = runs[k]; for (let q = 0; q < runCount[k]; q += 2) prepare${i}(from, r[q], r[q + 1], k); }`);
    }
    if (idleTests && node.def.idle && !cross[i] && !node.def.sink) {
      declare.push(`const idle${i} = idles[${i}];`);
      // With one symbol, an input from another bar-phase node already holds what this node saw on its
      // last step (the contract's premise), so only the column inputs are read.
      // The inputs the idle test reads (the contract: \`idleInputs\`, else all of them, or none when it does
      // not declare the inputs parameter).
      const reads = node.def.idleInputs ?? (node.def.idle.length < 3 ? [] : Object.keys(inputs));
      const fresh = ins.filter((x) => reads.includes(x.port) && (L > 1 || !x.wired || barColumn.has(x.s) || columnSlots.has(x.s)));
      const equity = node.def.idleEquity ? { low: `idleEquities[${i}].low(st${i}[k], p${i})`, high: `idleEquities[${i}].high(st${i}[k], p${i})` } : undefined;
      if (node.def.idleWatch) declare.push(`const watch${i} = idleWatches[${i}];`);
      idleTests.push({ reads: fresh.map((x) => ({ to: portRef(i, 'i', x.port, x.f), from: x.wired ? readPerBar(x.s, 'k') : 'NaN', port: x.port })), call: `idle${i}(st${i}[k], p${i}, i${i})`, ...(node.def.idleWatch && { watch: `watch${i}(st${i}[k], p${i}, i${i})` }), equity });
    } else idleTests = null;
    if (cross[i]) {
      perBar.push(
        ...ins.map((x) => `for (let k = 0; k < ${L}; k++) ${portRef(i, 'i', x.port, x.f)}[k] = ${x.wired ? `ok[k][j] === 1 ? ${readPerBar(x.s, 'k')} : NaN` : 'NaN'};`),
        `s${i}(st${i}[0], p${i}, i${i}, o${i}, ctxs[0]);`,
        ...outs.map((x) => `for (let k = 0; k < ${L}; k++) slots[${x.s * L} + k] = ${portRef(i, 'o', x.port, x.f)}[k];`),
      );
      return;
    }
    const sink = node.def.sink && 'fired' in outputs ? [`if (o${i}.fired === 1) emit(${i}, k, t, [${ins.filter((x) => !x.f).map((x) => portRef(i, 'i', x.port, undefined)).join(', ')}]);`] : [];
    perBar.push(`${eachActive}
      if (act[k] === 0) continue;
      const o${i} = O${i}[k];
      ${[...prepared].map((port) => `o${i}.${port} = c${node.outputSlots[port]}[k][j];`).join('\n      ')}
      ${ins.map((x) => `${portRef(i, 'i', x.port, x.f)} = ${x.wired ? readPerBar(x.s, 'k') : 'NaN'};`).join('\n      ')}
      s${i}(st${i}[k], p${i}, i${i}, o${i}, ctxs[k]);
      ${outs.filter((x) => !prepared.has(x.port)).map((x) => `slots[${x.s * L} + k] = ${portRef(i, 'o', x.port, x.f)};`).join('\n      ')}
      ${sink.join('')}
    }`);
  });
  fuse();

  const sinkPorts = plan.nodes.map((nd) => Object.entries(nd.def.inputs).filter(([, spec]) => !compoundFields[spec.kind]).map(([port]) => port));
  const emit = (i: number, k: number, t: number, values: number[]) => {
    const node = plan.nodes[i]!;
    if (eventCounts[i]! >= maxEventsPerNode) {
      if (eventCounts[i] === maxEventsPerNode) eventsTruncated.push(node.id);
      eventCounts[i]!++;
      return;
    }
    eventCounts[i]!++;
    const event: SinkEvent = { nodeId: node.id, kind: node.def.sink!.kind, time: market.lanes[k]!.time[t]!, bar: t, values: Object.fromEntries(sinkPorts[i]!.map((p, q) => [p, values[q]!])) };
    if (L > 1) event.symbol = market.symbols[k];
    events.push(event);
  };

  const orderSlots = orderFields.map((_, f) => plan.orderSlot + f);
  const rampBars = Math.min(block, 16);
  // Not with batch nodes: each block is a round trip to the sandbox, and costs far more than warm-up.
  const rampBlocks = block > rampBars && batchNodes.length === 0 ? 200 : 0;
  // A symbol's bar steps its bar-phase nodes unless every one of them is idle (their contract: the step
  // could change no state and no output) and they have stepped before (so their outputs hold a step's
  // values). A skipped bar also skips \`instruct\`, which would see the same order and do nothing.
  // Several symbols with idle tests: each symbol runs its own quiet stretches (\`lanesOver\`), and a full
  // bar steps only the symbols that need it (\`need\`); the others are known to be idle on it.
  // Nodes idle only within an equity band (a drawdown breaker) take that route with one symbol too: it
  // checks the bands against each stretch's marked equity.
  const bands = (idleTests ?? []).flatMap((x) => (x.equity ? [x.equity] : []));
  const lanesFlow = !!idleTests && idleTests.length > 0 && (L > 1 || bands.length > 0);
  const each = lanesFlow ? `for (let q = 0; q < needCount; q++) {\n      const k = needList[q];` : `for (let k = 0; k < ${L}; k++) {`;
  const skipQuiet = idleTests && idleTests.length > 0
    ? `${each}
      let a = ok[k][j];
      if (a === 1 && primed[k] === 1${lanesFlow ? '' : ' && busyAt !== t'}) do { ${idleTests.map((x) => `${x.reads.map((r) => `${r.to} = ${r.from};`).join(' ')} if (!${x.equity ? `(${x.call} && e > ${x.equity.low} && e <= ${x.equity.high})` : x.call}) break;`).join(' ')} a = 0; } while (false);
      act[k] = a;
    }`
    : `for (let k = 0; k < ${L}; k++) act[k] = ok[k][j];`;
  // A quiet stretch: bars on which every symbol's bar is valid and inside its broker's calm band (its
  // orders and exits cannot act on it: see \`SimBroker.calm\`), and its bar-phase nodes have stepped before
  // and are idle. Nothing changes on such a bar but the equity, marked at the close with the positions
  // held: a small, tight function tests and marks each bar, for strategies that trade now and then. It
  // stops at the first bar where anything may happen, which \`barAt\` then steps in full.
  // Over a stretch no node steps, so a node's idle test (of its state, params and inputs) can only change
  // its answer when an input does, and only one it watches (\`idleWatch\`; all by default). The tests run on
  // the stretch's first bar and again only on a bar where a watched input differs (as Object.is) from the
  // values they last ran with, kept in \`seen\`; the loop that
  // marks the bars in between calls nothing, so V8 keeps its numbers unboxed.
  const seenWidth = idleTests?.reduce((a, x) => a + x.reads.length, 0) ?? 0;
  const reads = (idleTests ?? []).flatMap((x) => x.reads).map((r, q) => ({ ...r, q, at: `seen[k * ${seenWidth} + ${q}]` }));
  // Symbol k's bar at t is valid and inside its calm band (run \`stop\` when not), for \`calmAt\`.
  // Without a band (flat, or held without exits) a valid bar is inside it, and its prices are not read:
  // on the bars where a stretch ends they are seldom in cache (with a column cache, never read before).
  const calmBar = (stop: string) => `if (ok[k][j] === 0) ${stop};
    const lo = bandLow[k], hi = bandHigh[k];
    if (lo !== -Infinity || hi !== Infinity) {
      const open = D_open[k][t];
      if (!(open > lo && D_low[k][t] > lo && open < hi && D_high[k][t] < hi)) ${stop};
    }`;
  // For \`quietLane\`, each read split into what can be fetched once per stretch (a column's lane array, and
  // the value last tested) and what is read per bar.
  // Only column reads: any other (a bar-phase node's per-bar output, an unwired NaN) stays as it is until
  // the symbol steps, which ends the stretch anyway.
  // A read compares the value's bits with the bits of the value last tested, through Int32Array views of
  // the column and of \`seen\`: equal bits are the same value as Object.is sees it (NaN stays NaN, -0 is
  // not 0), and Object.is itself, which V8 compiles to several tests and branches, made this loop ≈ 4×
  // slower (1M bars, two reads: 5–7.5 ms against 1.3–1.6 ms). Two NaNs with other bits (a NaN's sign or
  // payload) also end a stretch: only a test asked again, never a different result.
  const hoisted = reads.flatMap((r, q) => {
    const m = /^(\w+)\[k\]\[([tj])\]$/.exec(r.from);
    if (!m) return [];
    const [, column, at] = m as unknown as [string, string, string];
    const seenAt = `2 * (k * ${seenWidth} + ${q})`;
    const test = `if ((r${q}[2 * ${at}] ^ lo${q}) | (r${q}[2 * ${at} + 1] ^ hi${q})) break;`;
    // A block column the idle test does not watch (\`idleWatch\`) is compared as zeros with zeros: it
    // cannot end the stretch. (A bar column, read by absolute bar, is always compared.)
    if (at === 'j') return [{ column, q, watchable: true, once: `const w${q} = watching[k * ${seenWidth} + ${q}] === 1, r${q} = w${q} ? ${column}_bits[k] : ZERO_BITS, lo${q} = w${q} ? seenBits[${seenAt}] : 0, hi${q} = w${q} ? seenBits[${seenAt} + 1] : 0;`, test }];
    return [{ column, q, watchable: false, once: `const r${q} = ${column}_bits[k], lo${q} = seenBits[${seenAt}], hi${q} = seenBits[${seenAt} + 1];`, test }];
  });
  // A stretch's loop, \`loop(tests)\` with the inputs' tests in its body. Most stretches watch one input
  // (Target %'s and the sizing nodes' \`idleWatch\` name one of Enter and Exit): when only one is, a loop
  // of its own tests that one alone, not the others against zeros (a sweep ≈ 2–3 % faster, bench/ab.ts).
  const oneWatched = hoisted.length >= 2 && hoisted.length <= 4 && hoisted.every((x) => x.watchable);
  const stretchLoops = (loop: (tests: string) => string) => [
    ...(oneWatched ? hoisted.map((x) => `if (${hoisted.map((y) => (y === x ? `w${y.q}` : `!w${y.q}`)).join(' && ')}) {
    ${loop(x.test)}
  }`) : []),
    loop(hoisted.map((x) => x.test).join('\n      ')),
  ].join('\n  ');
  const bitColumns = [...new Set(hoisted.map((x) => x.column))];
  // Each idle test's reads, as \`reads\` numbers them (with their places in \`seen\`).
  let readAt = 0;
  const readsOf = (idleTests ?? []).map((x) => reads.slice(readAt, (readAt += x.reads.length)));
  // After test q passed: which of its reads the answer hangs on (\`idleWatch\`), into \`watching\`.
  const watchAfter = (q: number) => {
    const x = idleTests![q]!;
    if (!x.watch || readsOf[q]!.length === 0) return '';
    return `{ const w = ${x.watch}; ${readsOf[q]!.map((r) => `watching[k * ${seenWidth} + ${r.q}] = w === undefined || w.includes(${JSON.stringify(r.port)}) ? 1 : 0;`).join(' ')} }`;
  };
  const stretch = idleTests && idleTests.length > 0
    ? `/**
 * The first bar from \`t\` on, before \`to\`, where symbol k's bar is not valid, leaves its calm band or
 * brings its nodes watched inputs other than those last tested; or \`to\`. Everything the loop reads is fetched
 * into locals first: read through the closure's lane arrays on every bar, the same loop took 4x as long.
 * Inputs compare by their bits (see \`hoisted\`): a NaN input that stays NaN keeps the stretch going, and
 * -0 is not 0.
 */
function quietLane(k, from, t, to) {
  const okk = ok[k], o = D_open[k], l = D_low[k], h = D_high[k], lo = bandLow[k], hi = bandHigh[k];
  ${hoisted.map((x) => x.once).join('\n  ')}
  if (whole[k] === 1 && lo === -Infinity && hi === Infinity) {
    // Every bar valid and no band (flat, or held without a stop-loss or take-profit): only a changed
    // input can end the stretch, so that is all this loop reads.
    ${stretchLoops((tests) => `for (; t < to; t++) {
      const j = t - from;
      ${tests}
    }
    return t;`)}
  }
  ${stretchLoops((tests) => `for (; t < to; t++) {
    const j = t - from;
    if (okk[j] === 0) break;
    const open = o[t];
    if (!(open > lo && l[t] > lo && open < hi && h[t] < hi)) break;
    ${tests}
  }
  return t;`)}
}
/**
 * Equity at the closes of bars [a, b) with the positions held: the cash, plus each symbol's position at
 * its close, added in symbol order as the full step adds them. Apart from \`quietUntil\`: a running sum
 * in a loop that can exit early made V8 box it on every bar.
 */
function markEquity(a, b) {
  const cash = account.cash;
  ${L === 1
    ? `// One symbol: one pass (cash + position × close, the same sum the full step makes).
  const p = pos[0], c = D_close[0];
  if (p === 0) equity.fill(cash, a, b);
  else for (let t = a; t < b; t++) equity[t] = cash + p * c[t];`
    : `for (let t = a; t < b; t++) equity[t] = cash;
  for (let k = 0; k < ${L}; k++) {
    const p = pos[k], c = D_close[k];
    if (p !== 0) for (let t = a; t < b; t++) equity[t] += p * c[t];
  }`}
}
${lanesFlow
      ? `/** Whether symbol k's bar-phase nodes are idle on bar \`t\` (remembering the inputs they were asked with). */
function idleLane(k, from, t, all) {
  const j = t - from;
  let changed = all;
  // Within a stretch (\`all\` false) a test whose inputs are as it last saw them answers as it did then:
  // it is not asked again (a flip of one signal does not re-run every node's test).
  // A changed input it does not watch (\`watching\`, from \`idleWatch\`) cannot turn its answer false.
  ${idleTests.map((x, q) => `changed = all;\n  ${readsOf[q]!.map((r) => `{ const v = ${r.from}; if (!Object.is(v, ${r.at})${x.watch ? ` && watching[k * ${seenWidth} + ${r.q}] === 1` : ''}) changed = true; ${r.to} = ${r.at} = v; }`).join('\n  ')}\n  if (changed) {\n    if (!${x.call}) return false;\n    ${watchAfter(q)}\n  }`).join('\n  ')}
  return true;
}
/** Whether symbol k's bar \`t\` is valid and inside its calm band. */
function calmLane(k, from, t) {
  const j = t - from;
  ${calmBar('return false')}
  return true;
}
/**
 * The first bar from \`t\` on, before \`to\`, on which symbol k needs the full step: its bar is not valid,
 * reaches its broker's orders or exits, or brings inputs on which its nodes are not idle; or \`to\`.
 * Until then nothing of symbol k changes but the equity, which its nodes do not read while idle.
 */
function attend(k, from, t, to) {
  ${bands.length ? 'eqLow[k] = -Infinity;\n  eqHigh[k] = Infinity;\n  ' : ''}if (t >= to || primed[k] === 0) return t;
  const broker = brokers[k];
  broker.calm();
  if (!(broker.calmLow < broker.calmHigh)) return t;
  bandLow[k] = broker.calmLow;
  bandHigh[k] = broker.calmHigh;
  const start = t;
  // A bar whose inputs changed is tested again; while the nodes stay idle, the stretch goes on.
  for (let all = true; t < to && calmLane(k, from, t) && idleLane(k, from, t, all); all = false) t = quietLane(k, from, t, to);
  ${bands.length ? `// Idle over [start, t) only while the equity stays inside the nodes' bands (\`idleEquity\`).
  if (t > start) {
    eqLow[k] = Math.max(${bands.map((b) => b.low).join(', ')});
    eqHigh[k] = Math.min(${bands.map((b) => b.high).join(', ')});
  }` : ''}
  return t;
}
${bands.length ? `/** The equity band every quiet symbol's nodes allow: the tightest of theirs. */
function bandsAll() {
  let lo = -Infinity, hi = Infinity;
  for (let k = 0; k < ${L}; k++) {
    if (eqLow[k] > lo) lo = eqLow[k];
    if (eqHigh[k] < hi) hi = eqHigh[k];
  }
  eqBand[0] = lo;
  eqBand[1] = hi;
}` : ''}
/** The positions held, into \`pos\`; whether any is. */
function holding() {
  let held = false;
  for (let k = 0; k < ${L}; k++) {
    const p = brokers[k].position;
    pos[k] = p;
    if (p !== 0) held = true;
  }
  return held;
}
/** Bars [a, b), on which no symbol needs the full step, their equity marked (\`markEquity\`) with the positions held. */
function quietSpan(a, b) {
  let held = false;
  for (let k = 0; k < ${L}; k++) if (pos[k] !== 0) held = true;
  if (held) counts[0] += b - a;
  else flatRun(a, b, account.cash);
  if (allWhole === 0) for (let k = 0; k < ${L}; k++) lastValid[k] = b - 1;
}
/**
 * Each symbol's broker marked at the open of bar \`t\`, or of its last valid bar before it: what a fill's
 * leverage cap reads of the other symbols. Only needed on a bar with a fill, so set then (\`barAt\`).
 */
function markAll(j, t) {
  for (let k = 0; k < ${L}; k++) {
    const v = ok[k][j] === 1 ? t : lastValid[k];
    if (v >= 0) brokers[k].mark = D_open[k][v];
  }
}
/**
 * Bars [from, to) of a block, symbol by symbol. Each symbol's next bar that needs the full step is
 * \`next[k]\`; the bars before the first of them are marked at once, and that bar gets the full step for
 * the symbols that need it (\`needList\`). The others are valid, calm and idle on it, so the full step would
 * leave them as they are: one symbol's signal does not make every other symbol test and step its nodes.
 */
function lanesOver(from, to) {
  counts[0] = 0;
  counts[1] = 0;
  // \`pos\` follows the positions from here on: only a fill in \`barAt\` changes one, which updates it.
  holding();
  for (let k = 0; k < ${L}; k++) next[k] = attend(k, from, from, to);
  ${bands.length ? 'bandsAll();' : ''}
  let t = from;
  while (t < to) {
    let u = to;
    for (let k = 0; k < ${L}; k++) if (next[k] < u) u = next[k];
    if (u > t) {
      markEquity(t, u);
      ${bands.length ? `// The stretch ends early on a bar whose equity leaves a quiet symbol's band: that symbol steps there.
      const lo = eqBand[0], hi = eqBand[1];
      let v = t;
      while (v < u && equity[v] > lo && equity[v] <= hi) v++;
      if (v > t) quietSpan(t, v);
      u = v;` : 'quietSpan(t, u);'}
    }
    if (u === to) break;
    needCount = 0;
    for (let k = 0; k < ${L}; k++) if (next[k] === u) needList[needCount++] = k;
    barAt(from, u);
    for (let q = 0; q < needCount; q++) next[needList[q]] = attend(needList[q], from, u + 1, to);
    ${bands.length ? 'bandsAll();' : ''}
    t = u + 1;
  }
  // In a block of valid bars only, a symbol's last valid bar is set once, here, for \`keep\` and the next block.
  if (allWhole === 1) lastValid.fill(to - 1);
}`
      : `/** Whether every symbol's bar-phase nodes are idle on bar \`t\` (remembering the inputs they were asked with). */
function idleAt(from, t) {
  const j = t - from;
  for (let k = 0; k < ${L}; k++) {
    ${reads.map((r) => `${r.to} = ${r.at} = ${r.from};`).join('\n    ')}
    ${idleTests.map((x, q) => `if (!${x.call}) return false;${x.watch ? `\n    ${watchAfter(q)}` : ''}`).join('\n    ')}
  }
  return true;
}
/** The first bar from \`t\` on where any symbol's stretch ends (\`quietLane\`), or \`to\`. */
function quietUntil(from, t, to) {
  for (let k = 0; k < ${L} && to > t; k++) to = quietLane(k, from, t, to);
  return to;
}
/** Whether bar \`t\` is valid and inside the calm band for every symbol. */
function calmAt(from, t) {
  const j = t - from;
  if (live[j] === 0) return false;
  for (let k = 0; k < ${L}; k++) {
    ${calmBar('return false')}
  }
  return true;
}
/** A quiet stretch from \`t\`: its bars marked, the first bar that is not quiet returned. */
function quietOver(from, t, to) {
  for (let k = 0; k < ${L}; k++) {
    if (primed[k] === 0) return t;
    const broker = brokers[k];
    broker.calm();
    if (!(broker.calmLow < broker.calmHigh)) return t;
    bandLow[k] = broker.calmLow;
    bandHigh[k] = broker.calmHigh;
    pos[k] = broker.position;
  }
  const start = t;
  // A bar whose inputs changed is tested again; while the nodes stay idle, the stretch goes on. A bar
  // they are not idle on is \`barAt\`'s next, which need not ask them again (\`busyAt\`).
  while (t < to && calmAt(from, t)) {
    if (!idleAt(from, t)) {
      busyAt = t;
      break;
    }
    t = quietUntil(from, t, to);
  }
  if (t > start) {
    markEquity(start, t);
    let held = false;
    for (let k = 0; k < ${L}; k++) if (pos[k] !== 0) held = true;
    if (held) counts[0] += t - start;
    else flatRun(start, t, account.cash);
    for (let k = 0; k < ${L}; k++) { lastValid[k] = t - 1;${L > 1 ? ' brokers[k].mark = D_open[k][t - 1];' : ''} }
  }
  return t;
}`}`
    : '';
  const source = `"use strict";
${barFields.map((f) => `const D_${f} = lanes.map((b) => b.${f});`).join('\n')}
${columns.map((s) => `const c${s} = cols.get(${s});`).join('\n')}
// Per block: which symbol-bars are valid, the runs of valid bars per symbol, and whether any symbol traded.
const ok = okv;
// Per node: its cached columns to copy, or the full-length columns to record it into (else null).
const cacheIn = colCache.in, cacheOut = colCache.out, badBefore = colCache.bad;
const runs = Array.from({ length: ${L} }, () => new Int32Array(${block + 2}));
const runCount = new Int32Array(${L});
// Per block: 1 where the symbol's bars are all valid.
const whole = new Uint8Array(${L});
// Per block: 1 when every symbol's bars are valid (then a symbol's last valid bar is the bar itself).
let allWhole = 0;
const live = new Uint8Array(${block});
const NANS = new Float64Array(${block}).fill(NaN);
// Each symbol's last valid bar so far (−1 before one): where its position is marked, and what \`keep\` shows.
// With several symbols, in a block whose bars are all valid, it is set only at the block's end (\`lanesOver\`).
const lastValid = new Int32Array(${L}).fill(-1);
const orderBuf = new Float64Array(${8 * L});
// Per bar, which symbols step their bar-phase nodes; which have stepped them at least once.
const act = new Uint8Array(${L});
const primed = new Uint8Array(${L});
// Each symbol's position: over a quiet stretch, and with several symbols over the whole block (\`lanesOver\`).
const pos = new Float64Array(${L}), bandLow = new Float64Array(${L}), bandHigh = new Float64Array(${L});
// Several symbols with idle tests: each symbol's next bar that needs the full step, and on a full bar, the
// symbols that need it, in order (\`lanesOver\`).
const next = new Int32Array(${L}), needList = new Int32Array(${L});
// The equity band each symbol's quiet nodes allow (\`idleEquity\`), and the tightest of them.
const eqLow = new Float64Array(${L}).fill(-Infinity), eqHigh = new Float64Array(${L}).fill(Infinity), eqBand = Float64Array.of(-Infinity, Infinity);
let needCount = 0;
// The bar a quiet stretch ended on because the nodes were not idle there (\`quietOver\`: one symbol, as
// several symbols with idle tests always take \`lanesOver\`).
let busyAt = -1;
const seen = new Float64Array(${Math.max(1, seenWidth * L)});
// Per symbol and read, 1 while the stretch must watch it (every read, unless a node's \`idleWatch\` says
// otherwise), and zeros that unwatched reads compare against.
const watching = new Uint8Array(${Math.max(1, seenWidth * L)}).fill(1);
const ZERO_BITS = new Int32Array(${2 * block});
// Bit views for the quiet stretches' comparisons (\`quietLane\`): of \`seen\`, and of each column they read.
const bits = (a) => new Int32Array(a.buffer, a.byteOffset, 2 * a.length);
const seenBits = bits(seen);
${bitColumns.map((c) => `const ${c}_bits = ${c}.map(bits);`).join('\n')}
// Bars of the block with a position held, and symbol-bars skipped for bad prices.
const counts = new Float64Array(2);
// Per symbol, the bars of the last block its broker worked (\`onBarAt\`), for \`warmOpens\`; and where that
// pass leaves its sum, so that its reads are not optimised away.
const worked = new Int32Array(${L});
const warmSink = new Float64Array(1);
${L > 1 ? `// Per symbol, 1 while its broker waits for the second pass of a bar (\`barAt\`: orders that add exposure).
const later = new Uint8Array(${L});` : ''}
${declare.join('\n')}
${loops.join('\n')}
/**
 * A bar with a price that is not a positive finite number, or whose high is below its low, is skipped
 * whole for its symbol: no fills, no node sees it. CSV input is refused before this can happen; the
 * guard protects live feeds, unaligned symbols and anything else that reaches the loop.
 */
function scan(from, to) {
  live.fill(0, 0, to - from);
  allWhole = 1;
  for (let k = 0; k < ${L}; k++) {
    const o = D_open[k], h = D_high[k], l = D_low[k], c = D_close[k], okk = ok[k], r = runs[k];
    // Most blocks are valid throughout: one test per bar, leaving at the first bad bar (a branch the
    // processor predicts, 30 % faster than combining the comparisons with & and reading the whole block),
    // then the block's flags filled at once; otherwise bar by bar below.
    // With a column cache, its count of bad bars (the same rule) answers without reading the bars.
    let all = 1;
    const bad = badBefore === null ? null : badBefore[k];
    if (bad !== null) all = +(bad[to] === bad[from]);
    else for (let t = from; t < to; t++) {
      const x = o[t], y = c[t], lo = l[t], hi = h[t];
      if (!(x > 0 && x < Infinity && y > 0 && y < Infinity && lo > 0 && hi < Infinity && hi >= lo)) { all = 0; break; }
    }
    if (all === 1) {
      okk.fill(1, 0, to - from);
      live.fill(1, 0, to - from);
      r[0] = from;
      r[1] = to;
      runCount[k] = 2;
      whole[k] = 1;
      continue;
    }
    let count = 0, inRun = false;
    for (let t = from; t < to; t++) {
      const j = t - from;
      const good = o[t] > 0 && o[t] < Infinity && c[t] > 0 && c[t] < Infinity && l[t] > 0 && h[t] < Infinity && h[t] >= l[t];
      okk[j] = good ? 1 : 0;
      if (good) {
        live[j] = 1;
        if (!inRun) { r[count++] = t; inRun = true; }
      } else {
        if (inRun) { r[count++] = t; inRun = false; }
        ${columns.map((s) => `c${s}[k][j] = NaN;`).join(' ')}
      }
    }
    if (inRun) r[count++] = to;
    runCount[k] = count;
    whole[k] = 0;
    allWhole = 0;
  }
}
${batchNodes.length ? 'async ' : ''}function columnsOver(from, a, b) {
  ${columnCalls.join('\n  ')}
}
${stretch}
/** Bar \`t\` of the block starting at \`from\`, in full: fills, nodes, instructions. */
function barAt(from, t) {
    const j = t - from;
    if (live[j] === 0) {
      equity[t] = t > 0 ? equity[t - 1] : account.cash;
      counts[1] += ${L};
      return;
    }
    ${L > 1 && !lanesFlow ? `for (let k = 0; k < ${L}; k++) if (ok[k][j] === 1) brokers[k].mark = D_open[k][t];` : ''}
    ${lanesFlow ? `// Only the symbols that need the bar go to their brokers (the others are inside their calm bands);
    // the other symbols' marks, which a fill's leverage cap reads, are set before the first fill.
    let marked = ${L > 1 ? 0 : 1};` : ''}
    ${L > 1 ? `// Two passes: orders that add exposure (a buy from flat or long, a sell from flat or short) are worked
    // after the others, which free cash or margin. Both fill at the same open, and a rotation's buy, worked
    // first, was cut by the leverage cap before the sale that pays for it (and never sent again).
    let deferred = 0;
    for (let pass = 0; pass <= deferred; pass++) {` : ''}
    ${each}
      ${lanesFlow ? 'if (ok[k][j] === 0) continue;' : `if (ok[k][j] === 0) { ${L > 1 ? 'if (pass === 0) ' : ''}counts[1]++; continue; }`}
      const broker = brokers[k];
      ${L > 1 ? `if (pass === 1) {
        if (later[k] === 0) continue;
        later[k] = 0;
      } else if (broker.addsExposure()) {
        later[k] = 1;
        deferred = 1;
        continue;
      }` : ''}
      // The test inlines; the call (too big to inline) is only made when there is something to work,
      // and not on a bar inside the broker's calm band (a held position whose exits the bar does not
      // reach), which leaves it as it was: the quiet stretches' rule, here for single bars. A band that
      // holds every valid bar (held without exits) or none (an order working) is decided without reading
      // the bar's prices, seldom in cache here.
      if (broker.working()) {
        broker.calm();
        const lo = broker.calmLow, hi = broker.calmHigh;
        if (!(lo < hi) || ((lo !== -Infinity || hi !== Infinity) && !(D_open[k][t] > lo && D_low[k][t] > lo && D_open[k][t] < hi && D_high[k][t] < hi))) {
          ${lanesFlow ? `if (marked === 0) {
            markAll(j, t);
            marked = 1;
          }` : ''}
          broker.onBarAt(t, lanes[k], t);
          worked[k]++;
          ${lanesFlow ? 'pos[k] = broker.position;' : ''}
        }
      }
      ${lanesFlow ? '' : 'lastValid[k] = t;'}
    }
    ${L > 1 ? '}' : ''}
    let e = account.cash, held = false;
    ${lanesFlow ? `// Every bar of the block valid: each symbol's last valid bar is this one (set for all at the block's
    // end), and the positions are in \`pos\`, so nothing is read of the symbols that hold none.
    if (allWhole === 1) {
      for (let k = 0; k < ${L}; k++) {
        const position = pos[k];
        if (position !== 0) { e += position * D_close[k][t]; held = true; }
      }
    } else ` : ''}for (let k = 0; k < ${L}; k++) {
      ${lanesFlow ? `if (ok[k][j] === 1) lastValid[k] = t;
      else counts[1]++;
      ` : ''}const position = brokers[k].position;
      // Marked at the close of the symbol's last valid bar (0 before it has one), read only for a
      // position held: on most full bars most symbols hold none, and their closes are out of cache.
      if (position !== 0) { const v = lastValid[k]; e += position * (v < 0 ? 0 : D_close[k][v]); held = true; }
    }
    equity[t] = e;
    if (held) counts[0]++;
    ${lanesFlow && bands.length ? `// The bar's equity (after its fills) outside a quiet symbol's band: that symbol steps too.
    if (!(e > eqBand[0] && e <= eqBand[1])) {
      needCount = 0;
      for (let k = 0; k < ${L}; k++) if (next[k] === t || !(e > eqLow[k] && e <= eqHigh[k])) needList[needCount++] = k;
    }` : ''}
    ${skipQuiet}
    ${each}
      if (act[k] === 0) continue;
      const ctx = ctxs[k];
      ctx.bar = t; ctx.cash = account.cash; ctx.position = brokers[k].position; ctx.equity = e;
    }
    ${perBar.join('\n    ').replaceAll(eachActive, each)}
    ${each}
      if (act[k] === 0) continue;
      primed[k] = 1;
      ${orderSlots.map((s, f) => `orderBuf[k * 8 + ${f}] = ${readPerBar(s, 'k')};`).join(' ')}
      brokers[k].instruct(t, orderBuf, k * 8);
    }
}
/**
 * Bars [from, to) of the block starting at \`from\`. The quiet stretches and the full bar step are functions
 * of their own: V8 compiles the small, hot stretch loop quickly, while the full step (every bar-phase
 * node and the broker inlined) takes it long, and runs only on the bars where something happens.
 */
function barsOver(from, to) {
  ${lanesFlow ? 'lanesOver(from, to);' : `counts[0] = 0;
  counts[1] = 0;
  for (let t = from; t < to; t++) {
    ${stretch ? `if (live[t - from] === 1) {
      t = quietOver(from, t, to);
      if (t === to) break;
    }` : ''}
    barAt(from, t);
  }`}
}
/**
 * A broker working a bar reads its open (a market order fills there), and on a long backtest that row is
 * seldom in cache: the executor streams the columns its nodes read, and the open is rarely one of them. So
 * each worked bar waited on a trip to memory (S1: ≈ 10 % of a run, one per fill). For a symbol whose broker
 * worked many bars of the last block, one read per cache line of the block's opens first brings them all in,
 * streamed, at a small part of that cost; for one that trades rarely the pass would cost more than it saves.
 */
function warmOpens(from, to) {
  let s = 0;
  for (let k = 0; k < ${L}; k++) {
    if (worked[k] * 128 >= to - from) {
      const o = D_open[k];
      for (let t = from; t < to; t += 8) s += o[t];
    }
    worked[k] = 0;
  }
  warmSink[0] = s;
}
/** The last valid bar's column values go to \`slots\`, so it shows every output as of the last bar run. */
function keep(from, to) {
  for (let k = 0; k < ${L}; k++) {
    const t = lastValid[k];
    if (t < from || t >= to) continue;
    const j = t - from;
    ${[...barColumn].map(([s, f]) => `slots[${s * L} + k] = D_${f}[k][t];`).join(' ')}
    ${columns.filter((s) => !skipped.has(s)).map((s) => `slots[${s * L} + k] = c${s}[k][j];`).join(' ')}
  }
}
if (heldOutputs) {
  ${restore.join('\n  ')}
}
// The first blocks are short. V8 optimizes a function either when it is called often or, inside one
// long call, by on-stack replacement of its loop; code compiled the second way knows nothing of what runs
// after the loop or in a later call, and kept deoptimizing at every block, leaving the loops in the
// interpreter (where every floating-point result is a new heap object). Many short calls first let V8
// see every path and compile each function whole. Block sizes never change results.
// The count is the factory's (\`ramp\`), not the run's: the executors one factory makes share their
// compiled code, so only its first runs need the short blocks (a later run of S1 over 100 000 bars ≈ 0.4 ms
// less, about 9 %, in-process A/B; over 1M bars and in the sweep, less than this machine's noise).
/**
 * A node served from the column cache reads and writes nothing: its block columns become views of the
 * cached columns at the block's first bar (a copy cost as much as a third of a sweep set's column work).
 * A node recording into the cache writes its columns there the same way, not into its block columns and
 * then a copy (≈ 2 % of a 100-set sweep: each of its 20 SMAs was copied once). Set before \`scan\`, which
 * writes NaN into a column at a bad bar: so a cached column holds NaN there too. Otherwise (no cache, or
 * a recording stored), the block columns of its own.
 */
${cachedViews.flatMap(({ slots }) => slots.map((s) => `const own${s} = c${s}.slice();`)).join('\n')}
function viewCached(from) {
${cachedViews.map(({ node, slots }) => {
  const pointAt = (column: (s: number, q: number) => string) => slots.map((s, q) => `c${s}[k] = ${column(s, q)};${bitColumns.includes(`c${s}`) ? ` c${s}_bits[k] = bits(c${s}[k]);` : ''}`).join(' ');
  return `  for (let k = 0; k < ${L}; k++) {
    if (cacheIn[${node}] !== null) { ${pointAt((_, q) => `cacheIn[${node}][k][${q}].subarray(from, from + ${block})`)} }
    else if (cacheOut[${node}] !== null) { ${pointAt((_, q) => `cacheOut[${node}][k][${q}].subarray(from, from + ${block})`)} }
    else if (c${slots[0]}[k] !== own${slots[0]}[k]) { ${pointAt((s) => `own${s}[k]`)} }
  }`;
}).join('\n')}
}
${[...viewFields].map((f) => `const V_${f} = new Array(${L});`).join('\n')}
/** Each symbol's bar fields that kernels read, as views of the block starting at \`from\`. */
function viewBars(from) {
  for (let k = 0; k < ${L}; k++) { ${[...viewFields].map((f) => `V_${f}[k] = D_${f}[k].subarray(from, from + ${block});`).join(' ')} }
}
return ${batchNodes.length ? 'async ' : ''}function run(from, to) {
  for (let start = from, end = from; start < to; start = end) {
    if (ramp[0] < ${rampBlocks}) {
      end = Math.min(to, start + ${rampBars});
      ramp[0]++;
    } else end = Math.min(to, start + ${block});
    viewCached(start);
    viewBars(start);
    scan(start, end);
    ${batchNodes.length ? 'await ' : ''}columnsOver(start, start, end);
    warmOpens(start, end);
    barsOver(start, end);
    stats.exposed += counts[0];
    stats.skipped += counts[1];
    keep(start, end);
  }
};`;
  const stats = { exposed: 0, skipped: 0 };
  const flat: FlatRuns = { runs: new Int32Array(256), count: 0 };
  // A quiet stretch with no position held: its bars' equity is the cash. Recorded only when that is a
  // finite, non-zero number (so each bar's return after the first is exactly 0), joined to the previous
  // stretch when it continues it at the same equity.
  const flatRun = (a: number, b: number, cash: number) => {
    if (!(cash / cash === 1) || b <= a) return;
    const c = flat.count;
    if (c > 0 && flat.runs[2 * c - 1] === a && equity[flat.runs[2 * c - 2]!] === cash) {
      flat.runs[2 * c - 1] = b;
      return;
    }
    if (2 * c + 2 > flat.runs.length) {
      const grown = new Int32Array(flat.runs.length * 2);
      grown.set(flat.runs);
      flat.runs = grown;
    }
    flat.runs[2 * c] = a;
    flat.runs[2 * c + 1] = b;
    flat.count = c + 1;
  };
  const cols = new Map(columns.map((s) => [s, Array.from({ length: L }, () => new Float64Array(block))]));
  // Which bars of the current block are valid, per symbol: written by the generated `scan`, read by all.
  const okv = Array.from({ length: L }, () => new Uint8Array(block));
  const batch = batchRunner(plan, market, cols, okv, barColumn, options.seed ?? 0, options.batchSnapshots);
  const kernels = plan.nodes.map((nd) => nd.def.kernel);
  const idles = plan.nodes.map((nd) => nd.def.idle);
  const idleWatches = plan.nodes.map((nd) => nd.def.idleWatch);
  const prepares = plan.nodes.map((nd) => nd.def.prepare?.kernel);
  const idleEquities = plan.nodes.map((nd) => nd.def.idleEquity);
  const colCache = columnCacheFor(options.columnCache, market, cacheKeys, cacheWidths, batchNodes.length > 0, n);
  const { make, ramp } = generated(source) ?? remember(source, new Function('steps', 'kernels', 'idles', 'idleWatches', 'prepares', 'idleEquities', 'states', 'params', 'ctxs', 'slots', 'lanes', 'brokers', 'account', 'equity', 'stats', 'emit', 'cols', 'okv', 'runBatch', 'heldOutputs', 'colCache', 'flatRun', 'ramp', source) as (...args: unknown[]) => unknown);
  const runBars = make(steps, kernels, idles, idleWatches, prepares, idleEquities, states, params, ctxs, slots, market.lanes, brokers, brokers[0]!.account, equity, stats, emit, cols, okv, batch.run, options.outputs, colCache, flatRun, ramp) as Executor['run'];
  return { run: colCache.recording ? colCache.watch(runBars as (from: number, to: number) => void) : runBars, close: batch.close, batchSnapshots: batch.snapshots, equity, flat, slots, lanes: L, states, stats, events, eventsTruncated };
}

/**
 * The executor's side of the column cache: which nodes copy cached columns (`in`), which record theirs
 * (`out`, full-length columns per symbol and output), each symbol's count of bad bars before each bar
 * (`bad`, for the block scan), and `watch`, which stores the recorded columns once runs from bar 0 on,
 * in order, have covered every bar.
 */
function columnCacheFor(cache: ColumnCache | undefined, market: Market, keys: readonly (string | undefined)[], widths: readonly number[], batch: boolean, n: number) {
  const none = keys.map(() => null);
  // Batch plans never use it: their kernels run in the sandbox, and their runs are asynchronous.
  const use = cache && !batch && cache.covers(market) ? cache : undefined;
  if (!use) {
    // Bars checked where they were loaded (`checkBars`) have their counts of bad bars already.
    const counts = market.lanes.map(badBarCounts);
    return { in: none, out: none, bad: counts.some((c) => c !== null) ? counts : null, recording: false, watch: (run: (from: number, to: number) => void) => run };
  }
  const lanes = market.lanes.length;
  const hits = keys.map((key) => (key === undefined ? null : (use.get(key) ?? null)));
  // Recording is skipped for a node whose columns could not be kept anyway (over the cache's budget).
  // The recording run writes every bar of them before they are stored: its kernel each valid bar, the
  // block scan NaN at each bad one (a run served from the cache reads these columns in place).
  const out = keys.map((key, i) => (key === undefined || hits[i] !== null || lanes * widths[i]! * n * 8 > use.maxBytes ? null : Array.from({ length: lanes }, () => Array.from({ length: widths[i]! }, () => new Float64Array(n)))));
  let covered = 0;
  return {
    in: hits,
    out,
    bad: use.badBefore(),
    recording: out.some((o) => o !== null),
    watch: (run: (from: number, to: number) => void) => (from: number, to: number) => {
      run(from, to);
      if (from !== covered) covered = -1;
      else covered = to;
      if (covered !== n) return;
      out.forEach((columns, i) => {
        if (columns) use.put(keys[i]!, columns);
        out[i] = null;
      });
    },
  };
}

/**
 * Generated factories by source text. Plans of the same shape (a sweep's parameter sets, a deployment's
 * executor for each new bar) generate the same source, since params are passed in, not written in.
 * Reusing the factory reuses its compiled, type-specialised code: V8 shares that between the closures
 * one function creates, not between two functions with equal text, so each new one would start cold.
 */
/** A generated factory, and how many short blocks its executors have run (see \`run\` in the source). */
interface Factory {
  make: (...args: unknown[]) => unknown;
  ramp: Int32Array;
}
const factories = new Map<string, Factory>();
const maxFactories = 256;
function generated(source: string): Factory | undefined {
  const f = factories.get(source);
  if (f) {
    // Most recently used last, so the oldest goes first when the cache is full.
    factories.delete(source);
    factories.set(source, f);
  }
  return f;
}
function remember(source: string, make: (...args: unknown[]) => unknown): Factory {
  if (factories.size >= maxFactories) factories.delete(factories.keys().next().value!);
  const f = { make, ramp: new Int32Array(1) };
  factories.set(source, f);
  return f;
}

/**
 * Batch nodes (custom nodes in the sandbox) over one block: per symbol, the block's valid bars (and, for
 * a clocked node, only those where its clock ticks) are packed into contiguous input arrays, sent as
 * one batch, and the outputs are spread back, held over the bars the node did not see. So a custom node
 * sees exactly the bars a built-in node in its place would step on.
 */
function batchRunner(plan: Plan, market: Market, cols: Map<number, Float64Array[]>, ok: Uint8Array[], barColumn: Map<number, string>, seed: number, restore: Readonly<Record<string, readonly BatchLaneSnapshot[]>> = {}) {
  const L = market.lanes.length;
  for (const [id, lanes] of Object.entries(restore)) {
    const node = plan.nodes.find((n) => n.id === id);
    if (!node?.def.batch) throw new Error(`saved batch state for ${id}, which is not a batch node of this plan`);
    const width = Object.keys(node.outputSlots).length;
    if (lanes.length !== L || lanes.some((s) => s.held.length !== width)) throw new Error(`${id}: the saved batch state has the wrong shape for this plan`);
  }
  const instances = new Map<number, BatchInstance[]>();
  const held = new Map<number, Float64Array>();
  let index = new Int32Array(0);
  /** Symbol k's value of slot `s` at bar `from + j`. */
  const source = (s: number, k: number): ((j: number, from: number) => number) => {
    const field = barColumn.get(s) as keyof Bars | undefined;
    if (field) {
      const arr = market.lanes[k]![field];
      return (j, from) => arr[from + j]!;
    }
    const col = cols.get(s)![k]!;
    return (j) => col[j]!;
  };
  async function open(i: number): Promise<BatchInstance[]> {
    const node = plan.nodes[i]!;
    const opened: BatchInstance[] = [];
    for (let k = 0; k < L; k++) opened.push(await node.def.batch!.open(node.params, instanceSeed(seed, node.id, k), restore[node.id]?.[k]!.instance));
    instances.set(i, opened);
    return opened;
  }
  async function run(i: number, from: number, length: number): Promise<void> {
    const node = plan.nodes[i]!;
    const lanes = instances.get(i) ?? (await open(i));
    const outputs = Object.entries(node.outputSlots);
    const last = held.get(i) ?? held.set(i, restore[node.id] ? Float64Array.from(restore[node.id]!.flatMap((s) => s.held)) : new Float64Array(L * outputs.length).fill(NaN)).get(i)!;
    if (index.length < length) index = new Int32Array(length);
    for (let k = 0; k < L; k++) {
      const valid = ok[k]!;
      const clock = node.clock === undefined ? undefined : cols.get(node.clock)![k]!;
      let count = 0;
      for (let j = 0; j < length; j++) if (valid[j] === 1 && (clock === undefined || clock[j] === 1)) index[count++] = j;
      const inputs: Record<string, Float64Array> = {};
      for (const [port, slot] of Object.entries(node.inputSlots)) {
        const values = new Float64Array(count);
        if (node.wired[port]) {
          const read = source(slot, k);
          for (let q = 0; q < count; q++) values[q] = read(index[q]!, from);
        } else values.fill(NaN);
        inputs[port] = values;
      }
      let result: Record<string, Float64Array> = {};
      try {
        if (count > 0) result = await lanes[k]!.run(inputs, count);
      } catch (err) {
        // The sandbox's error says what failed, not where: name the node (and symbol), keeping the error's
        // class and code, which decide whether it is retried.
        if (err instanceof Error) err.message = `node "${node.id}" (${node.def.title}${L > 1 ? `, ${market.symbols[k]}` : ''}): ${err.message}`;
        throw err;
      }
      outputs.forEach(([port, slot], o) => {
        const col = cols.get(slot)![k]!;
        const values = result[port];
        let value = last[k * outputs.length + o]!;
        let q = 0;
        for (let j = 0; j < length; j++) {
          if (valid[j] === 0) {
            col[j] = NaN;
            continue;
          }
          if (q < count && index[q] === j) value = values![q++]!;
          col[j] = value;
        }
        last[k * outputs.length + o] = value;
      });
    }
  }
  async function close(): Promise<void> {
    const all = [...instances.values()].flat();
    instances.clear();
    await Promise.allSettled(all.map((x) => x.close()));
  }
  async function snapshots(): Promise<Record<string, BatchLaneSnapshot[]>> {
    const saved: Record<string, BatchLaneSnapshot[]> = {};
    for (const [i, node] of plan.nodes.entries()) {
      const lanes = instances.get(i);
      // Not opened in this run (no bars yet): what it was given is still its state.
      if (!lanes) {
        if (restore[node.id]) saved[node.id] = restore[node.id]!.map((s) => ({ instance: s.instance, held: [...s.held] }));
        continue;
      }
      const width = Object.keys(node.outputSlots).length;
      const last = held.get(i);
      saved[node.id] = await Promise.all(
        lanes.map(async (instance, k) => {
          if (!instance.snapshot) throw new Error(`${node.id}: this node's state cannot be saved, so it can run only in one piece (a backtest)`);
          return { instance: await instance.snapshot(), held: last ? Array.from(last.subarray(k * width, (k + 1) * width)) : new Array<number>(width).fill(NaN) };
        }),
      );
    }
    return saved;
  }
  return { run, close, snapshots };
}

/** A 32-bit seed per run, node and symbol (FNV-1a over the node id), so instances never share randomness. */
function instanceSeed(seed: number, nodeId: string, lane: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const ch of `${nodeId}#${lane}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}
