import { describe, expect, it } from 'vitest';
import { registry } from './index.ts';
import { barFields, type BarField } from './ports.ts';

/**
 * Every node with a kernel: the kernel over random runs of bars must leave exactly the outputs and the
 * state that `step` bar by bar leaves, NaN gaps included, whatever the split into runs.
 */
const withKernel = registry.definitions.filter((d) => d.kernel);

/** A seeded random walk with NaN gaps and repeated values (ties matter to comparisons). */
function series(seed: number, n: number): Float64Array {
  let x = seed >>> 0 || 1;
  const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const out = new Float64Array(n);
  let v = 100;
  for (let t = 0; t < n; t++) {
    v += (rand() - 0.5) * 2;
    out[t] = rand() < 0.02 ? NaN : rand() < 0.05 ? Math.round(v) : v;
  }
  return out;
}

/** A condition: mostly 1 and 0, some NaN (unknown) and some other numbers (which read as false). */
function conditions(seed: number, n: number): Float64Array {
  return series(seed, n).map((v) => (v !== v ? NaN : Math.floor(v * 7) % 5 === 0 ? 0.5 : Math.floor(v * 3) % 2));
}

/**
 * Bars around a random walk: high and low from the close's own moves, so gaps through the previous
 * close happen, and NaN bars: all fields where `series` has NaN, and high, low or close alone.
 */
function barColumns(seed: number, n: number): Record<BarField, Float64Array> {
  const close = series(seed, n);
  const spread = series(seed + 1000, n);
  const cols = Object.fromEntries(barFields.map((f) => [f, new Float64Array(n)])) as Record<BarField, Float64Array>;
  for (let t = 0; t < n; t++) {
    const c = close[t]!;
    const w = Math.abs(spread[t]! - 100) / 10;
    cols.time[t] = t * 60_000;
    cols.open[t] = c + (t % 3 === 0 ? w : -w) / 2;
    // One field NaN alone now and then, each on its own bars.
    cols.high[t] = t % 97 === 5 ? NaN : c + w;
    cols.low[t] = t % 83 === 11 ? NaN : c - w;
    cols.close[t] = t % 89 === 7 ? NaN : c;
    cols.volume[t] = spread[t]! > 100 ? 1000 + t : 0;
  }
  return cols;
}

/** What the executor gives an unwired input: NaN on every bar (every field of a bars port). */
function unwired(kind: string, n: number): Float64Array | Record<BarField, Float64Array> {
  const nan = () => new Float64Array(n).fill(NaN);
  return kind === 'bars' ? (Object.fromEntries(barFields.map((f) => [f, nan()])) as Record<BarField, Float64Array>) : nan();
}

/** Params to try: the defaults, and each integer param (a period) set as small as it may be, so warm-up and resets show. */
function paramSets(def: (typeof withKernel)[number]): Record<string, unknown>[] {
  const defaults = def.params.parse({}) as Record<string, unknown>;
  const sets: Record<string, unknown>[] = [defaults];
  for (const [key, value] of Object.entries(defaults)) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 2) continue;
    // As small as the param allows (3 where it may be), so warm-up and resets show.
    let small = 3;
    while (small < value && !def.params.safeParse({ ...defaults, [key]: small }).success) small++;
    if (small < value) sets.push({ ...defaults, [key]: small });
  }
  // Each switch the other way too: Donchian's "include this bar" changes which bars its window holds.
  for (const [key, value] of Object.entries(defaults)) if (typeof value === 'boolean') sets.push({ ...defaults, [key]: !value });
  const op = (def.params.shape as Record<string, { options?: string[] }>).operator;
  for (const operator of (op?.options as string[] | undefined) ?? []) sets.push({ ...defaults, operator, level: 100 });
  return sets;
}

describe('node kernels equal their step', () => {
  it('covers the nodes that have one', () => {
    expect(withKernel.map((d) => d.type).sort()).toEqual(['indicator.adLine', 'indicator.adf', 'indicator.adx', 'indicator.aroon', 'indicator.atr', 'indicator.autocorrelation', 'indicator.beta', 'indicator.bollinger', 'indicator.cci', 'indicator.cmf', 'indicator.correlation', 'indicator.dema', 'indicator.donchian', 'indicator.ema', 'indicator.hma', 'indicator.hurst', 'indicator.ichimoku', 'indicator.kama', 'indicator.keltner', 'indicator.linreg', 'indicator.macd', 'indicator.mfi', 'indicator.momentum', 'indicator.natr', 'indicator.obv', 'indicator.parabolicSar', 'indicator.percentRank', 'indicator.ppo', 'indicator.roc', 'indicator.rollingMax', 'indicator.rollingMin', 'indicator.rsi', 'indicator.sma', 'indicator.stdev', 'indicator.stochRsi', 'indicator.stochastic', 'indicator.supertrend', 'indicator.tema', 'indicator.varianceRatio', 'indicator.vwap', 'indicator.vwma', 'indicator.williamsR', 'indicator.wma', 'indicator.zscore', 'logic.and', 'logic.barsSince', 'logic.compare', 'logic.crossover', 'logic.latch', 'logic.not', 'logic.or', 'logic.select', 'logic.threshold', 'logic.xor', 'math.abs', 'math.arithmetic', 'math.asPrice', 'math.change', 'math.clamp', 'math.lag', 'math.percentChange', 'math.rollingSum', 'model.ensembleVote', 'model.linearForecast', 'model.logisticClassifier', 'model.regime']);
  });

  for (const def of withKernel) {
    it(`${def.type}: outputs and state, for every params set and run split`, () => {
      const n = 3000;
      const ins = Object.keys(def.inputs);
      const outs = Object.keys(def.outputs);
      // Every input wired, and (when the node has optional inputs) those unwired, reading NaN as the executor gives them.
      const optional = ins.filter((p) => def.inputs[p]!.optional);
      const wirings = optional.length ? [true, false] : [true];
      for (const [q, raw] of paramSets(def).flatMap((set) => wirings.map((all) => ({ set, all }))).entries()) {
        const params = def.params.parse(raw.set);
        const wired = Object.fromEntries(ins.map((p) => [p, raw.all || !optional.includes(p)]));
        const inputs = Object.fromEntries(ins.map((p, k) => [p, !wired[p] ? unwired(def.inputs[p]!.kind, n) : def.inputs[p]!.kind === 'bars' ? barColumns(17 + q * 31 + k, n) : def.inputs[p]!.kind === 'bool' ? conditions(17 + q * 31 + k, n) : series(17 + q * 31 + k, n)]));

        // Reference: step bar by bar.
        const stepState = def.init(params, wired);
        const input: Record<string, unknown> = {};
        const out: Record<string, number> = Object.fromEntries(outs.map((p) => [p, NaN]));
        const expected = Object.fromEntries(outs.map((p) => [p, new Float64Array(n)]));
        for (let t = 0; t < n; t++) {
          for (const p of ins) {
            const col = inputs[p]!;
            input[p] = col instanceof Float64Array ? col[t] : Object.fromEntries(barFields.map((f) => [f, col[f][t]]));
          }
          def.step(stepState, params, input as never, out as never, undefined as never);
          for (const p of outs) expected[p]![t] = out[p]!;
        }

        // Kernel over uneven runs: 1 bar, 7 bars, 1000 bars…
        const kernelState = def.init(params, wired);
        const got = Object.fromEntries(outs.map((p) => [p, new Float64Array(n).fill(-12345)]));
        const cuts = [0, 1, 8, 9, 1009, 1500, 2999, n];
        for (let c = 0; c + 1 < cuts.length; c++) def.kernel!(kernelState, params, inputs as never, got as never, cuts[c]!, cuts[c + 1]!);

        for (const p of outs) expect([...got[p]!].map(String), `${def.type} ${JSON.stringify(raw)} ${p}`).toEqual([...expected[p]!].map(String));
        expect(kernelState).toEqual(stepState);

        // Outputs the kernel may skip, left out one at a time and all at once: the rest as before.
        const skippable = def.skippableOutputs ?? [];
        for (const left of [...skippable.map((p) => [p]), ...(skippable.length > 1 ? [skippable] : [])]) {
          const state = def.init(params, wired);
          const some = Object.fromEntries(outs.filter((p) => !left.includes(p)).map((p) => [p, new Float64Array(n).fill(-12345)]));
          for (let c = 0; c + 1 < cuts.length; c++) def.kernel!(state, params, inputs as never, some as never, cuts[c]!, cuts[c + 1]!);
          for (const p of Object.keys(some)) expect([...some[p]!].map(String), `${def.type} without ${left.join(', ')}: ${p}`).toEqual([...expected[p]!].map(String));
          expect(state, `${def.type} without ${left.join(', ')}: state`).toEqual(stepState);
        }
      }
    });
  }
});

/**
 * Every node with a pointwise form: its code, as the executor writes it into a chain's loop, gives what
 * `step` gives on every combination of awkward values (NaN, ±Infinity, ±0, 1, and numbers that are not
 * conditions), for every params set and wiring; and the step leaves the state as `init` made it.
 */
describe('pointwise nodes equal their step', () => {
  const pointwise = registry.definitions.filter((d) => d.pointwise);
  it('covers the comparisons, logic and arithmetic', () => {
    expect(pointwise.map((d) => d.type).sort()).toEqual(['logic.and', 'logic.compare', 'logic.not', 'logic.or', 'logic.select', 'logic.threshold', 'logic.xor', 'math.abs', 'math.arithmetic', 'math.asPrice', 'math.clamp']);
  });
  const awkward = [NaN, -Infinity, -1.5, -0, 0, 0.5, 1, 2, 30, Infinity];
  for (const def of pointwise) {
    it(`${def.type}: every params set and wiring, on awkward values`, () => {
      const ins = Object.keys(def.inputs);
      const optional = ins.filter((p) => def.inputs[p]!.optional);
      // Each optional input wired or not, on its own.
      const wirings = [ins.map(() => true), ...optional.map((o) => ins.map((p) => p !== o)), ins.map((p) => !optional.includes(p))];
      const sets = [...paramSets(def), ...(def.type === 'math.clamp' ? [{ lower: 2, upper: -1 }] : [])];
      for (const raw of sets) {
        for (const wiredList of wirings) {
          const params = def.params.parse(raw);
          const wired = Object.fromEntries(ins.map((p, k) => [p, wiredList[k]!]));
          const names = ins.map((p, k) => (wired[p] ? `i${k}` : 'nan'));
          const code = def.pointwise!(params, wired)('v', names, { params: 'p', state: 's' });
          const run = new Function('p', 's', ...ins.map((_, k) => `i${k}`), `const nan = NaN; ${code} return v;`) as (...args: unknown[]) => number;
          const state = def.init(params, wired);
          const initial = structuredClone(state);
          const out: Record<string, number> = { [Object.keys(def.outputs)[0]!]: -12345 };
          const wiredCount = ins.filter((p) => wired[p]).length;
          for (let combo = 0; combo < awkward.length ** wiredCount; combo++) {
            let rest = combo;
            const values = ins.map((p) => {
              if (!wired[p]) return NaN;
              const v = awkward[rest % awkward.length]!;
              rest = Math.floor(rest / awkward.length);
              return v;
            });
            def.step(state, params, Object.fromEntries(ins.map((p, k) => [p, values[k]])) as never, out as never, undefined as never);
            const got = run(params, state, ...values);
            const expected = Object.values(out)[0]!;
            if (!Object.is(got, expected)) expect.fail(`${def.type} ${JSON.stringify(raw)} wired ${JSON.stringify(wired)} on ${values.map(String).join(', ')}: ${got}, step ${expected}`);
          }
          expect(state).toEqual(initial);
        }
      }
    });
  }
});
