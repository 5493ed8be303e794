import { z } from 'zod';
import { isTrue } from '../../bool.ts';
import type { PortSpec } from '../../contract.ts';

/**
 * The entry and exit wiring the sizing nodes share with `order.targetPercent`: with only Enter wired the
 * position is held exactly while Enter is true; with Exit wired too, Enter opens and Exit closes (Exit
 * wins when both fire). The mode comes from the wiring, so an Exit still warming up (NaN) reads
 * "do not exit" rather than switching modes.
 */
export const entryInputs = {
  enter: { kind: 'bool', description: 'Open the position (or hold it, when Exit is not wired).' },
  exit: { kind: 'bool', description: 'Close the position.', optional: true },
} as const satisfies Record<string, PortSpec>;

export const sideParam = z.enum(['long', 'short']).default('long').describe('Direction of the position.');

/** The cap every sizing node puts on the position's value, whatever its sizing rule says. */
export function capParam(defaultPercent: number) {
  return z
    .number()
    .gt(0)
    .max(1000)
    .default(defaultPercent)
    .describe('Largest position value as a percent of equity, whatever the sizing says (over 100 uses leverage).');
}

/**
 * Whether the strategy wants to be in a position this bar, given whether it is in one now (`holding`)
 * and whether Exit is wired (`latched`).
 */
export function wantsIn(latched: boolean, holding: boolean, enter: number, exit: number): boolean {
  if (!latched) return isTrue(enter);
  if (isTrue(exit)) return false;
  return isTrue(enter) || holding;
}
