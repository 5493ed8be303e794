import type { Bars, Market } from '../engine/bars.ts';
import { Account, SimBroker } from '../engine/broker.ts';
import type { Plan } from '../engine/compile.ts';
import { createExecutor } from '../engine/execute.ts';
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
 * that was saved.
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

/** The strategy's memory between bars: node states per plan node and symbol, encoded for JSON. */
export interface StrategySnapshot {
  /** `encodeState(executor.states)`. */
  states: unknown;
  /** Nodes in plan order when it was taken: a plan that changed shape cannot reuse it. */
  nodeIds: string[];
  bars: number;
}

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
}

/** True when the plan has nodes whose state lives outside the engine (sandboxed custom nodes). */
export const hasExternalState = (plan: Plan) => plan.nodes.some((n) => n.def.batch !== undefined);

function oneBar(b: Bar): Bars {
  const f = (x: number) => Float64Array.of(x);
  return { time: f(b.time), open: f(b.open), high: f(b.high), low: f(b.low), close: f(b.close), volume: f(b.volume) };
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
  if (hasExternalState(plan)) throw new Error('strategies with sandboxed custom nodes cannot be deployed yet: their state lives outside the engine');
  const market: Market = { symbols, lanes: bars.map(oneBar) };
  const account = new Account(book.cash);
  const brokers = symbols.map((s) => new SimBroker(plan.settings, account, L > 1 ? s : undefined));
  brokers.forEach((b, k) => {
    b.position = book.lanes[k]!.position;
    b.avgPrice = book.lanes[k]!.avgPrice;
  });
  const exec = createExecutor(plan, market, brokers);
  try {
    const ids = plan.nodes.map((n) => n.id);
    if (snapshot) {
      if (snapshot.nodeIds.join('\u0000') !== ids.join('\u0000')) throw new Error('the saved strategy state belongs to a different plan');
      const saved = decodeState(snapshot.states) as unknown[][];
      // The generated loop reads each state from these arrays on every call, so replacing the elements
      // before the run is enough to resume where the last bar left off.
      const live = exec.states as unknown[][];
      saved.forEach((perLane, i) => perLane.forEach((s, k) => (live[i]![k] = s)));
    }
    await exec.run(0, 1);
    const instructions = symbols.map((_, k) => Object.fromEntries(orderFields.map((f, j) => [f, exec.slots[(plan.orderSlot + j) * L + k]!])) as Instruction);
    return {
      instructions,
      snapshot: { states: encodeState(exec.states), nodeIds: ids, bars: (snapshot?.bars ?? 0) + 1 },
      equity: exec.equity[0]!,
    };
  } finally {
    await exec.close();
  }
}
