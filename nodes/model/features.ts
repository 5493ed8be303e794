import type { Wired } from '../contract.ts';

/**
 * What the online models (linear forecast, logistic classifier) share: up to three optional feature
 * inputs, of which only the wired ones enter the model, read into a scratch array each bar.
 */

export const featureInputs = {
  x1: { kind: 'number', description: 'First feature (optional).', optional: true },
  x2: { kind: 'number', description: 'Second feature (optional).', optional: true },
  x3: { kind: 'number', description: 'Third feature (optional).', optional: true },
} as const;

type Features = { readonly [K in keyof typeof featureInputs]: number };

/** Indices (0 for x1, 1 for x2, 2 for x3) of the wired features, in order. */
export function activeFeatures(wired: Wired<typeof featureInputs>): number[] {
  const active: number[] = [];
  (['x1', 'x2', 'x3'] as const).forEach((f, j) => {
    if (wired[f]) active.push(j);
  });
  return active;
}

/** Copy this bar's three features into `x`; 1 when every active one is known (not NaN), else 0. */
export function readFeatures(input: Features, active: readonly number[], x: number[]): number {
  x[0] = input.x1;
  x[1] = input.x2;
  x[2] = input.x3;
  for (let i = 0; i < active.length; i++) if (x[active[i]!] !== x[active[i]!]) return 0;
  return 1;
}
