import type { DeploymentDetail } from '../../api.ts';
import { fmtMoney, fmtPrice, fmtQty, fmtTime } from '../../format.ts';

/** The newest orders: side, size, status, and for a denied or rejected one the reason code and message. */
export function OrdersTable({ orders }: { orders: DeploymentDetail['orders'] }) {
  if (orders.length === 0) return <div className="empty-state">No orders yet: the strategy has not changed its instruction since the deployment started.</div>;
  return (
    <div className="table-wrap">
      <table className="trades" data-testid="orders-table">
        <thead>
          <tr>
            <th>Bar</th>
            <th>Side</th>
            <th>Type</th>
            <th className="num">Quantity</th>
            <th className="num">Limit</th>
            <th>Status</th>
            <th className="num">Filled</th>
            <th className="num">Avg price</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => (
            <tr key={o.clientOrderId} data-testid="order-row" data-status={o.status} title={o.clientOrderId}>
              <td className="mono">{fmtTime(o.barTime)}</td>
              <td className={o.side === 'buy' ? 'pos' : 'neg'}>{o.side}</td>
              <td>{o.type}</td>
              <td className="num mono">{fmtQty(o.quantity)}</td>
              <td className="num mono">{o.limitPrice === null ? '–' : fmtPrice(o.limitPrice)}</td>
              <td>
                {/* Cancelled after part of it filled (a paper order's last fraction, a participation cap): say so, or it reads as never filled. */}
                <span className={`order-status order-${o.status}`}>{o.status === 'canceled' && o.filled > 0 ? 'part filled, rest canceled' : o.status}</span>
              </td>
              <td className="num mono">{fmtQty(o.filled)}</td>
              <td className="num mono">{o.averagePrice === null ? '–' : fmtPrice(o.averagePrice)}</td>
              <td className="order-reason" title={o.message ?? undefined}>
                {o.reasonCode ? (
                  <>
                    <span className="mono">{o.reasonCode}</span> <span className="muted">{o.message}</span>
                  </>
                ) : o.message ? (
                  <span className="muted">{o.message}</span>
                ) : (
                  <span className="muted">–</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function FillsTable({ fills }: { fills: DeploymentDetail['fills'] }) {
  if (fills.length === 0) return <div className="empty-state">No fills yet.</div>;
  return (
    <div className="table-wrap">
      <table className="trades" data-testid="fills-table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Side</th>
            <th className="num">Quantity</th>
            <th className="num">Price</th>
            <th className="num">Fee</th>
            <th>Trade id</th>
          </tr>
        </thead>
        <tbody>
          {fills.map((f) => (
            <tr key={f.tradeId} data-testid="fill-row">
              <td className="mono">{fmtTime(f.time)}</td>
              <td className={f.side === 'buy' ? 'pos' : 'neg'}>{f.side}</td>
              <td className="num mono">{fmtQty(f.quantity)}</td>
              <td className="num mono">{fmtPrice(f.price)}</td>
              <td className="num mono">{fmtMoney(f.fee)}</td>
              <td className="mono muted">{f.tradeId}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Denials and other journal entries: when, which check, and its words. */
export function EventsTable({ events, empty, testId }: { events: DeploymentDetail['events']; empty: string; testId: string }) {
  if (events.length === 0) return <div className="empty-state">{empty}</div>;
  return (
    <div className="table-wrap">
      <table className="trades" data-testid={testId}>
        <thead>
          <tr>
            <th>Time</th>
            <th>Kind</th>
            <th>Code</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.seq} data-testid={`${testId}-row`} data-code={e.code}>
              <td className="mono">{fmtTime(e.createdAt)}</td>
              <td>{e.kind}</td>
              <td className="mono">{e.code}</td>
              <td className="event-message" title={e.message}>
                {e.message}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
