import type { z } from 'zod';
import type { DataChoice } from '../../../engine/data.ts';
import { OptimizeRange, type GraphInput } from '../../../engine/graph.ts';
import { CostSensitivityConfig, MonteCarloConfig, SweepConfig, WalkForwardConfig, type ResearchKind } from '../../../engine/research/config.ts';
import type { MonteCarloMethod } from '../../../engine/research/montecarlo.ts';
import type { RankMetric } from '../../../engine/research/rank.ts';
import { MAX_TRIALS } from '../../../engine/research/sampling.ts';
import { expandRange } from '../../../engine/research/space.ts';
import { splitWindows, type WindowMode } from '../../../engine/research/windows.ts';
import type { ResearchRequest } from '../../api.ts';

/**
 * The "new study" form: what the user typed, as text, and its mapping to a `POST /api/research` body.
 * The engine's config schemas (the ones the server validates with) check every value; their issues are
 * turned into messages that name the field, shown beside it and listed above the start button.
 */

export interface StudyForm {
  kind: ResearchKind;
  metric: RankMetric;
  sampling: 'grid' | 'random';
  samples: string;
  samplingSeed: string;
  windowMode: WindowMode;
  inSampleBars: string;
  outOfSampleBars: string;
  method: MonteCarloMethod;
  paths: string;
  blockLength: string;
  mcSeed: string;
  commissionMultipliers: string;
  slippageMultipliers: string;
}

/** Every input of the form that can be wrong, plus the data choice and the search space. */
export type StudyField = Exclude<keyof StudyForm, 'kind'> | 'data' | 'space';

export const fieldLabels: Record<StudyField, string> = {
  metric: 'Metric to optimise',
  sampling: 'Sampling',
  samples: 'Samples',
  samplingSeed: 'Sampling seed',
  windowMode: 'Windows',
  inSampleBars: 'In-sample bars',
  outOfSampleBars: 'Out-of-sample bars',
  method: 'Method',
  paths: 'Paths',
  blockLength: 'Block length',
  mcSeed: 'Seed',
  commissionMultipliers: 'Commission multipliers',
  slippageMultipliers: 'Slippage multipliers',
  data: 'Data',
  space: 'Optimisable params',
};

/** Defaults as the engine's schemas have them; window lengths sized for the bars at hand. */
export function defaultStudyForm(totalBars: number | null = null): StudyForm {
  const bars = totalBars ?? 5000;
  // Five out-of-sample windows after an in-sample three times as long: a usual first walk-forward.
  const oos = Math.max(5, Math.floor(bars / 8));
  return {
    kind: 'sweep',
    metric: 'sharpe',
    sampling: 'grid',
    samples: '50',
    samplingSeed: '1',
    windowMode: 'rolling',
    inSampleBars: String(Math.max(20, oos * 3)),
    outOfSampleBars: String(oos),
    method: 'blockBootstrap',
    paths: '1000',
    blockLength: '20',
    mcSeed: '1',
    commissionMultipliers: '0, 1, 2, 3',
    slippageMultipliers: '0, 1, 2, 4',
  };
}

export interface SpaceDimension {
  key: string;
  values: number[];
}

/** The params the graph marks optimisable, with the values each will take, in the server's order. */
export function searchSpace(graph: GraphInput): SpaceDimension[] {
  const out: SpaceDimension[] = [];
  for (const node of graph.nodes) {
    for (const [param, range] of Object.entries(node.optimize ?? {})) {
      // A range the schema refuses is the compiler's error on the node; it is not part of the space.
      const parsed = OptimizeRange.safeParse(range);
      if (parsed.success) out.push({ key: `${node.id}.${param}`, values: expandRange(parsed.data) });
    }
  }
  return out;
}

export const gridCount = (space: readonly SpaceDimension[]) => space.reduce((n, d) => n * d.values.length, 1);

type Issue = z.core.$ZodIssue;

/** A zod issue in words, e.g. "must be at least 20", without the field name (the caller adds it). */
function issueText(issue: Issue): string {
  const i = issue as Issue & { minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean; origin?: string; expected?: string };
  if (i.code === 'invalid_type' && i.expected === 'int') return 'must be a whole number';
  // Issues do not carry their input unless asked; a blank required input is the one type error the form lets through.
  if (i.code === 'invalid_type') return 'is required';
  if (i.code === 'too_small' && i.origin === 'array') return `needs at least ${i.minimum} value${i.minimum === 1 ? '' : 's'}`;
  if (i.code === 'too_big' && i.origin === 'array') return `takes at most ${i.maximum} values`;
  if (i.code === 'too_small') return i.inclusive === false ? `must be greater than ${i.minimum}` : `must be at least ${i.minimum}`;
  if (i.code === 'too_big') return i.inclusive === false ? `must be less than ${i.maximum}` : `must be at most ${i.maximum}`;
  return i.message;
}

/** Where each config path is typed in the form. */
function fieldOfPath(kind: ResearchKind, path: readonly PropertyKey[]): StudyField {
  const [head, sub] = path;
  if (head === 'sampling') return sub === 'seed' ? 'samplingSeed' : sub === 'samples' ? 'samples' : 'sampling';
  if (head === 'mode') return 'windowMode';
  if (head === 'seed' && kind === 'monteCarlo') return 'mcSeed';
  return (typeof head === 'string' && head in fieldLabels ? head : 'space') as StudyField;
}

type Errors = Partial<Record<StudyField, string>>;

export type StudyRequestResult = { ok: true; request: ResearchRequest; trials: number | null } | { ok: false; errors: Errors };

interface Context {
  strategyId: string;
  /** The data the user picked (the DataPicker's check). */
  data: { ok: true; choice: DataChoice | undefined } | { ok: false; message: string };
  /** The optimisable params of the strategy as it will be saved. */
  space: readonly SpaceDimension[];
  /** Bars the chosen data holds, when known: windows are checked against it. */
  totalBars: number | null;
}

/**
 * Map the form to a request, or to a message per field. Blank optional inputs take the schema's
 * default; numbers that do not parse are refused here, everything else by the engine's schemas.
 */
export function studyRequest(form: StudyForm, ctx: Context): StudyRequestResult {
  const errors: Errors = {};
  const fail = (field: StudyField, text: string) => {
    errors[field] ??= `${fieldLabels[field]} ${text}`;
  };
  const num = (field: StudyField, text: string): number | undefined => {
    const t = text.trim();
    if (t === '') return undefined;
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) {
      fail(field, 'must be a number');
      return undefined;
    }
    return Number(t);
  };
  const list = (field: StudyField, text: string): number[] | undefined => {
    const parts = text.split(/[\s,;]+/).filter(Boolean);
    if (parts.length === 0) return undefined;
    const bad = parts.find((p) => !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(p));
    if (bad !== undefined) {
      fail(field, `has “${bad}”, which is not a number`);
      return undefined;
    }
    return parts.map(Number);
  };
  if (!ctx.data.ok) fail('data', ctx.data.message);

  const sampling = form.sampling === 'grid' ? { kind: 'grid' as const } : { kind: 'random' as const, samples: num('samples', form.samples), seed: num('samplingSeed', form.samplingSeed) };
  let config: unknown;
  let schema: z.ZodType;
  if (form.kind === 'sweep') {
    config = { sampling, metric: form.metric };
    schema = SweepConfig;
  } else if (form.kind === 'walkForward') {
    config = { mode: form.windowMode, inSampleBars: num('inSampleBars', form.inSampleBars), outOfSampleBars: num('outOfSampleBars', form.outOfSampleBars), sampling, metric: form.metric };
    schema = WalkForwardConfig;
  } else if (form.kind === 'monteCarlo') {
    config = { method: form.method, paths: num('paths', form.paths), blockLength: num('blockLength', form.blockLength), seed: num('mcSeed', form.mcSeed) };
    schema = MonteCarloConfig;
  } else {
    config = { commissionMultipliers: list('commissionMultipliers', form.commissionMultipliers), slippageMultipliers: list('slippageMultipliers', form.slippageMultipliers) };
    schema = CostSensitivityConfig;
  }
  const parsed = schema.safeParse(config);
  if (!parsed.success) for (const issue of parsed.error.issues) fail(fieldOfPath(form.kind, issue.path), issueText(issue));

  // What the server would refuse as "cannot be laid out", said before anything is sent.
  let trials: number | null = null;
  if (form.kind === 'sweep' || form.kind === 'walkForward') {
    const combos = gridCount(ctx.space);
    if (ctx.space.length === 0) errors.space = 'Mark at least one numeric param optimisable (the Optimise toggle beside it in the inspector).';
    else if (combos > MAX_TRIALS && form.sampling === 'grid') errors.space = `The grid has ${combos.toLocaleString('en-US')} combinations, more than ${MAX_TRIALS.toLocaleString('en-US')}: narrow the ranges or sample at random.`;
    const perWindow = form.sampling === 'grid' ? combos : Math.min(combos, Number(form.samples) || 0);
    trials = perWindow;
    if (form.kind === 'walkForward' && parsed.success) {
      const c = parsed.data as z.infer<typeof WalkForwardConfig>;
      if (ctx.totalBars !== null) {
        const windows = splitWindows(ctx.totalBars, { mode: c.mode, inSampleBars: c.inSampleBars, outOfSampleBars: c.outOfSampleBars }).length;
        if (windows === 0) fail('outOfSampleBars', `leaves no window: the data has ${ctx.totalBars.toLocaleString('en-US')} bars, fewer than in-sample plus out-of-sample`);
        trials = windows * perWindow + windows;
      } else trials = null;
    }
  } else if (form.kind === 'costSensitivity' && parsed.success) {
    const c = parsed.data as z.infer<typeof CostSensitivityConfig>;
    trials = c.commissionMultipliers.length * c.slippageMultipliers.length;
  } else if (form.kind === 'monteCarlo' && parsed.success) {
    trials = Math.ceil((parsed.data as z.infer<typeof MonteCarloConfig>).paths / 100);
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const data = ctx.data.ok ? ctx.data.choice : undefined;
  const request = { kind: form.kind, strategyId: ctx.strategyId, ...(data ? { data } : {}), config: parsed.data } as ResearchRequest;
  return { ok: true, request, trials };
}
