import type { EntityManager } from '@mikro-orm/core';
import { DeploymentFill, DeploymentOrder, type Deployment } from '../server/db/entities.ts';
import { VenueError, type BrokerAdapter, type VenueFill, type VenueOrder } from '../trading/adapter.ts';
import { PaperBroker } from '../trading/adapters/paper.ts';
import type { FeedBar } from '../trading/feeds.ts';
import { triggeredOrder } from '../trading/gateway.ts';
import type { ProposedOrder } from '../trading/risk-gate.ts';
import { describeTrigger, exitReasons, type SyntheticIO } from '../trading/synthetic-orders.ts';

/**
 * The deployment side of synthetic orders (trading/synthetic-orders.ts): how a crossed level becomes an
 * order row, passes the risk gate and reaches the venue, inside one bar of `stepDeployment`.
 * - Paper: the order is placed on the paper venue at once and filled on the crossing bar at the
 *   backtest's price (`PaperBroker.placeTriggered`); the venue's state and the row are committed with the
 *   bar, so the strategy sees the exit's fill on that same bar, as in a backtest.
 * - Live: the row is written `pending` with the bar and sent right after the commit, like every other
 *   order, under a client order id derived from the bar and the level; the venue fills it at its price.
 * - Shadow: recorded, never sent.
 */

/** Working strategy orders an exit cancels are marked with this; the next send cancels them on the venue. */
export const exitCancelReason = 'PROTECTIVE_EXIT';
/** A triggered stop-limit's resting limit order whose entry expired. */
export const expiredReason = 'EXPIRED';
/** Reasons `sendPending` cancels a working order for, besides its own. */
export const syntheticCancelReasons = [exitCancelReason, expiredReason] as const;

const exitSet = new Set<string>(exitReasons);
/** An order sent by a protective exit: a newer instruction does not replace it, it closes the position. */
export const isExitRow = (row: Pick<DeploymentOrder, 'trigger'>) => row.trigger !== null && row.trigger !== undefined && exitSet.has(row.trigger);

const liveStatuses = new Set(['pending', 'open', 'unknown']);

export interface SyntheticGlue {
  em: EntityManager;
  d: Deployment;
  bar: FeedBar;
  venue: BrokerAdapter | undefined;
  /** The step's pending, working and unknown rows (earlier bars), tracked by `em`. */
  rows: readonly DeploymentOrder[];
  /** The bar's gate: records the row (pending, shadow or denied) and returns it. */
  gate: (order: ProposedOrder, note: string | undefined, position: number, trigger: string) => DeploymentOrder;
  /** Store a paper fill with the bar. */
  recordFill: (fill: VenueFill) => void;
  applyVenueOrder: (row: DeploymentOrder, v: VenueOrder) => void;
  journal: (kind: string, code: string, message: string, data?: Record<string, unknown>) => void;
}

/** The synthetic IO of one bar, and the signed quantity of market orders it left to fill after the bar (live). */
export function syntheticIO(g: SyntheticGlue): { io: SyntheticIO; inFlight: () => number } {
  const { em, d, bar, venue } = g;
  let inFlight = 0;
  const paper = venue instanceof PaperBroker ? venue : undefined;
  /** Cancel one of our rows: at once on the paper venue, by the send after the commit on a real one. */
  const cancelRow = async (row: DeploymentOrder, reasonCode: string, why: string) => {
    if (row.status === 'pending') {
      row.status = 'canceled';
      row.message = `cancelled before it was sent: ${why}`;
    } else if (paper) {
      const v = await paper.cancelOrder(d.symbol, row.clientOrderId);
      if (v) g.applyVenueOrder(row, v);
    }
    row.reasonCode = reasonCode;
  };
  const io: SyntheticIO = {
    ...(paper && {
      venuePhase: (phase: 'open' | 'inside') => {
        const fills = paper.onBar(d.symbol, bar, phase);
        fills.forEach(g.recordFill);
        return fills;
      },
    }),
    submit: async (kind, reason, order, position) => {
      const proposed = triggeredOrder(d.id, bar.time, d.symbol, `${kind}:${reason}`, order, kind === 'exit');
      const row = g.gate(proposed, describeTrigger(reason, order), position, reason);
      if (row.status === 'shadow') return { fills: [], clientOrderId: row.clientOrderId };
      if (row.status !== 'pending') return { fills: [], clientOrderId: null };
      if (paper && order.fill) {
        try {
          const r = paper.placeTriggered({ clientOrderId: row.clientOrderId, symbol: d.symbol, side: order.side, quantity: order.quantity, type: order.type, ...(order.limitPrice !== undefined && { limitPrice: order.limitPrice }) }, bar, order.fill);
          g.applyVenueOrder(row, r.order);
          r.fills.forEach(g.recordFill);
          return { fills: r.fills, clientOrderId: row.clientOrderId };
        } catch (err) {
          if (!(err instanceof VenueError) || err.kind !== 'rejected') throw err;
          row.status = 'rejected';
          row.reasonCode = 'VENUE_REJECTED';
          row.message = err.message;
          g.journal('order', 'VENUE_REJECTED', `the venue refused ${row.clientOrderId}: ${err.message}`);
          return { fills: [], clientOrderId: null };
        }
      }
      // Sent after the bar commits; a market order will fill, so the strategy's next order is sized past it.
      if (order.type === 'market') inFlight += order.side === 'buy' ? order.quantity : -order.quantity;
      return { fills: [], clientOrderId: row.clientOrderId };
    },
    cancelEntries: async () => {
      for (const row of g.rows) {
        if (isExitRow(row) || !liveStatuses.has(row.status)) continue;
        await cancelRow(row, exitCancelReason, 'a protective exit closed the position');
      }
    },
    cancel: async (clientOrderId) => {
      const row = g.rows.find((r) => r.clientOrderId === clientOrderId && liveStatuses.has(r.status));
      if (row) await cancelRow(row, expiredReason, 'the stop-limit entry expired');
    },
    working: async (clientOrderId) => {
      if (!venue) return false;
      if (paper) return (await paper.fetchOrder(d.symbol, clientOrderId))?.status === 'open';
      const row = g.rows.find((r) => r.clientOrderId === clientOrderId) ?? (await em.findOne(DeploymentOrder, { deployment: d.id, clientOrderId }));
      if (!row) return true; // committed with the state that names it, so never missing: if it were, assume the worst and wait
      if (liveStatuses.has(row.status)) return true;
      if (row.filled <= 0) return false;
      // Filled on the venue: it may fill the book only once its fills are stored.
      const stored = await em.find(DeploymentFill, { deployment: d.id, clientOrderId }, { fields: ['quantity'], disableIdentityMap: true });
      return stored.reduce((sum, f) => sum + f.quantity, 0) < row.filled * (1 - 1e-9);
    },
  };
  return { io, inFlight: () => inFlight };
}
