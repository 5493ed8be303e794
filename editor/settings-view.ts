import type { Settings } from './graph-mapping.ts';
import { fmtLocale } from './format.ts';
import type { FieldSpec } from './schema-form.ts';

/**
 * How the backtest settings form is laid out. The fields themselves come from the settings schema;
 * this only decides what a trader sees first: cash and the costs of the chosen slippage model up top,
 * the rest folded away, and slippage fields of models not in use left out.
 */

const first = ['initialCash', 'commissionBps', 'slippageModel'];
/** Fields that only mean something under one slippage model. */
const byModel: Record<string, string[]> = { bps: ['slippageBps'], ticks: ['slippageTicks', 'tickSize'], volatility: ['slippageVolatility'] };

export interface SettingsLayout {
  main: FieldSpec[];
  more: FieldSpec[];
  /** How many of `more` differ from their defaults: a folded section must not hide a changed cost. */
  moreChanged: number;
}

export function settingsLayout(fields: readonly FieldSpec[], settings: Settings): SettingsLayout {
  const values = settings as Record<string, unknown>;
  const hasModel = fields.some((f) => f.key === 'slippageModel');
  const model = String(values.slippageModel ?? fields.find((f) => f.key === 'slippageModel')?.defaultValue ?? 'bps');
  // Without a model switch (an older server), bps slippage is the only kind.
  const active = new Set([...first, ...(hasModel ? (byModel[model] ?? []) : ['slippageBps'])]);
  const inactive = new Set(Object.values(byModel).flat().filter((k) => !active.has(k)));
  const main = fields.filter((f) => active.has(f.key)).sort((a, b) => rank(a.key) - rank(b.key));
  const more = fields.filter((f) => !active.has(f.key) && !inactive.has(f.key));
  const moreChanged = more.filter((f) => values[f.key] !== undefined && values[f.key] !== f.defaultValue).length;
  return { main, more, moreChanged };
}

const rank = (key: string) => {
  const i = first.indexOf(key);
  return i === -1 ? first.length : i;
};

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const short = (n: number) => (Math.abs(n) >= 10_000 ? fmtLocale(n, { notation: 'compact', maximumFractionDigits: 2 }) : fmtLocale(n, { maximumFractionDigits: 4 }));

/**
 * The settings in one short line for beside the Run button, e.g. "Cash 100K · Fee 1 bps · Slip 2 bps".
 * A fee with per-unit, fixed or minimum parts gets a "+".
 */
export function settingsSummary(settings: Settings): string {
  const s = settings as Record<string, unknown>;
  const extraFee = ['commissionPerShare', 'commissionFixed', 'commissionMinimum'].some((k) => num(s[k], 0) > 0);
  const model = String(s.slippageModel ?? 'bps');
  const slip =
    model === 'ticks' ? `${short(num(s.slippageTicks, 1))} tick${num(s.slippageTicks, 1) === 1 ? '' : 's'}` : model === 'volatility' ? `${short(num(s.slippageVolatility, 0.1))}σ` : `${short(num(s.slippageBps, 2))} bps`;
  return `Cash ${short(num(s.initialCash, 100_000))} · Fee ${short(num(s.commissionBps, 1))} bps${extraFee ? '+' : ''} · Slip ${slip}`;
}
