import { OptimizeRange } from '../../../engine/graph.ts';
import { expandRange } from '../../../engine/research/space.ts';
import { parseField, type FieldSpec } from '../../schema-form.ts';

/**
 * The range editor's text, parsed into a graph node's `optimize` range. The graph schema
 * (`OptimizeRange`) bounds the shape and size; the param's own field spec (from its JSON Schema) checks
 * every value the range expands to, so a fractional period or a value out of bounds is caught while
 * typing, the same way the server's `paramSpace` refuses it.
 */

const [listRange, stepRange] = OptimizeRange.options;

export type RangeDraft = { mode: 'range'; min: string; max: string; step: string } | { mode: 'list'; values: string };
export type RangeInput = 'min' | 'max' | 'step' | 'values';

export type ParsedRange =
  | { ok: true; range: OptimizeRange; values: number[] }
  | { ok: false; errors: Partial<Record<RangeInput, string>> };

/** Params a range can vary: numbers and whole numbers (choices and switches are not swept). */
export function isOptimisable(field: FieldSpec): boolean {
  return field.kind === 'number' || field.kind === 'integer';
}

/** The editor's text for a stored range. */
export function draftOf(range: OptimizeRange): RangeDraft {
  return 'values' in range
    ? { mode: 'list', values: range.values.join(', ') }
    : { mode: 'range', min: String(range.min), max: String(range.max), step: String(range.step) };
}

/** The draft after switching between min/max/step and a list, keeping the same values where it can. */
export function switchMode(draft: RangeDraft, field: FieldSpec): RangeDraft {
  const parsed = parseRangeDraft(draft, field);
  if (draft.mode === 'range') return { mode: 'list', values: parsed.ok ? parsed.values.join(', ') : '' };
  const values = parsed.ok ? parsed.values : [];
  if (values.length >= 2) {
    const sorted = [...values].sort((a, b) => a - b);
    const step = round12(sorted[1]! - sorted[0]!);
    // Evenly spaced lists become the same range; anything else keeps its ends and a guessed step.
    return { mode: 'range', min: String(sorted[0]), max: String(sorted.at(-1)), step: String(step > 0 ? step : 1) };
  }
  return { mode: 'range', min: values[0] !== undefined ? String(values[0]) : '', max: values[0] !== undefined ? String(values[0]) : '', step: field.kind === 'integer' ? '1' : '' };
}

const round12 = (n: number) => Number(n.toPrecision(12));

/** Round a step to one or two significant figures, so a default reads 0.5 or 2, not 0.4166666. */
function niceStep(span: number, integer: boolean): number {
  if (!(span > 0)) return 1;
  const raw = span / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw * 0.999) ?? raw;
  return integer ? Math.max(1, Math.round(nice)) : round12(nice);
}

/**
 * A starting range around the current value: half to double it in about five steps, kept inside the
 * param's bounds. Falls back to the value alone when no wider range fits (a param pinned by its bounds).
 */
export function defaultRange(field: FieldSpec, value: unknown): OptimizeRange {
  const current = typeof value === 'number' && Number.isFinite(value) ? value : typeof field.defaultValue === 'number' ? field.defaultValue : 1;
  const integer = field.kind === 'integer';
  let lo = current > 0 ? current / 2 : current - 1;
  let hi = current > 0 ? current * 2 : current + 1;
  const floor = field.minimum ?? (field.exclusiveMinimum !== undefined ? field.exclusiveMinimum + (integer ? 1 : Math.abs(field.exclusiveMinimum) * 1e-6 || 1e-6) : undefined);
  const ceiling = field.maximum ?? (field.exclusiveMaximum !== undefined ? field.exclusiveMaximum - (integer ? 1 : Math.abs(field.exclusiveMaximum) * 1e-6 || 1e-6) : undefined);
  if (floor !== undefined) lo = Math.max(lo, floor);
  if (ceiling !== undefined) hi = Math.min(hi, ceiling);
  if (integer) {
    lo = Math.ceil(lo);
    hi = Math.floor(hi);
  }
  const step = niceStep(hi - lo, integer);
  const candidate = { min: round12(lo), max: round12(lo + Math.floor((hi - lo) / step + 1e-9) * step), step };
  const parsed = parseRangeDraft({ mode: 'range', min: String(candidate.min), max: String(candidate.max), step: String(candidate.step) }, field);
  return parsed.ok && parsed.values.length > 1 ? parsed.range : { values: [current] };
}

/** A number typed into the editor, or why not. */
function number(text: string, what: string): number | string {
  const t = text.trim();
  if (t === '') return `${what} is required`;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return `${what} must be a number`;
  return Number(t);
}

/** Parse the editor's text into a range and the values it expands to, with a message per bad input. */
export function parseRangeDraft(draft: RangeDraft, field: FieldSpec): ParsedRange {
  let candidate: unknown;
  if (draft.mode === 'list') {
    const parts = draft.values.split(/[\s,;]+/).filter(Boolean);
    if (parts.length === 0) return { ok: false, errors: { values: 'list at least one value' } };
    const numbers: number[] = [];
    for (const p of parts) {
      const n = number(p, `“${p}”`);
      if (typeof n === 'string') return { ok: false, errors: { values: n } };
      numbers.push(n);
    }
    candidate = { values: numbers };
  } else {
    const errors: Partial<Record<RangeInput, string>> = {};
    const min = number(draft.min, 'min');
    const max = number(draft.max, 'max');
    const step = number(draft.step, 'step');
    if (typeof min === 'string') errors.min = min;
    if (typeof max === 'string') errors.max = max;
    if (typeof step === 'string') errors.step = step;
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    candidate = { min, max, step };
  }
  // Each mode checks against its own branch of the union, so messages name its inputs, not the other branch's.
  const shape = (draft.mode === 'list' ? listRange : stepRange).safeParse(candidate);
  if (!shape.success) {
    const errors: Partial<Record<RangeInput, string>> = {};
    for (const issue of shape.error.issues) {
      const key = issue.path[0] as RangeInput | undefined;
      const at: RangeInput = key && ['min', 'max', 'step', 'values'].includes(key) ? key : draft.mode === 'list' ? 'values' : 'step';
      errors[at] ??= rangeMessage(issue);
    }
    return { ok: false, errors };
  }
  const values = expandRange(shape.data);
  for (const v of values) {
    const check = parseField({ ...field, optional: false }, String(v));
    if (!check.ok) return { ok: false, errors: { [draft.mode === 'list' ? 'values' : 'min']: `${v} ${check.message}` } };
  }
  return { ok: true, range: shape.data, values };
}

function rangeMessage(issue: { code: string; message: string; minimum?: unknown; maximum?: unknown; origin?: unknown }): string {
  if (issue.code === 'too_big' && issue.origin === 'array') return `at most ${String(issue.maximum)} values`;
  if (issue.code === 'too_small' && issue.origin === 'array') return 'list at least one value';
  if (issue.code === 'too_small' && issue.origin === 'number') return 'must be greater than 0';
  return issue.message;
}

/** "6 values: 5, 10, 15 … 30" — what a sweep will try, short enough for one line. */
export function describeValues(values: readonly number[]): string {
  const n = values.length;
  const shown = n <= 6 ? values.join(', ') : `${values.slice(0, 3).join(', ')} … ${values.at(-1)}`;
  return `${n.toLocaleString('en-US')} value${n === 1 ? '' : 's'}: ${shown}`;
}
