import { z } from 'zod';
import { isGoodBar, type Bars, type Market } from '../engine/bars.ts';
import { Account, SimBroker } from '../engine/broker.ts';
import type { Plan } from '../engine/compile.ts';
import { createExecutor, type BatchLaneSnapshot, type SinkEvent } from '../engine/execute.ts';
import { orderFields } from '../nodes/ports.ts';
import type { Bar } from './adapters/paper.ts';

/**
 * Runs a compiled plan one bar at a time across process boundaries: each bar builds a fresh executor,
 * restores the node states saved after the previous bar, steps the new bar, and saves the states again.
 * So a deployment's strategy state lives in the database, not in any one worker's memory, and a bar
 * processed by a second worker after a crash sees exactly what the first would have.
 *
 * Node states are plain data by contract (numbers, arrays, nested objects); `encodeState` keeps the
 * values JSON cannot hold (NaN, ±Infinity, −0, typed arrays) so a restored state is bit-for-bit the one
 * that was saved. Custom nodes keep their state in a sandbox instance, which lives only as long as the
 * bar's executor: their instance snapshots (state, bar counter, random generator) and the outputs they
 * hold travel in the same snapshot, and the next bar opens new instances from them.
 */

/** JSON with the numbers JSON drops. */
export function encodeState(value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $n: 'NaN' };
    if (value === Infinity) return { $n: 'Inf' };
    if (value === -Infinity) return { $n: '-Inf' };
    if (Object.is(value, -0)) return { $n: '-0' };
    return value;
  }
  if (value instanceof Float64Array) return { $f64: Array.from(value, encodeState) };
  if (value instanceof Int32Array) return { $i32: Array.from(value) };
  if (value instanceof Uint8Array) return { $u8: Array.from(value) };
  if (Array.isArray(value)) return value.map(encodeState);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeState(v)]));
  return value;
}

const special: Record<string, number> = { NaN: NaN, Inf: Infinity, '-Inf': -Infinity, '-0': -0 };

export function decodeState(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeState);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.$n === 'string' && Object.keys(o).length === 1) return special[o.$n] ?? NaN;
    if (Array.isArray(o.$f64)) return Float64Array.from(o.$f64.map((x) => decodeState(x) as number));
    if (Array.isArray(o.$i32)) return Int32Array.from(o.$i32 as number[]);
    if (Array.isArray(o.$u8)) return Uint8Array.from(o.$u8 as number[]);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decodeState(v)]));
  }
  return value;
}

/** A number, NaN and ±Infinity included (zod's `number` refuses those, and held outputs may be NaN). */
const anyNumber = z.custom<number>((x) => typeof x === 'number', 'expected a number');

/** Custom nodes' state per node id and symbol, after `decodeState`: see `Executor.batchSnapshots`. */
const BatchStates = z.record(z.string(), z.array(z.object({ instance: z.unknown(), held: z.array(anyNumber) })));

/**
 * The strategy's memory between bars, as the database stores it (JSON). Version 1 (no `version`) has
 * the engine's node states only; version 2 adds `batch`, the custom nodes' state; version 3 adds
 * `outputs`. Older snapshots still load: a version-1 one comes from a plan without custom nodes, as
 * those could not be deployed before, and one without outputs starts from unknown (NaN) outputs, as
 * every deployment did before version 3.
 */
export const StrategySnapshot = z.object({
  version: z.union([z.literal(2), z.literal(3)]).optional(),
  /** `encodeState(executor.states)`. */
  states: z.unknown(),
  /** Nodes in plan order when it was taken: a plan that changed shape cannot reuse it. */
  nodeIds: z.array(z.string()),
  bars: z.number().int().min(0),
  /** `encodeState(executor.batchSnapshots())`, when the plan has custom nodes. */
  batch: z.unknown().optional(),
  /**
   * Version 3: `encodeState(executor.slots)`, every output as the bar left it. Nodes that write an
   * output only on some bars (a resample between its periods, and what it feeds) hold it from here.
   */
  outputs: z.unknown().optional(),
});
export type StrategySnapshot = z.infer<typeof StrategySnapshot>;

/** An order instruction as the order port carries it (docs/engine.md §3.1), per symbol. */
export type Instruction = Record<(typeof orderFields)[number], number>;

export interface LaneBook {
  position: number;
  avgPrice: number;
}

export interface BarEvaluation {
  /** Per symbol; `target` NaN means no instruction this bar. */
  instructions: Instruction[];
  snapshot: StrategySnapshot;
  /** Equity the strategy's nodes saw: cash plus positions at this bar's closes. */
  equity: number;
  /** What the output nodes emitted on this bar (signal exports, webhook alerts), with the bar's time. */
  events: SinkEvent[];
}

/** True when the plan has nodes whose state lives outside the engine (sandboxed custom nodes): their snapshots take a sandbox round trip. */
export const hasExternalState = (plan: Plan) => plan.nodes.some((n) => n.def.batch !== undefined);

function oneBar(b: Bar): Bars {
  const f = (x: number) => Float64Array.of(x);
  return { time: f(b.time), open: f(b.open), high: f(b.high), low: f(b.low), close: f(b.close), volume: f(b.volume) };
}

/** Check a stored snapshot against the plan it is about to resume, and decode what it holds. */
function restore(plan: Plan, stored: unknown): { snapshot: StrategySnapshot; states: unknown[][]; batch: Record<string, BatchLaneSnapshot[]>; outputs?: Float64Array } {
  const parsed = StrategySnapshot.safeParse(stored);
  if (!parsed.success) throw new Error(`the saved strategy state is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const snapshot = parsed.data;
  const ids = plan.nodes.map((n) => n.id);
  if (snapshot.nodeIds.join('\u0000') !== ids.join('\u0000')) throw new Error('the saved strategy state belongs to a different plan');
  let batch: Record<string, BatchLaneSnapshot[]> = {};
  if (snapshot.batch !== undefined) {
    const decoded = BatchStates.safeParse(decodeState(snapshot.batch));
    if (!decoded.success) throw new Error('the saved custom-node state is not valid');
    batch = decoded.data;
  }
  // Every custom node has run, and so has state, from the first bar on: a snapshot without it would
  // silently restart the node, so it is refused.
  const missing = plan.nodes.filter((n) => n.def.batch && !batch[n.id]);
  if (snapshot.bars > 0 && missing.length) throw new Error(`the saved strategy state has no state for custom node ${missing.map((n) => n.id).join(', ')}`);
  let outputs: Float64Array | undefined;
  if (snapshot.outputs !== undefined) {
    const decoded = decodeState(snapshot.outputs);
    if (!(decoded instanceof Float64Array)) throw new Error('the saved strategy outputs are not valid');
    outputs = decoded;
  }
  return { snapshot, states: decodeState(snapshot.states) as unknown[][], batch, ...(outputs && { outputs }) };
}

/**
 * Step the plan over one new closed bar per symbol. `book` is the deployment's real account (cash and
 * each symbol's position), so sizing and risk nodes decide on what is actually held, not on what a
 * simulation thinks is held. The executor's own broker only carries that book into the step context:
 * its fills are never used.
 */
export async function evaluateBar(plan: Plan, symbols: string[], bars: Bar[], book: { cash: number; lanes: LaneBook[] }, snapshot: StrategySnapshot | undefined): Promise<BarEvaluation> {
  const L = symbols.length;
  if (bars.length !== L || book.lanes.length !== L) throw new Error(`one bar and one position per symbol are needed (${L} symbols)`);
  const saved = snapshot === undefined ? undefined : restore(plan, snapshot);
  const market: Market = { symbols, lanes: bars.map(oneBar) };
  const account = new Account(book.cash);
  const brokers = symbols.map((s) => new SimBroker(plan.settings, account, L > 1 ? s : undefined));
  brokers.forEach((b, k) => {
    b.position = book.lanes[k]!.position;
    b.avgPrice = book.lanes[k]!.avgPrice;
  });
  const external = hasExternalState(plan);
  const exec = createExecutor(plan, market, brokers, { ...(saved && external && { batchSnapshots: saved.batch }), ...(saved?.outputs && { outputs: saved.outputs }) });
  try {
    if (saved) {
      // The generated loop reads each state from these arrays on every call, so replacing the elements
      // before the run is enough to resume where the last bar left off.
      const live = exec.states as unknown[][];
      saved.states.forEach((perLane, i) => perLane.forEach((s, k) => (live[i]![k] = s)));
    }
    await exec.run(0, 1);
    // A symbol whose bar was bad gives no instruction (its slots still hold the last bar's).
    const instructions = symbols.map((_, k) => Object.fromEntries(orderFields.map((f, j) => [f, isGoodBar(market.lanes[k]!, 0) ? exec.slots[(plan.orderSlot + j) * L + k]! : NaN])) as Instruction);
    const next: StrategySnapshot = { version: 3, states: encodeState(exec.states), nodeIds: plan.nodes.map((n) => n.id), bars: (saved?.snapshot.bars ?? 0) + 1, outputs: encodeState(Float64Array.from(exec.slots)) };
    if (external) next.batch = encodeState(await exec.batchSnapshots());
    return { instructions, snapshot: next, equity: exec.equity[0]!, events: exec.events.slice() };
  } finally {
    await exec.close();
  }
}
