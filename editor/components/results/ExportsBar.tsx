import { useState } from 'react';
import type { SinkEvent } from '../../../engine/execute.ts';
import { api, errorMessage } from '../../api.ts';
import { fmtInt } from '../../format.ts';

interface Output {
  nodeId: string;
  kind: 'csv' | 'webhook';
  rows: number;
}

/** One entry per output node that emitted, in the order they first did. */
export function outputsOf(events: readonly SinkEvent[]): Output[] {
  const byNode = new Map<string, Output>();
  for (const e of events) {
    const o = byNode.get(e.nodeId) ?? byNode.set(e.nodeId, { nodeId: e.nodeId, kind: e.kind, rows: 0 }).get(e.nodeId)!;
    o.rows++;
  }
  return [...byNode.values()];
}

type AlertState = { state: 'idle' } | { state: 'sending' } | { state: 'sent'; status: number } | { state: 'failed'; message: string };

/**
 * The run's output nodes: a download for each signal export, and a "send test alert" for each webhook
 * alert (a backtest records alerts, it does not send them; one sample checks the receiver).
 */
export function ExportsBar({ runId, events, truncated }: { runId: string; events: readonly SinkEvent[]; truncated: readonly string[] }) {
  const outputs = outputsOf(events);
  const [alerts, setAlerts] = useState<Record<string, AlertState>>({});
  if (outputs.length === 0) return null;
  const sendTest = async (nodeId: string) => {
    setAlerts((a) => ({ ...a, [nodeId]: { state: 'sending' } }));
    try {
      const receipt = await api.sendTestAlert(runId, nodeId);
      setAlerts((a) => ({ ...a, [nodeId]: { state: 'sent', status: receipt.status } }));
    } catch (err) {
      setAlerts((a) => ({ ...a, [nodeId]: { state: 'failed', message: errorMessage(err) } }));
    }
  };

  return (
    <div className="exports-bar" data-testid="exports-bar">
      <span className="muted">Outputs</span>
      {outputs.map((o) => {
        const cut = truncated.includes(o.nodeId) ? ' (first rows only)' : '';
        if (o.kind === 'csv') {
          return (
            <a key={o.nodeId} className="button small" href={api.exportCsvUrl(runId, o.nodeId)} download data-testid={`export-${o.nodeId}`} title={`Signal export "${o.nodeId}": ${fmtInt(o.rows)} rows${cut}`}>
              {/* The file is named by the node's own File name param, which the run does not carry: no name is promised here. */}
              Download CSV <span className="muted">· {o.nodeId} · {fmtInt(o.rows)} rows{cut}</span>
            </a>
          );
        }
        const a = alerts[o.nodeId] ?? { state: 'idle' };
        return (
          <span key={o.nodeId} className="exports-alert">
            <button type="button" className="button small" onClick={() => void sendTest(o.nodeId)} disabled={a.state === 'sending'} data-testid={`test-alert-${o.nodeId}`} title="Alerts are recorded in backtests, not sent; send the last one to check your receiver">
              Send test alert <span className="muted">· {fmtInt(o.rows)} recorded{cut}</span>
            </button>
            {a.state === 'sent' && <span className="pos" role="status">Delivered (HTTP {a.status})</span>}
            {a.state === 'failed' && (
              <span className="error-text" role="alert">
                {a.message}
              </span>
            )}
          </span>
        );
      })}
    </div>
  );
}
