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
