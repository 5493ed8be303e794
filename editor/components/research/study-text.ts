import type { ResearchKind } from '../../../engine/research/config.ts';
import type { ResearchRun } from '../../api.ts';
import { metricInfo } from '../results/metric-info.ts';

export const kindText: Record<ResearchKind, string> = {
  sweep: 'Sweep',
  walkForward: 'Walk-forward',
  monteCarlo: 'Monte Carlo',
  costSensitivity: 'Cost sensitivity',
};

/** What each kind answers, in the form's words. */
export const kindQuestion: Record<ResearchKind, string> = {
  sweep: 'Which params work best on this data? Tries the optimisable params on a grid or at random.',
  walkForward: 'Do optimised params keep working on data they have not seen? Optimises in sample, tests out of sample, window after window.',
  monteCarlo: 'How much of the result is luck of ordering? Resamples the backtest into many paths, using the strategy’s current params.',
  costSensitivity: 'How much commission and slippage can the edge take? Reruns the backtest with the costs scaled.',
};

const methodText: Record<string, string> = { reshuffle: 'trade reshuffle', tradeBootstrap: 'trade bootstrap', blockBootstrap: 'block bootstrap' };

const metricLabel = (m: unknown) => metricInfo.find((i) => i.key === m)?.label ?? String(m);

/** How a sweep picks its combinations; `trials`, when known, is how many it runs (a sample as large as the grid runs the grid once). */
function samplingText(s: unknown, trials?: number): string {
  const sampling = (s ?? { kind: 'grid' }) as { kind: string; samples?: number; seed?: number };
  if (sampling.kind !== 'random') return 'grid';
  if (trials !== undefined && sampling.samples !== undefined && trials < sampling.samples) return `random ${sampling.samples}: the whole grid of ${trials}`;
  return `random ${sampling.samples} (seed ${sampling.seed ?? 1})`;
}

const multipliers = (v: unknown) => {
  const list = Array.isArray(v) ? (v as number[]) : [];
  return list.length ? `${Math.min(...list)}–${Math.max(...list)}× (${list.length})` : '—';
};

/** One line of a study's settings, e.g. "rolling 1,500 / 500 bars · grid · Sharpe ratio". */
export function describeConfig(run: Pick<ResearchRun, 'kind' | 'config'> & { trialsTotal?: number }): string {
  const c = run.config as Record<string, unknown>;
  switch (run.kind) {
    case 'sweep':
      return `${samplingText(c.sampling, run.trialsTotal)} · ${metricLabel(c.metric)}`;
    case 'walkForward':
      return `${String(c.mode)} ${Number(c.inSampleBars).toLocaleString('en-US')} / ${Number(c.outOfSampleBars).toLocaleString('en-US')} bars · ${samplingText(c.sampling)} · ${metricLabel(c.metric)}`;
    case 'monteCarlo':
      return `${methodText[String(c.method)] ?? String(c.method)} · ${Number(c.paths).toLocaleString('en-US')} paths${c.method === 'blockBootstrap' ? ` · block ${String(c.blockLength)}` : ''} · seed ${String(c.seed)}`;
    case 'costSensitivity':
      return `commission ${multipliers(c.commissionMultipliers)} · slippage ${multipliers(c.slippageMultipliers)}`;
  }
}

/** "12 / 36 trials" while running; the count alone once finished. */
export function trialsText(run: Pick<ResearchRun, 'status' | 'trialsDone' | 'trialsTotal'>): string {
  if (run.trialsTotal === 0) return run.status === 'queued' ? 'waiting for a worker…' : '';
  const total = run.trialsTotal.toLocaleString('en-US');
  return run.status === 'succeeded' ? `${total} trials` : `${run.trialsDone.toLocaleString('en-US')} / ${total} trials`;
}
