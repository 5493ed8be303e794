import type { EditorCatalog, Strategy, StrategySummary } from './api.ts';

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

/** A request started early, and its outcome once it has settled, readable without awaiting. */
export interface Early<T> {
  promise: Promise<T>;
  outcome?: { ok: true; value: T } | { ok: false; error: unknown };
}

/** Wrap a promise so its outcome can be read synchronously once settled. */
export function early<T>(promise: Promise<T>): Early<T> {
  const e: Early<T> = { promise };
  promise.then(
    (value) => (e.outcome = { ok: true, value }),
    (error: unknown) => (e.outcome = { ok: false, error }),
  );
  return e;
}

/**
 * The requests a fresh page needs before it can show the canvas: the node catalog, the strategy list,
 * and the strategy it reopens (`start`, set the moment the list arrives, before anyone awaiting the list
 * sees it). Started while the app's modules are still evaluating (main.tsx imports boot-start.ts first)
 * rather than from the first render's effects: measured, that was ~0.15–0.3 s later, and the strategy
 * then waited for the list, which waited for the first render.
 */
export interface BootRequests {
  catalog: Early<EditorCatalog>;
  strategies: Early<StrategySummary[]>;
  start?: { id: string; strategy: Promise<Strategy> };
}

export function startBoot(client: { catalog(): Promise<EditorCatalog>; listStrategies(): Promise<StrategySummary[]>; getStrategy(id: string): Promise<Strategy> }, last: string | null): BootRequests {
  const boot: BootRequests = { catalog: early(client.catalog()), strategies: early(client.listStrategies()) };
  boot.strategies.promise.then(
    (items) => {
      const id = pickStartStrategy(items, last);
      if (!id) return;
      const strategy = client.getStrategy(id);
      // Awaited (and its failure shown) by the app when it opens the strategy; unless the user opened another first.
      strategy.catch(() => undefined);
      boot.start = { id, strategy };
    },
    () => undefined,
  );
  return boot;
}
