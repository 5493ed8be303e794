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
 * Stop and stop-limit entries and protective exits (stop-loss, take-profit, trailing stop) are not rested
 * on the venue: the deployment keeps them (trading/synthetic-orders.ts) and sends an ordinary order, built
 * by `triggeredOrder`, on the bar that crosses their level.
 */

export const dust = 1e-9;

export type PlannedAction =
  | { kind: 'none'; why: 'noInstruction' | 'unchanged' | 'atTarget' }
  /**
   * Cancel what is working and send `order`, if any. `synthetic`: the entry is a stop or stop-limit,
   * kept by the deployment until a bar touches its stop, so nothing is sent now.
   */
  | { kind: 'replace'; cancel: true; order?: ProposedOrder; synthetic?: true };

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
  const delta = instruction.target - ctx.position;
  if (Math.abs(delta) <= dust * Math.max(Math.abs(instruction.target), Math.abs(ctx.position), 1)) return { kind: 'replace', cancel: true };
  if (type === OrderType.stop || type === OrderType.stopLimit) return { kind: 'replace', cancel: true, synthetic: true };
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

/**
 * The order for a synthetic level a bar crossed (trading/synthetic-orders.ts). Its client order id names
 * the bar and the level (`exit:stopLoss`, `entry:stop`…), apart from the strategy's own order of that
 * bar, so a retried step or a second worker computes the same id and the venue refuses a second copy.
 * A protective exit is reduce-only: the gate lets it through the kill switch and a halt (see
 * `ProposedOrder.protective`), and refuses it if it would not shrink the position.
 */
export function triggeredOrder(deploymentId: string, barTime: number, symbol: string, what: string, order: Pick<ProposedOrder, 'side' | 'quantity' | 'type' | 'limitPrice'>, protective: boolean, sequence = 0): ProposedOrder {
  return {
    clientOrderId: clientOrderId(deploymentId, barTime, `synthetic:${what}`, sequence),
    symbol,
    side: order.side,
    quantity: order.quantity,
    type: order.type,
    ...(order.type === 'limit' && { limitPrice: order.limitPrice }),
    ...(protective && { protective: true }),
  };
}
