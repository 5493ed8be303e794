/**
 * Conditions travel in Float64 slots: 1 is true, 0 is false, NaN is "not known yet" (warm-up).
 * Logic nodes read unknown as false, so a strategy never acts on an indicator that has no value yet.
 */
export const TRUE = 1;
export const FALSE = 0;

export function isTrue(x: number): boolean {
  return x === TRUE;
}

export function bool(b: boolean): number {
  return b ? TRUE : FALSE;
}

/**
 * For the pointwise code of AND, OR and XOR (`pointwise` in the node contract): the names of the
 * conditions that count, A and B always, C and D when wired (an unwired one reads NaN and is left out).
 */
export function wiredConditions([a, b, c, d]: readonly string[], wired: { readonly c?: boolean; readonly d?: boolean }): string[] {
  return [a!, b!, ...(wired.c ? [c!] : []), ...(wired.d ? [d!] : [])];
}
