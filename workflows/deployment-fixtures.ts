import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Deployment, LOCAL_OWNER, Strategy } from '../server/db/entities.ts';
import { call, type Harness } from '../server/testing/harness.ts';
import { initialPaperState } from '../trading/adapters/paper.ts';
import { initialRiskState, RiskLimits } from '../trading/risk-gate.ts';

/** Test fixtures shared by the deployment integration tests. */
const base = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));

/** A fast crossover (SMA 3 over SMA 8) so a short replay trades several times. */
export const fastCross = { ...base, nodes: base.nodes.map((n: { id: string; params: object }) => (n.id === 'fast' ? { ...n, params: { period: 3 } } : n.id === 'slow' ? { ...n, params: { period: 8 } } : n)) };

/** Holds 5 units from the first bar on: exactly one order in the deployment's life. */
export const holdFive = {
  schemaVersion: 1,
  nodes: [
    { id: 'data', type: 'data.synthetic', params: { seed: 3, bars: 5000 }, position: { x: 0, y: 0 } },
    { id: 'qty', type: 'math.constant', params: { value: 5 }, position: { x: 200, y: 0 } },
    { id: 'order', type: 'order.targetPosition', params: {}, position: { x: 400, y: 0 } },
  ],
  edges: [{ id: 'e1', source: { node: 'qty', port: 'value' }, target: { node: 'order', port: 'units' } }],
};

/** Limits that let a 100 %-of-equity strategy trade freely. */
export const roomyLimits = { maxOrderQuantity: 10_000, maxOrderNotional: 10_000_000, maxPosition: 10_000, maxGrossExposure: 10_000_000, maxDrawdownPct: 90, maxDailyLossPct: 90, throttle: { maxOrders: 1000, windowMs: 60_000 } };

/**
 * A paper deployment replaying a dataset that does not exist, written straight to the database as one
 * whose dataset was deleted after it started (the route refuses such a request now), and started. Its
 * id. For the tests and recorded histories of a step that fails for good.
 */
export async function startDeploymentOfMissingData(h: Harness, graph: Record<string, unknown>): Promise<string> {
  const em = h.orm.em.fork();
  const strategy = em.create(Strategy, { owner: LOCAL_OWNER, name: 'gone', graph, latestVersion: 0 });
  const id = crypto.randomUUID(), t0 = Date.now();
  em.create(Deployment, {
    id, owner: LOCAL_OWNER, strategy, name: 'gone', mode: 'paper', graph, symbol: 'SYN/USD',
    feed: { kind: 'replay', data: { kind: 'dataset', datasetId: crypto.randomUUID() }, barsPerSecond: 40, startBar: 0 },
    venue: { kind: 'paper' }, credentials: null,
    riskLimits: RiskLimits.parse(roomyLimits) as unknown as Record<string, unknown>,
    riskState: initialRiskState(100_000, t0) as unknown as Record<string, unknown>,
    paperState: initialPaperState(100_000, t0) as unknown as Record<string, unknown>,
    initialCash: 100_000, equity: 100_000, startedAt: t0, staleAfterMs: 60_000, catchUp: 'skip', workflowId: `deployment-${id}`,
  });
  await em.flush();
  await h.temporal.startDeployment(id, `deployment-${id}`);
  return id;
}

/**
 * A live deployment through the API on the fake exchange at `exchangeUrl` (reset to one BTC/USDT market,
 * then armed with `faults`), replaying 5 000 synthetic bars at 20 a second; venue calls give up after 2 s.
 * Its id.
 */
export async function startLiveOnFakeExchange(h: Harness, exchangeUrl: string, graph: Record<string, unknown>, options: { faults?: unknown[] } = {}): Promise<string> {
  process.env.TRADELOOM_MASTER_KEY ??= randomBytes(32).toString('base64');
  const reset = { apiKey: 'k', secret: 's', symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', price: 100 }], balances: { USDT: 1_000_000, BTC: 0 } };
  await (await fetch(`${exchangeUrl}/admin/reset`, { method: 'POST', body: JSON.stringify(reset) })).json();
  if (options.faults) await (await fetch(`${exchangeUrl}/admin/faults`, { method: 'POST', body: JSON.stringify(options.faults) })).json();
  const strategy = await call(h.app, 'POST', '/api/strategies', { name: 'live on the fake exchange', graph });
  const created = await call(h.app, 'POST', '/api/deployments', {
    strategyId: strategy.json.id, mode: 'live', confirm: 'LIVE', symbol: 'BTC/USDT',
    feed: { kind: 'replay', data: { kind: 'synthetic', seed: 9, bars: 5000 }, barsPerSecond: 20 },
    venue: { kind: 'ccxt', exchange: 'binance', sandbox: true, baseUrl: exchangeUrl, timeoutMs: 2000 },
    credentials: { apiKey: 'k', secret: 's' }, riskLimits: roomyLimits, staleAfterMs: 120_000,
  });
  if (created.status !== 201) throw new Error(`the live deployment was refused: ${JSON.stringify(created.json)}`);
  return created.json.id as string;
}
