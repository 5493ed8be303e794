import { existsSync, readFileSync } from 'node:fs';
import { parseOhlcvCsv } from '../engine/csv.ts';
import type { AnyNodeDefinition } from './contract.ts';
import { barFields, type Bar, type BarField } from './ports.ts';
import { runNode } from './testing.ts';

/** One reference case, as bench/reference/generate.py writes it beside the node. */
interface ReferenceCase {
  params: Record<string, unknown>;
  /** Input port → bar field it reads (`close`, `volume`…), or `bars` for a whole-bar port. */
  inputs: Record<string, BarField | 'bars'>;
  reference: string;
  /** First bar compared (reference implementations with an "unstable period" differ before it). */
  compareFrom: number | null;
  /** Output port → value per bar; null where the reference gives no value (NaN). */
  outputs: Record<string, (number | null)[]>;
}

export interface Mismatch {
  caseIndex: number;
  port: string;
  bar: number;
  ours: number;
  reference: number | null;
}

const root = new URL('../', import.meta.url);
let cachedBars: ReturnType<typeof parseOhlcvCsv> | undefined;

/** The fixture bars both sides read (bench/reference/bars.csv). */
export function referenceBars() {
  return (cachedBars ??= parseOhlcvCsv(readFileSync(new URL('bench/reference/bars.csv', root), 'utf8')));
}

/** Load `nodes/<category>/<name>/reference.json` for a node type. */
export function loadReference(type: string): { cases: ReferenceCase[] } {
  const [category, name] = type.split('.');
  const file = new URL(`nodes/${category}/${name}/reference.json`, root);
  if (!existsSync(file)) throw new Error(`no reference values for ${type}: add bench/reference/specs/${type}.json and run bench/reference/generate.py`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * Run a node over the reference bars for each recorded case and list every bar where it disagrees with
 * the independent implementation: beyond 1e-9 relative (to the larger of the value and the series' mean
 * magnitude, so values crossing zero are judged on the series' scale), or NaN where the reference has a
 * value and the other way round. An empty list means the node matches.
 */
export function compareWithReference(def: AnyNodeDefinition, tolerance = 1e-9): { cases: number; compared: number; mismatches: Mismatch[] } {
  const bars = referenceBars();
  const n = bars.close.length;
  const { cases } = loadReference(def.type);
  const mismatches: Mismatch[] = [];
  let compared = 0;
  cases.forEach((c, caseIndex) => {
    const inputs: Record<string, number[] | Bar[]> = {};
    for (const [port, field] of Object.entries(c.inputs)) {
      inputs[port] =
        field === 'bars'
          ? Array.from({ length: n }, (_, i) => Object.fromEntries(barFields.map((f) => [f, bars[f][i]!])) as Bar)
          : Array.from(bars[field]);
    }
    const ours = runNode(def, { params: c.params, inputs, bars: n, ctx: (i) => ({ time: bars.time[i]!, open: bars.open[i]!, high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]!, volume: bars.volume[i]! }) });
    for (const [port, expected] of Object.entries(c.outputs)) {
      const finite = expected.filter((v): v is number => v !== null);
      const scale = finite.reduce((a, v) => a + Math.abs(v), 0) / Math.max(1, finite.length);
      for (let i = c.compareFrom ?? 0; i < n; i++) {
        const ref = expected[i] ?? null;
        const got = ours[port]![i] as number;
        compared++;
        const ok = ref === null ? Number.isNaN(got) : Math.abs(got - ref) <= tolerance * Math.max(Math.abs(ref), scale);
        if (!ok) mismatches.push({ caseIndex, port, bar: i, ours: got, reference: ref });
      }
    }
  });
  return { cases: cases.length, compared, mismatches };
}
