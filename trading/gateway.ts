import { OrderType } from '../nodes/ports.ts';
import { clientOrderId } from './order-id.ts';
import type { ProposedOrder } from './risk-gate.ts';
import type { Instruction } from './strategy-runner.ts';

/**
 * The order gateway's planning half: turn the strategy's instruction for a bar into venue orders, with
 * the engine's instruction-change rule (docs/engine.md §3.1) so live trading does what the backtest did:
 * - a NaN target is no instruction: nothing changes;
 * - an instruction equal to the last one taken (field by field, NaN equal to NaN) changes nothing;
 * - a new instruction replaces what is working: working orders are cancelled and one order moves the
 *   position to the target.
 * Stop and stop-limit entries and protective exits (stop-loss, take-profit, trailing stop) are not sent
 * to venues yet; an instruction that needs them is refused with a reason, never half-executed.
 */

export const dust = 1e-9;

export type PlannedAction =
  | { kind: 'none'; why: 'noInstruction' | 'unchanged' | 'atTarget' }
  | { kind: 'unsupported'; code: 'UNSUPPORTED_ORDER_TYPE' | 'UNSUPPORTED_EXIT'; message: string }
  | { kind: 'replace'; cancel: true; order?: ProposedOrder };

const same = (a: number, b: number) => a === b || (a !== a && b !== b);

export function sameInstruction(a: Instruction | undefined, b: Instruction): boolean {
  if (!a) return false;
  return (Object.keys(b) as (keyof Instruction)[]).every((k) => same(a[k], b[k]));
}

export interface PlanContext {
  deploymentId: string;
  barTime: number;
  /** The plan's order node: part of the client order id. */
  nodeId: string;
  symbol: string;
  position: number;
  last: Instruction | undefined;
}

export function planInstruction(instruction: Instruction, ctx: PlanContext): PlannedAction {
  if (instruction.target !== instruction.target) return { kind: 'none', why: 'noInstruction' };
  if (sameInstruction(ctx.last, instruction)) return { kind: 'none', why: 'unchanged' };
  const type = instruction.type !== instruction.type ? OrderType.market : instruction.type;
  if (type !== OrderType.market && type !== OrderType.limit) {
    return { kind: 'unsupported', code: 'UNSUPPORTED_ORDER_TYPE', message: 'stop and stop-limit entries are not sent to venues yet; use market or limit orders for paper and live deployments' };
  }
  if ([instruction.stopLoss, instruction.takeProfit, instruction.trail].some((x) => x === x)) {
    return { kind: 'unsupported', code: 'UNSUPPORTED_EXIT', message: 'protective exits (stop-loss, take-profit, trailing stop) are not sent to venues yet' };
  }
  const delta = instruction.target - ctx.position;
  if (Math.abs(delta) <= dust * Math.max(Math.abs(instruction.target), Math.abs(ctx.position), 1)) return { kind: 'replace', cancel: true };
  const order: ProposedOrder = {
    clientOrderId: clientOrderId(ctx.deploymentId, ctx.barTime, ctx.nodeId, 0),
    symbol: ctx.symbol,
    side: delta > 0 ? 'buy' : 'sell',
    quantity: Math.abs(delta),
    type: type === OrderType.limit ? 'limit' : 'market',
    ...(type === OrderType.limit && { limitPrice: instruction.limit }),
  };
  return { kind: 'replace', cancel: true, order };
}

/** Orders that take the position to zero: the flatten catch-up policy, and the kill switch's exit. */
export function flattenOrder(deploymentId: string, barTime: number, symbol: string, position: number, sequence: number): ProposedOrder | undefined {
  if (Math.abs(position) <= dust) return undefined;
  return { clientOrderId: clientOrderId(deploymentId, barTime, 'flatten', sequence), symbol, side: position > 0 ? 'sell' : 'buy', quantity: Math.abs(position), type: 'market' };
}
