import { z } from 'zod';
import { defineNode } from '../../contract.ts';
import { ring } from '../../indicator/ring.ts';
import { holdIdle, holdWatch } from '../../order/entry.ts';
import { setMarket } from '../../order/instruction.ts';
import { capParam, entryInputs, sideParam, wantsIn } from '../shared/sizing.ts';

const yearMs = 365.25 * 86_400_000;

/**
 * Running sums of the window's returns, Σd and Σd² with d = return − `shift`, so σ costs O(1) a bar.
 * Taken about a value from the window, Σd² − (Σd)²/n stays accurate when the mean is large next to the
 * spread; summed afresh from the window whenever the ring's head wraps (every `window` returns), so
 * rounding cannot build up past one window. Plain numbers, so the state stays JSON.
 */
const noSums = () => ({ shift: NaN, sum: 0, sumSq: 0 });

/**
 * Sizes a position so its expected annualised volatility matches a target: weight = target σ / the
 * symbol's realised σ, from a rolling sample standard deviation of close-to-close returns.
 */
export const volatilityTarget = defineNode({
  type: 'risk.volatilityTarget',
  version: 1,
  category: 'risk',
  title: 'Volatility target',
  description: 'Size the position so its annualised volatility matches a target (smaller when the market is wild).',
  docs: {
    example: 'Enter = trend up, 15 % target, 20-bar window: a calm market gets a bigger position, a wild one a smaller one, capped at 100 % of equity.',
    caveats: [
      'Size: weight = target % ÷ (sample standard deviation of the last N simple close-to-close returns × √periods per year), capped at Max % of equity; units = weight × equity ÷ close, at the close of the bar where the position opens.',
      'Sized once, at entry, and held unchanged until the exit: it does not rebalance as volatility or equity move (that would trade on almost every bar).',
      'Periods per year, when left empty, is inferred as 365.25 days ÷ the smallest gap between bar times seen so far (daily bars give 365.25, hourly 8 766): a node sees one bar at a time, so it cannot count the bars a year holds. Daily stock data also gives 365.25; set 252 to annualise by trading days, as the backtest’s volatility metric does for such data (it counts the bars the data has in a calendar year).',
      'Warm-up: N returns need N + 1 closes, so the first size is known at bar N (index N). Until then `percent` is NaN and an Enter is not acted on; in level mode (Exit unwired) it enters on the first bar the size is known while Enter is still true, in latched mode an Enter pulse during warm-up is lost.',
      'A window with no variation at all (σ = 0) sizes at the cap.',
      'Enter and Exit work as in Target % of equity: with only Enter wired the position is held while Enter is true; with Exit wired, Enter opens and Exit closes, Exit winning a tie.',
      'Writes a plain market order (no limit, no protective exits); chain Stop / take-profit after it to attach exits.',
    ],
  },
  inputs: entryInputs,
  outputs: {
    order: { kind: 'order', description: 'Target position in units of the symbol.' },
    percent: { kind: 'number', description: 'The size this bar would take, in percent of equity (NaN during warm-up).' },
  },
  params: z.object({
    targetVolatility: z.number().gt(0).max(1000).default(15).describe('Annualised volatility to aim for, in percent.'),
    window: z.number().int().min(2).max(10_000).default(20).describe('Number of returns in the rolling standard deviation.'),
    periodsPerYear: z.number().positive().max(1e8).optional().describe('Bars per year, to annualise; empty to infer from the bar spacing.'),
    maxPercent: capParam(100),
    side: sideParam,
  }),
  warmup: (p) => p.window,
  init: (p, wired) => ({
    target: 0,
    latched: wired.exit ? 1 : 0,
    returns: ring(p.window),
    prevClose: NaN,
    prevTime: NaN,
    minGap: NaN,
    // Running sums of `returns` (`noSums`): the σ is needed every bar (for `percent`), and a walk over
    // the window each bar was most of a many-symbol backtest's time.
    sums: noSums(),
  }),
  // The σ needs every bar's close, but the sizing only the bars where the signals move: the σ and
  // `percent` are a kernel over the bars (the column phase), so the step can be idle in between.
  prepare: {
    fields: ['time', 'close'],
    outputs: ['percent'],
    kernel(s, p, bars, out, from, to) {
      const time = bars.time, closes = bars.close, percent = out.percent!;
      // A state saved before the sums existed starts them here (the next push recomputes them).
      s.sums ??= noSums();
      const returns = s.returns, sums = s.sums, buf = returns.buf, n = returns.size;
      // The ring of returns and its running sums, held in locals over the run: kept in the state objects,
      // each bar's four updates of the sums went through memory one after another (the kernel ≈ 20 %
      // slower).
      let head = returns.head, count = returns.count, shift = sums.shift, sum = sums.sum, sumSq = sums.sumSq;
      let prevClose = s.prevClose, prevTime = s.prevTime, minGap = s.minGap;
      // The weight is min(cap, target ÷ (σ × √periods)) with σ² = (Σd² − (Σd)²/n) ÷ (n − 1): written as
      // target/√periods ÷ √(max(0, Σd² − (Σd)² × 1/n) × 1/(n − 1)), with target/√periods kept until the
      // smallest gap changes, it is one division and one root a bar instead of four and two, which shared
      // the divider (σ kernel over 1M bars: ≈ 22 → 17 ms, a scratch micro-benchmark).
      const cap = p.maxPercent / 100, perN = 1 / n, perSample = 1 / (n - 1);
      // The weight is at the cap exactly when σ is small enough; below `capBelow` (a hair under that σ², so
      // no rounding can cross it) it is the cap without a root or a division: a capped size is common
      // (S3's symbols are capped on most bars), and the divider is what this loop waits on.
      let scaleGap = NaN, scale = NaN, capBelow = NaN;
      for (let t = from; t < to; t++) {
        const close = closes[t]!, now = time[t]!;
        // NaN (not Infinity) for "no gap yet", so the state stays plain JSON-safe numbers like every other node's.
        const gap = now - prevTime;
        if (gap > 0 && !(gap >= minGap)) minGap = gap;
        prevTime = now;
        if (prevClose > 0 && close > 0) {
          const x = close / prevClose - 1;
          const leaving = count === n ? buf[head]! : NaN;
          buf[head] = x;
          buf[head + n] = x;
          head = head + 1 === n ? 0 : head + 1;
          if (count < n) count++;
          if (head === 0 || !Number.isFinite(shift)) {
            // Summed afresh from the window when the ring wraps (or starts), so rounding never builds up.
            const start = head + n - count;
            shift = buf[start]!;
            sum = 0;
            sumSq = 0;
            for (let i = start; i < start + count; i++) {
              const d = buf[i]! - shift;
              sum += d;
              sumSq += d * d;
            }
          } else {
            const d = x - shift;
            sum += d;
            sumSq += d * d;
            if (leaving === leaving) {
              const o = leaving - shift;
              sum -= o;
              sumSq -= o * o;
            }
          }
        } else if (prevClose === prevClose) {
          // A bad close empties the window; the next return starts its sums afresh (shift NaN).
          head = 0;
          count = 0;
          shift = NaN;
        }
        prevClose = close;
        let weight = NaN;
        if (!(minGap === scaleGap)) {
          scaleGap = minGap;
          scale = p.targetVolatility / 100 / Math.sqrt(p.periodsPerYear ?? yearMs / minGap);
          capBelow = ((scale / cap) * (scale / cap) * (n - 1)) * (1 - 1e-12);
        }
        if (count === n && scale === scale) {
          // Rounding can leave a flat window's sum of squares a hair below (Σd)²/n: that is a σ of 0.
          const ss = Math.max(0, sumSq - sum * sum * perN);
          weight = ss < capBelow ? cap : Math.min(cap, ss > 0 ? scale / Math.sqrt(ss * perSample) : Infinity);
        }
        percent[t] = weight * 100;
      }
      returns.head = head;
      returns.count = count;
      sums.shift = shift;
      sums.sum = sum;
      sums.sumSq = sumSq;
      s.prevClose = prevClose;
      s.prevTime = prevTime;
      s.minGap = minGap;
    },
  },
  step(s, p, input, out, ctx) {
    // This bar's size, from the prepared column.
    const weight = out.percent / 100;
    const close = ctx.close;
    if (!wantsIn(s.latched === 1, s.target !== 0, input.enter, input.exit)) s.target = 0;
    else if (s.target === 0 && weight === weight && close > 0 && ctx.equity > 0) {
      s.target = ((p.side === 'long' ? 1 : -1) * weight * ctx.equity) / close;
    }
    setMarket(out.order, s.target);
  },
  idle: (s, _p, input) => holdIdle(s.latched, s.target, input.enter, input.exit),
  idleWatch: (s, _p, input) => holdWatch(s.latched, s.target, input.enter),
});
