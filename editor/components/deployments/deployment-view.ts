import { RiskLimits } from '../../../trading/risk-gate.ts';
import type { Deployment, DeploymentFillRow, DeploymentRequest } from '../../api.ts';
import { dataChoiceOf, type DataPick } from '../DataPicker.tsx';

/**
 * Pure helpers of the deployments view: one word and one colour for a deployment's state, what may
 * be promoted to which mode, and the promote form mapped to the server's request.
 */

export type StateTone = 'active' | 'reducing' | 'halted' | 'paused' | 'killed' | 'stopped' | 'failed';

/**
 * The state a trader needs first. A finished workflow (stopped, failed) says so whatever its risk
 * state was; then the kill switch (it persists until released, so it outranks a pause); then a halt
 * (blocks everything, beats a pause too because a resume alone will not clear it); then paused; then
 * the gate's own state.
 */
export function deploymentState(d: Pick<Deployment, 'status' | 'tradingState' | 'killSwitch'>): { label: string; tone: StateTone } {
  if (d.status === 'stopped') return { label: 'Stopped', tone: 'stopped' };
  if (d.status === 'failed') return { label: 'Failed', tone: 'failed' };
  if (d.killSwitch) return { label: 'Killed', tone: 'killed' };
  if (d.tradingState === 'HALTED') return { label: 'Halted', tone: 'halted' };
  if (d.status === 'paused') return { label: 'Paused', tone: 'paused' };
  if (d.tradingState === 'REDUCING') return { label: 'Reducing', tone: 'reducing' };
  return { label: 'Active', tone: 'active' };
}

/**
 * Why a failed deployment failed, as the server recorded it (its `error`), or null while it has not
 * failed. An older failure recorded without a reason still says where to look.
 */
export function failureReason(d: Pick<Deployment, 'status' | 'error'>): string | null {
  if (d.status !== 'failed') return null;
  const reason = d.error?.trim();
  if (!reason) return 'No reason was recorded; the journal may say more.';
  // Shown as a sentence, followed by more text in the banner.
  return /[.!?]$/.test(reason) ? reason : `${reason}.`;
}

export const modeText: Record<Deployment['mode'], string> = { shadow: 'Shadow', paper: 'Paper', live: 'Live' };

/** Which controls make sense now: the server accepts any of them while running, but most would do nothing. */
export function availableControls(d: Pick<Deployment, 'status' | 'tradingState' | 'killSwitch'>) {
  const running = d.status === 'running' || d.status === 'paused';
  return {
    pause: running && d.status === 'running',
    resume: running && d.status === 'paused',
    kill: running && !d.killSwitch,
    releaseKill: running && d.killSwitch,
    reenable: running && d.tradingState === 'HALTED',
    stop: running,
  };
}

/**
 * Realised plus unrealised PnL from the fills alone: what was received for sales minus what was paid
 * for purchases and fees, plus the position those fills add up to, marked at the last price. The
 * position is summed from the same fills rather than taken from a (possibly newer) streamed state, so
 * the two never disagree. Exact when `fills` is every fill of the deployment (the caller says whether).
 */
export function pnlFromFills(fills: readonly Pick<DeploymentFillRow, 'side' | 'quantity' | 'price' | 'fee'>[], lastPrice: number | null): number {
  let cash = 0;
  let position = 0;
  for (const f of fills) {
    const sign = f.side === 'sell' ? -1 : 1;
    cash -= sign * f.quantity * f.price + f.fee;
    position += sign * f.quantity;
  }
  // Float sums of equal buys and sells leave dust: below a billionth of a unit the book is flat.
  return cash + (Math.abs(position) > 1e-9 && lastPrice !== null ? position * lastPrice : 0);
}

// The equity curve's points live apart from the promotion form's checks (and their zod schema), so the
// deployments hook that streams them can be part of the editor's first paint.
export { appendPoint, equityPoint } from './equity-curve.ts';

// ---------------------------------------------------------------------------------------------------
// Promotion

export type PromoteMode = Deployment['mode'];

/** Backtest → shadow → paper → live. Shadow sends nothing, so it is always allowed; paper and live must pass the gate. */
export function promotionBlock(mode: PromoteMode, gatePass: boolean | null): string | null {
  if (mode === 'shadow') return null;
  if (gatePass === null) return 'Waiting for the robustness gate’s verdict.';
  if (!gatePass) return `Promotion to ${mode} trading needs the robustness gate to pass: run a walk-forward and a Monte Carlo study in the Research tab until every check passes. Shadow mode is always open.`;
  return null;
}

export interface PromoteForm {
  mode: PromoteMode;
  name: string;
  symbol: string;
  pick: DataPick;
  barsPerSecond: string;
  startBar: string;
  catchUp: 'skip' | 'flatten' | 'halt';
  maxOrderQuantity: string;
  maxOrderNotional: string;
  maxPosition: string;
  maxGrossExposure: string;
  priceCollarPct: string;
  maxDrawdownPct: string;
  maxDailyLossPct: string;
  throttleMaxOrders: string;
  throttleWindowSeconds: string;
  /** Live only: the ccxt venue and its keys. */
  baseUrl: string;
  sandbox: boolean;
  apiKey: string;
  secret: string;
}

export type PromoteField = Exclude<keyof PromoteForm, 'mode' | 'sandbox' | 'catchUp'> | 'data';

/** Starting limits for a book of `initialCash`: one order up to 1.5× the cash (an all-in order plus price moves), twice it in gross exposure. */
export function defaultPromoteForm(initialCash: number): PromoteForm {
  return {
    mode: 'shadow',
    name: '',
    symbol: 'BTC/USDT',
    pick: { kind: 'graph' },
    barsPerSecond: '5',
    startBar: '0',
    catchUp: 'skip',
    maxOrderQuantity: '1000000',
    maxOrderNotional: String(Math.round(initialCash * 1.5)),
    maxPosition: '1000000',
    maxGrossExposure: String(Math.round(initialCash * 2)),
    priceCollarPct: '5',
    maxDrawdownPct: '20',
    maxDailyLossPct: '5',
    throttleMaxOrders: '20',
    throttleWindowSeconds: '60',
    baseUrl: '',
    sandbox: true,
    apiKey: '',
    secret: '',
  };
}

/** Where a path of the server's (or the risk-limit schema's) errors is typed in the form. */
const limitFields: Record<string, PromoteField> = {
  maxOrderQuantity: 'maxOrderQuantity',
  maxOrderNotional: 'maxOrderNotional',
  maxPosition: 'maxPosition',
  maxGrossExposure: 'maxGrossExposure',
  priceCollarPct: 'priceCollarPct',
  maxDrawdownPct: 'maxDrawdownPct',
  maxDailyLossPct: 'maxDailyLossPct',
  'throttle.maxOrders': 'throttleMaxOrders',
  'throttle.windowMs': 'throttleWindowSeconds',
};

/** The form field a server error path (`body.riskLimits.maxPosition`, `body.feed.barsPerSecond`, …) belongs to. */
export function fieldOfPath(path: string): PromoteField | null {
  const p = path.replace(/^body\./, '');
  if (p.startsWith('riskLimits.')) return limitFields[p.slice('riskLimits.'.length)] ?? null;
  if (p === 'feed.barsPerSecond') return 'barsPerSecond';
  if (p === 'feed.startBar') return 'startBar';
  if (p.startsWith('feed.data')) return 'data';
  if (p === 'symbol' || p === 'name') return p;
  if (p.startsWith('venue.baseUrl')) return 'baseUrl';
  if (p === 'credentials.apiKey' || p === 'credentials') return 'apiKey';
  if (p === 'credentials.secret') return 'secret';
  return null;
}

const num = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text.trim()));

export type PromoteCheck = { ok: true; request: DeploymentRequest } | { ok: false; errors: Partial<Record<PromoteField, string>> };

/**
 * The form as the request `POST /api/deployments` takes, checked with the same zod schema the server
 * uses for risk limits. `confirmed` is whether the person typed LIVE in the confirmation dialog: only
 * then does a live request carry `confirm: "LIVE"`.
 */
export function promoteRequest(form: PromoteForm, strategyId: string, confirmed = false): PromoteCheck {
  const errors: Partial<Record<PromoteField, string>> = {};
  const symbol = form.symbol.trim().toUpperCase();
  if (!/^[A-Z0-9]+\/[A-Z0-9]+$/.test(symbol)) errors.symbol = 'a unified symbol such as BTC/USDT';
  const data = dataChoiceOf(form.pick);
  if (!data.ok) errors.data = data.message;
  const speed = num(form.barsPerSecond);
  if (!(speed > 0 && speed <= 1000)) errors.barsPerSecond = 'bars per second: more than 0, at most 1000';
  const startBar = num(form.startBar);
  if (!(Number.isInteger(startBar) && startBar >= 0)) errors.startBar = 'a whole number of bars, 0 or more';
  const windowSeconds = num(form.throttleWindowSeconds);
  const limits = RiskLimits.safeParse({
    maxOrderQuantity: num(form.maxOrderQuantity),
    maxOrderNotional: num(form.maxOrderNotional),
    maxPosition: num(form.maxPosition),
    maxGrossExposure: num(form.maxGrossExposure),
    priceCollarPct: num(form.priceCollarPct),
    maxDrawdownPct: num(form.maxDrawdownPct),
    maxDailyLossPct: num(form.maxDailyLossPct),
    throttle: { maxOrders: num(form.throttleMaxOrders), windowMs: Number.isFinite(windowSeconds) ? Math.round(windowSeconds * 1000) : Number.NaN },
  });
  if (!limits.success)
    for (const issue of limits.error.issues) {
      const field = limitFields[issue.path.join('.')];
      if (field && !errors[field]) errors[field] = Number.isNaN(num(form[field as keyof PromoteForm] as string)) ? 'a number is needed' : issue.message;
    }
  const name = form.name.trim();
  if (name.length > 200) errors.name = 'at most 200 characters';
  const live = form.mode === 'live';
  const baseUrl = form.baseUrl.trim();
  if (live) {
    if (baseUrl && !/^https?:\/\/[^\s]+$/.test(baseUrl)) errors.baseUrl = 'an http(s) URL, or empty for Binance';
    if (!form.apiKey.trim()) errors.apiKey = 'live trading needs the exchange API key';
    if (!form.secret.trim()) errors.secret = 'live trading needs the exchange secret';
  }
  if (Object.keys(errors).length > 0 || !limits.success || !data.ok) return { ok: false, errors };
  const request: DeploymentRequest = {
    strategyId,
    mode: form.mode,
    symbol,
    feed: { kind: 'replay', barsPerSecond: speed, startBar, ...(data.choice ? { data: data.choice } : {}) },
    riskLimits: limits.data,
    catchUp: form.catchUp,
    ...(name ? { name } : {}),
  };
  if (live) {
    request.venue = { kind: 'ccxt', exchange: 'binance', sandbox: form.sandbox, ...(baseUrl ? { baseUrl } : {}) };
    request.credentials = { apiKey: form.apiKey.trim(), secret: form.secret.trim() };
    if (confirmed) request.confirm = 'LIVE';
  } else request.venue = { kind: 'paper' };
  return { ok: true, request };
}

/** The live confirmation: exactly LIVE, as the server wants it, so a stray "live" or "Live " does not count. */
export const liveConfirmed = (typed: string): boolean => typed === 'LIVE';
