import type { MonteCarloSummary } from '../../../engine/research/summary.ts';
import { fmtInt, fmtPercent } from '../../format.ts';
import { Histogram, type Marker } from './Histogram.tsx';
import { StatCards } from './StatCards.tsx';

const methodText: Record<MonteCarloSummary['method'], string> = {
  reshuffle: 'trade order reshuffled',
  tradeBootstrap: 'trades drawn with replacement',
  blockBootstrap: 'blocks of bar returns resampled',
};

const percentiles = ['p5', 'p25', 'p50', 'p75', 'p95'] as const;
const signedPct = (v: number) => fmtPercent(v, 1, true);
const ddPct = (v: number) => fmtPercent(v === 0 ? 0 : -v, 1);

/**
 * A Monte Carlo study: the percentile table of final return and max drawdown, the chance of ending
 * with a loss, and both distributions as histograms with the base backtest marked. (The API keeps each
 * path's outcome, not its curve, so there is no fan of equity paths to draw.)
 */
export function MonteCarloView({ summary }: { summary: MonteCarloSummary }) {
  const base = summary.base?.metrics;
  const markers = (table: MonteCarloSummary['finalReturn'], baseValue: number | undefined): Marker[] => [
    { value: table.p5, label: '5 %', tone: 'pct' },
    { value: table.p50, label: 'median', tone: 'pct' },
    { value: table.p95, label: '95 %', tone: 'pct' },
    ...(baseValue !== undefined ? [{ value: baseValue, label: 'base', tone: 'base' as const }] : []),
  ];
  return (
    <div className="mc-view" data-testid="mc-view">
      <StatCards
        items={[
          { label: 'Paths', value: fmtInt(summary.paths), help: methodText[summary.method] },
          { label: 'Probability of loss', value: fmtPercent(summary.probabilityOfLoss, 1), tone: summary.probabilityOfLoss > 50 ? 'neg' : undefined, help: 'Share of paths that end below the initial cash.' },
          { label: 'Median return', value: signedPct(summary.finalReturn.p50), tone: summary.finalReturn.p50 >= 0 ? 'pos' : 'neg' },
          { label: '5th pct return', value: signedPct(summary.finalReturn.p5), tone: summary.finalReturn.p5 >= 0 ? 'pos' : 'neg', help: 'A bad ordering: 95 % of paths did better.' },
          { label: '95th pct drawdown', value: ddPct(summary.maxDrawdown.p95), tone: 'neg', help: 'The drawdown to expect on a bad path.' },
          { label: 'Base return', value: base ? signedPct(base.totalReturn) : '—', tone: base ? (base.totalReturn >= 0 ? 'pos' : 'neg') : undefined, help: 'The backtest the paths resample.' },
        ]}
      />
      <div className="mc-body">
        <div className="table-wrap mc-table-wrap">
          <table className="trades mc-table" data-testid="mc-percentiles">
            <thead>
              <tr>
                <th>Percentile</th>
                <th className="num">Final return</th>
                <th className="num">Max drawdown</th>
              </tr>
            </thead>
            <tbody>
              {percentiles.map((p) => (
                <tr key={p}>
                  <td className="mono">{p.slice(1)} %</td>
                  <td className={`num mono ${summary.finalReturn[p] >= 0 ? 'pos' : 'neg'}`}>{signedPct(summary.finalReturn[p])}</td>
                  <td className="num mono">{ddPct(summary.maxDrawdown[p])}</td>
                </tr>
              ))}
              {base && (
                <tr className="is-base">
                  <td>Base run</td>
                  <td className="num mono">{signedPct(base.totalReturn)}</td>
                  <td className="num mono">{ddPct(base.maxDrawdown)}</td>
                </tr>
              )}
            </tbody>
          </table>
          <div className="table-note muted">Method: {methodText[summary.method]}.</div>
        </div>
        <Histogram title="Final return" bins={summary.finalReturn.histogram} markers={markers(summary.finalReturn, base?.totalReturn)} format={signedPct} signed testId="mc-hist-return" />
        <Histogram title="Max drawdown" bins={summary.maxDrawdown.histogram} markers={markers(summary.maxDrawdown, base?.maxDrawdown)} format={ddPct} signed={false} testId="mc-hist-drawdown" />
      </div>
    </div>
  );
}
