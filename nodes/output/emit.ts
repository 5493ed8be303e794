import { z } from 'zod';

/**
 * When an output node emits a row, shared by the CSV export and the webhook alert so both read the
 * same condition the same way.
 */
export const EmitMode = z
  .enum(['onTrue', 'onRise', 'onChange', 'everyBar'])
  .describe('onTrue: every bar the condition is true. onRise: the bar it turns true. onChange: the bar it turns true or false. everyBar: every bar.');
export type EmitMode = z.infer<typeof EmitMode>;

/** Plain-data state of the emit rule. */
export interface EmitState {
  /** Whether `when` has an edge; unwired, every bar reads as true. */
  wired: boolean;
  /** The last known condition (0 or 1); starts false so a condition that is true at once is a rise. */
  last: number;
}

export const emitState = (whenWired: boolean): EmitState => ({ wired: whenWired, last: 0 });

/**
 * Decide whether this bar emits, and remember the condition. A NaN (unknown) condition never emits and
 * leaves the remembered condition alone: a data hiccup inside a true stretch must not read as a new rise.
 */
export function emits(s: EmitState, mode: EmitMode, when: number): boolean {
  if (mode === 'everyBar') return true;
  const now = s.wired ? when : 1;
  if (now !== now) return false;
  const on = now === 1 ? 1 : 0;
  const before = s.last;
  s.last = on;
  if (mode === 'onTrue') return on === 1;
  if (mode === 'onRise') return on === 1 && before === 0;
  return on !== before;
}

/** Caveats both output nodes share, word for word. */
export const emitCaveats: readonly string[] = [
  'onTrue emits on every bar whose condition is exactly 1; onRise on the bar it turns 1 after being false; onChange on the bar it turns 1 and on the bar it turns back to 0; everyBar on every bar the node steps, whatever the condition (warm-up rows carry empty values).',
  'A NaN (unknown) condition never emits and does not count as a change: true, NaN, true is one rise, not two. The condition starts false, so a condition that is true on its first known bar is a rise (and a change).',
  'With `when` unwired every bar reads as true: onTrue and everyBar emit every bar, onRise and onChange only on the first bar.',
  'Bars skipped for a bad price (see docs/engine.md) are not stepped and never emit.',
  'Emitted rows are recorded by the engine, capped at 10 000 per node per run: the first 10 000 are kept, later ones dropped, and the run names the node in `eventsTruncated`.',
];
