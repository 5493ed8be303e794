import type { StrategySummary } from './api.ts';

/** localStorage key of the strategy the editor reopens on the next visit. */
export const lastStrategyKey = 'tradeloom.lastStrategy';
/** Stored as the last strategy when the user chose a blank document, so a reload keeps it blank. */
export const blankDocument = '';

/**
 * The strategy a fresh page reopens: the one open last (when it still exists), else the newest; null
 * for a blank canvas (the user last chose one, or has no strategies yet).
 *
 * @example pickStartStrategy(list, localStorage.getItem(lastStrategyKey))
 */
export function pickStartStrategy(items: readonly Pick<StrategySummary, 'id' | 'updatedAt'>[], last: string | null): string | null {
  if (items.length === 0 || last === blankDocument) return null;
  const found = items.find((s) => s.id === last);
  if (found) return found.id;
  return [...items].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0]!.id;
}

/** The stored last strategy, or null where storage is refused (private mode). */
export function readLastStrategy(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): string | null {
  try {
    return storage?.getItem(lastStrategyKey) ?? null;
  } catch {
    return null;
  }
}
