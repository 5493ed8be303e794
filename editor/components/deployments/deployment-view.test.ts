import { describe, expect, it } from 'vitest';
import { appendPoint, availableControls, defaultPromoteForm, deploymentState, failureReason, fieldOfPath, liveConfirmed, pnlFromFills, promoteRequest, promotionBlock, type PromoteForm } from './deployment-view.ts';

const strategyId = '7b0c6a44-3f43-4c55-9d7a-3d1c2b0e9f11';
const form = (patch: Partial<PromoteForm>): PromoteForm => ({ ...defaultPromoteForm(100_000), ...patch });

describe('deployment state', () => {
  const d = (status: 'running' | 'paused' | 'stopped' | 'failed', tradingState: 'ACTIVE' | 'REDUCING' | 'HALTED', killSwitch = false) => ({ status, tradingState, killSwitch });

  it('names the gate state of a running deployment', () => {
    expect(deploymentState(d('running', 'ACTIVE'))).toEqual({ label: 'Active', tone: 'active' });
    expect(deploymentState(d('running', 'REDUCING'))).toEqual({ label: 'Reducing', tone: 'reducing' });
    expect(deploymentState(d('running', 'HALTED'))).toEqual({ label: 'Halted', tone: 'halted' });
  });

  it('puts the kill switch above a pause and a halt, and a finished workflow above everything', () => {
    expect(deploymentState(d('paused', 'ACTIVE'))).toEqual({ label: 'Paused', tone: 'paused' });
    expect(deploymentState(d('paused', 'REDUCING', true))).toEqual({ label: 'Killed', tone: 'killed' });
    expect(deploymentState(d('running', 'HALTED', true)).tone).toBe('killed');
    // A halt survives a resume, so it is what a paused-and-halted deployment needs first.
    expect(deploymentState(d('paused', 'HALTED')).tone).toBe('halted');
    expect(deploymentState(d('stopped', 'REDUCING', true))).toEqual({ label: 'Stopped', tone: 'stopped' });
    expect(deploymentState(d('failed', 'HALTED'))).toEqual({ label: 'Failed', tone: 'failed' });
  });

  it('gives a failed deployment the reason the server recorded, and no reason to one that has not failed', () => {
    const reason = "a custom node's code failed on the bar of 2024-01-02T01:00:00.000Z again (NodeError: step threw)";
    expect(failureReason({ status: 'failed', error: reason })).toBe(`${reason}.`);
    expect(failureReason({ status: 'failed', error: 'Temporal is unreachable, so the deployment could not start.' })).toBe('Temporal is unreachable, so the deployment could not start.');
    // A deployment that failed before the server recorded reasons still tells the trader where to look.
    expect(failureReason({ status: 'failed', error: null })).toMatch(/journal/);
    expect(failureReason({ status: 'failed', error: '  ' })).toMatch(/journal/);
    // A stale error on a deployment that is not failed is not shown as a failure.
    expect(failureReason({ status: 'running', error: 'Temporal is unreachable' })).toBeNull();
    expect(failureReason({ status: 'stopped', error: null })).toBeNull();
  });

  it('offers only the controls that would change something', () => {
    expect(availableControls(d('running', 'ACTIVE'))).toEqual({ pause: true, resume: false, kill: true, releaseKill: false, reenable: false, stop: true });
    expect(availableControls(d('paused', 'REDUCING', true))).toEqual({ pause: false, resume: true, kill: false, releaseKill: true, reenable: false, stop: true });
    expect(availableControls(d('running', 'HALTED')).reenable).toBe(true);
    expect(Object.values(availableControls(d('stopped', 'HALTED', true))).some(Boolean)).toBe(false);
  });
});

describe('PnL and the equity curve', () => {
  it('adds realised cash flows, fees and the open position the fills add up to, at the last price', () => {
    const fills = [
      { side: 'buy', quantity: 2, price: 100, fee: 1 },
      { side: 'sell', quantity: 1, price: 110, fee: 0.5 },
    ];
    // −200 − 1 + 110 − 0.5 + 1 × 120 = 28.5
    expect(pnlFromFills(fills, 120)).toBeCloseTo(28.5, 10);
    expect(pnlFromFills([], null)).toBe(0);
    // A position without a price yet is not valued at zero by accident: only cash flows count.
    expect(pnlFromFills(fills, null)).toBeCloseTo(-91.5, 10);
    // A round trip is flat: realised PnL only, whatever the last price.
    expect(pnlFromFills([fills[0]!, { side: 'sell', quantity: 2, price: 105, fee: 1 }], 1e6)).toBeCloseTo(8, 10);
  });

  it('keeps one point per bar, the latest value winning, and ignores older bars', () => {
    let curve = appendPoint([], { time: 1000, value: 100 });
    curve = appendPoint(curve, { time: 2000, value: 101 });
    curve = appendPoint(curve, { time: 2000, value: 102 });
    curve = appendPoint(curve, { time: 1500, value: 50 });
    curve = appendPoint(curve, null);
    expect(curve).toEqual([
      { time: 1000, value: 100 },
      { time: 2000, value: 102 },
    ]);
  });
});

describe('promotion', () => {
  it('always allows shadow; paper and live only once the gate passes', () => {
    expect(promotionBlock('shadow', false)).toBeNull();
    expect(promotionBlock('shadow', null)).toBeNull();
    expect(promotionBlock('paper', false)).toMatch(/robustness gate to pass/);
    expect(promotionBlock('live', null)).toMatch(/Waiting/);
    expect(promotionBlock('paper', true)).toBeNull();
    expect(promotionBlock('live', true)).toBeNull();
  });

  it('maps the default form to a replay-fed shadow request the server accepts', () => {
    const check = promoteRequest(form({}), strategyId);
    expect(check).toEqual({
      ok: true,
      request: {
        strategyId,
        mode: 'shadow',
        symbol: 'BTC/USDT',
        feed: { kind: 'replay', barsPerSecond: 5, startBar: 0 },
        venue: { kind: 'paper' },
        catchUp: 'skip',
        riskLimits: {
          maxOrderQuantity: 1_000_000,
          maxOrderNotional: 150_000,
          maxPosition: 1_000_000,
          maxGrossExposure: 200_000,
          priceCollarPct: 5,
          maxReferenceAgeMs: 300_000,
          maxDrawdownPct: 20,
          maxDailyLossPct: 5,
          throttle: { maxOrders: 20, windowMs: 60_000 },
        },
      },
    });
  });

  it('carries the chosen series, speed, name and catch-up policy', () => {
    const check = promoteRequest(form({ mode: 'paper', pick: { kind: 'synthetic', seedText: '7' }, barsPerSecond: '20', name: ' Demo ', catchUp: 'halt', symbol: 'eth/usdt' }), strategyId);
    expect(check.ok && check.request).toMatchObject({ mode: 'paper', name: 'Demo', symbol: 'ETH/USDT', catchUp: 'halt', feed: { kind: 'replay', barsPerSecond: 20, data: { kind: 'synthetic', seed: 7 } } });
  });

  it('names each bad field instead of sending it', () => {
    const check = promoteRequest(form({ symbol: 'BTCUSDT', barsPerSecond: '0', maxPosition: '-1', maxOrderNotional: '', maxDrawdownPct: '150', pick: { kind: 'dataset', datasetId: '' } }), strategyId);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(Object.keys(check.errors).sort()).toEqual(['barsPerSecond', 'data', 'maxDrawdownPct', 'maxOrderNotional', 'maxPosition', 'symbol']);
    expect(check.errors.maxOrderNotional).toBe('a number is needed');
  });

  it('sends live only with a real venue, keys, and confirm "LIVE" once it was typed', () => {
    const missing = promoteRequest(form({ mode: 'live' }), strategyId);
    expect(!missing.ok && Object.keys(missing.errors).sort()).toEqual(['apiKey', 'secret']);
    const live = form({ mode: 'live', apiKey: 'k', secret: 's', baseUrl: 'http://127.0.0.1:8790', sandbox: false });
    const unconfirmed = promoteRequest(live, strategyId);
    expect(unconfirmed.ok && unconfirmed.request.confirm).toBeUndefined();
    const confirmed = promoteRequest(live, strategyId, true);
    expect(confirmed.ok && confirmed.request).toMatchObject({
      mode: 'live',
      confirm: 'LIVE',
      venue: { kind: 'ccxt', exchange: 'binance', sandbox: false, baseUrl: 'http://127.0.0.1:8790' },
      credentials: { apiKey: 'k', secret: 's' },
    });
    // Keys are never sent for a mode that does not use them.
    const paper = promoteRequest({ ...live, mode: 'paper' }, strategyId, true);
    expect(paper.ok && paper.request).not.toHaveProperty('credentials');
    expect(paper.ok && paper.request).not.toHaveProperty('confirm');
  });

  it('accepts exactly LIVE as the confirmation', () => {
    expect(liveConfirmed('LIVE')).toBe(true);
    for (const t of ['live', 'Live', ' LIVE', 'LIVE ', '']) expect(liveConfirmed(t)).toBe(false);
  });

  it('maps the server’s field paths onto the form', () => {
    expect(fieldOfPath('body.riskLimits.maxPosition')).toBe('maxPosition');
    expect(fieldOfPath('body.riskLimits.throttle.windowMs')).toBe('throttleWindowSeconds');
    expect(fieldOfPath('body.feed.data.datasetId')).toBe('data');
    expect(fieldOfPath('body.credentials')).toBe('apiKey');
    expect(fieldOfPath('body.confirm')).toBeNull();
  });
});
