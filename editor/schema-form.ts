/**
 * Turns a node's params JSON Schema (from the catalog, produced by `z.toJSONSchema`) into form fields
 * and validates what the user types, so the form never needs a second copy of any schema.
 */

import { fmtLocale } from './format.ts';

export type FieldKind = 'number' | 'integer' | 'string' | 'enum' | 'boolean' | 'unsupported';

export interface FieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
  description?: string;
  /** A field with no default that the schema does not require: leaving it empty removes it. */
  optional: boolean;
  defaultValue?: unknown;
  options?: readonly (string | number)[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** What to say when the text does not match `pattern` (the schema's `patternMessage`, else a generic line). */
  patternMessage?: string;
  format?: string;
}

type JsonSchema = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** "startPrice" → "Start price", "maxPercentEquity" → "Max percent equity". */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function fieldsOf(schema: JsonSchema): FieldSpec[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([key, prop]) => {
    const type = prop.type;
    const kind: FieldKind = Array.isArray(prop.enum)
      ? 'enum'
      : type === 'integer' || type === 'number' || type === 'string' || type === 'boolean'
        ? type
        : 'unsupported';
    return {
      key,
      // A schema title ("Commission (bps)") says more than the key; nodes without one get the key in words.
      label: typeof prop.title === 'string' && prop.title ? prop.title : humanize(key),
      kind,
      description: typeof prop.description === 'string' ? prop.description : undefined,
      optional: !('default' in prop) && !required.has(key),
      defaultValue: prop.default,
      options: Array.isArray(prop.enum) ? (prop.enum as (string | number)[]) : undefined,
      minimum: num(prop.minimum),
      maximum: num(prop.maximum),
      exclusiveMinimum: num(prop.exclusiveMinimum),
      exclusiveMaximum: num(prop.exclusiveMaximum),
      minLength: num(prop.minLength),
      maxLength: num(prop.maxLength),
      pattern: typeof prop.pattern === 'string' ? prop.pattern : undefined,
      patternMessage: typeof prop.patternMessage === 'string' ? prop.patternMessage : undefined,
      format: typeof prop.format === 'string' ? prop.format : undefined,
    };
  });
}

/** Every property's `default`, e.g. the backtest settings a new strategy starts with. */
export function schemaDefaults(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) if ('default' in prop) out[key] = prop.default;
  return out;
}

/** Text shown in an input for a stored value. */
export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value);
}

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Parse and validate the text of one field. An empty optional field parses to `undefined` (the key is
 * removed); an empty field with a default falls back to the default.
 */
export function parseField(field: FieldSpec, text: string): Parsed {
  const trimmed = text.trim();
  if (field.kind === 'boolean') return { ok: true, value: text === 'true' };
  if (trimmed === '') {
    if (field.optional) return { ok: true, value: undefined };
    if (field.kind === 'string' && field.minLength === undefined) return { ok: true, value: '' };
    if (field.kind !== 'string') return { ok: false, message: 'is required' };
  }
  if (field.kind === 'enum') {
    const match = field.options?.find((o) => String(o) === text);
    return match === undefined ? { ok: false, message: `must be one of ${field.options?.join(', ')}` } : { ok: true, value: match };
  }
  if (field.kind === 'number' || field.kind === 'integer') {
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed)) return { ok: false, message: 'must be a number' };
    const value = Number(trimmed);
    if (!Number.isFinite(value)) return { ok: false, message: 'must be a finite number' };
    if (field.kind === 'integer' && !Number.isInteger(value)) return { ok: false, message: 'must be a whole number' };
    if (field.minimum !== undefined && value < field.minimum) return { ok: false, message: `must be at least ${field.minimum}` };
    if (field.exclusiveMinimum !== undefined && value <= field.exclusiveMinimum) return { ok: false, message: `must be greater than ${field.exclusiveMinimum}` };
    if (field.maximum !== undefined && value > field.maximum) return { ok: false, message: `must be at most ${field.maximum}` };
    if (field.exclusiveMaximum !== undefined && value >= field.exclusiveMaximum) return { ok: false, message: `must be less than ${field.exclusiveMaximum}` };
    return { ok: true, value };
  }
  if (field.kind === 'string') {
    if (field.minLength !== undefined && text.length < field.minLength) {
      return { ok: false, message: field.minLength === 1 ? 'is required' : `must be at least ${field.minLength} characters` };
    }
    if (field.maxLength !== undefined && text.length > field.maxLength) return { ok: false, message: `must be at most ${field.maxLength} characters` };
    if (field.format === 'date-time' && (!safeTest(field.pattern, text) || Number.isNaN(Date.parse(text)))) {
      return { ok: false, message: 'must be a UTC date-time like 2024-01-01T00:00:00Z' };
    }
    if (field.format !== 'date-time' && field.pattern && !safeTest(field.pattern, text)) return { ok: false, message: field.patternMessage ?? 'has the wrong format' };
    return { ok: true, value: text };
  }
  return { ok: false, message: 'this field type cannot be edited here yet' };
}

function safeTest(pattern: string | undefined, text: string): boolean {
  if (!pattern) return true;
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return true;
  }
}

/** Short "key value" pairs shown on a canvas node, e.g. `period 10`. */
export function paramSummary(schema: JsonSchema, params: Record<string, unknown>, max = 3, names: ReadonlyMap<string, string> = noNames): string[] {
  const out: string[] = [];
  // Every canvas node summarises its params on each render: read each catalog schema's fields once.
  let fields = summaryFields.get(schema);
  if (!fields) summaryFields.set(schema, (fields = fieldsOf(schema)));
  for (const field of fields) {
    if (out.length >= max) break;
    const value = params[field.key] ?? field.defaultValue;
    if (value === undefined || value === '') continue;
    // A list param (a CSV basket's datasets) says how many it holds; an object has no short form.
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) continue;
    // A text that names something the editor knows by another name (a dataset's id): that name.
    const text = typeof value === 'number' ? formatParamNumber(value) : Array.isArray(value) ? String(value.length) : (names.get(String(value)) ?? String(value));
    out.push(`${field.label.toLowerCase()} ${text.length > 24 ? text.slice(0, 23) + '…' : text}`);
  }
  return out;
}

const summaryFields = new WeakMap<JsonSchema, readonly FieldSpec[]>();
const noNames: ReadonlyMap<string, string> = new Map();

function formatParamNumber(n: number): string {
  return Math.abs(n) >= 10_000 && Number.isInteger(n) ? fmtLocale(n) : String(n);
}
