import { z } from 'zod';

export const comparisonOperators = ['>', '>=', '<', '<=', '==', '!='] as const;
export const ComparisonOperator = z.enum(comparisonOperators);
export type ComparisonOperator = z.infer<typeof ComparisonOperator>;

/** Compare two numbers; NaN on either side is unknown (NaN), not false, so warm-up stays visible. */
export function compareValues(a: number, op: ComparisonOperator, b: number): number {
  if (a !== a || b !== b) return NaN;
  switch (op) {
    case '>': return a > b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    case '<': return a < b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
  }
}

type ColumnLoop = (a: Float64Array, b: Float64Array, out: Float64Array, from: number, to: number) => void;
type LevelLoop = (a: Float64Array, level: number, out: Float64Array, from: number, to: number) => void;

/*
 * The NaN the loops write, as a constant of this module: the global `NaN` in a loop, on a path that has
 * not run when V8 optimizes it (no NaN input yet, as on most data), compiles to a call that looks the
 * global up. That call keeps every column's bounds and base in memory across the loop and the result
 * boxed: about 1.5× slower a bar (docs/engine.md, "NaN in a hot loop").
 */
const nan = NaN;

/*
 * One small function per operator. The result is taken as a number (`+(x > y)`), not chosen by a branch
 * the processor would mispredict whenever the comparison flips often (3× faster on a noisy series), and
 * computed before the NaN check (≈ 1.5× faster than inside it). Six loops in one function behind a
 * `switch` ran 2× slower than the same loop alone (V8's code for the big function; best of 15, 1M bars).
 */
const columnLoops: Record<ComparisonOperator, ColumnLoop> = {
  '>': (a, b, out, from, to) => { for (let t = from; t < to; t++) { const x = a[t]!, y = b[t]!, f = +(x > y); out[t] = x !== x || y !== y ? nan : f; } },
  '>=': (a, b, out, from, to) => { for (let t = from; t < to; t++) { const x = a[t]!, y = b[t]!, f = +(x >= y); out[t] = x !== x || y !== y ? nan : f; } },
  '<': (a, b, out, from, to) => { for (let t = from; t < to; t++) { const x = a[t]!, y = b[t]!, f = +(x < y); out[t] = x !== x || y !== y ? nan : f; } },
  '<=': (a, b, out, from, to) => { for (let t = from; t < to; t++) { const x = a[t]!, y = b[t]!, f = +(x <= y); out[t] = x !== x || y !== y ? nan : f; } },
  '==': (a, b, out, from, to) => { for (let t = from; t < to; t++) { const x = a[t]!, y = b[t]!, f = +(x === y); out[t] = x !== x || y !== y ? nan : f; } },
  '!=': (a, b, out, from, to) => { for (let t = from; t < to; t++) { const x = a[t]!, y = b[t]!, f = +(x !== y); out[t] = x !== x || y !== y ? nan : f; } },
};
const levelLoops: Record<ComparisonOperator, LevelLoop> = {
  '>': (a, level, out, from, to) => { for (let t = from; t < to; t++) { const x = a[t]!, f = +(x > level); out[t] = x !== x ? nan : f; } },
  '>=': (a, level, out, from, to) => { for (let t = from; t < to; t++) { const x = a[t]!, f = +(x >= level); out[t] = x !== x ? nan : f; } },
  '<': (a, level, out, from, to) => { for (let t = from; t < to; t++) { const x = a[t]!, f = +(x < level); out[t] = x !== x ? nan : f; } },
  '<=': (a, level, out, from, to) => { for (let t = from; t < to; t++) { const x = a[t]!, f = +(x <= level); out[t] = x !== x ? nan : f; } },
  '==': (a, level, out, from, to) => { for (let t = from; t < to; t++) { const x = a[t]!, f = +(x === level); out[t] = x !== x ? nan : f; } },
  '!=': (a, level, out, from, to) => { for (let t = from; t < to; t++) { const x = a[t]!, f = +(x !== level); out[t] = x !== x ? nan : f; } },
};

// Each operator in JavaScript (`==` is `===`: both sides are numbers).
const operatorCode: Record<ComparisonOperator, string> = { '>': '>', '>=': '>=', '<': '<', '<=': '<=', '==': '===', '!=': '!==' };

/**
 * `compareValues` of `x` against `y` as code for a pointwise chain (`pointwise` in the node contract),
 * as the loops above compute it: the flag taken before the NaN test. `y` may be a finite level that needs
 * no test (a Threshold's).
 */
export function compareCode(out: string, x: string, op: ComparisonOperator, y: string, yFinite = false): string {
  return `const ${out}f = +(${x} ${operatorCode[op]} ${y}); const ${out} = ${x} !== ${x}${yFinite ? '' : ` || ${y} !== ${y}`} ? nan : ${out}f;`;
}

/**
 * `compareValues` over bars [from, to) of columns: `a` against the column `b`, or against the constant
 * `level` when `b` is undefined (its own loops: with the column and the constant in one loop, a choice
 * per bar between them, a Threshold node's kernel ran at ≈ 5.5 ns a bar in a backtest; alone, ≈ 2.5).
 */
export function compareColumns(a: Float64Array, op: ComparisonOperator, b: Float64Array | undefined, level: number, out: Float64Array, from: number, to: number): void {
  if (b !== undefined) columnLoops[op](a, b, out, from, to);
  else if (level !== level) out.fill(NaN, from, to);
  else levelLoops[op](a, level, out, from, to);
}
