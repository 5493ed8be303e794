import { isDeepStrictEqual } from 'node:util';
import { LockMode, type EntityManager } from '@mikro-orm/core';
import { Strategy, StrategyVersion } from './db/entities.ts';

/**
 * Strategies and their immutable versions. Every write that changes a strategy's graph goes through
 * here, so a strategy's history always ends in the state the strategy holds.
 */

/** A strategy as the API returns it. */
export function strategyOut(s: Strategy) {
  return {
    id: s.id,
    name: s.name,
    version: s.latestVersion,
    graph: s.graph,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

/** The message on the version 1 that stands for a strategy saved before versions existed. */
export const preHistoryMessage = 'Saved before version history existed';

export interface NewStrategy {
  owner: string;
  name: string;
  graph: Record<string, unknown>;
  description?: string | null;
  /** Why version 1 exists, e.g. "Imported from a file". */
  message?: string | null;
}

/** Create a strategy together with its version 1; flushed by the caller. */
export function createStrategy(em: EntityManager, input: NewStrategy): Strategy {
  const s = em.create(Strategy, { owner: input.owner, name: input.name, graph: input.graph, latestVersion: 1 });
  em.create(StrategyVersion, {
    owner: input.owner,
    strategy: s,
    number: 1,
    name: input.name,
    description: input.description ?? null,
    graph: input.graph,
    message: input.message ?? null,
    restoredFrom: null,
  });
  return s;
}

/** Lock a strategy row for the rest of the transaction, so two saves never take the same version number. */
export function lockStrategy(tx: EntityManager, id: string, owner: string): Promise<Strategy | null> {
  return tx.findOne(Strategy, { id, owner }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/**
 * A strategy written without a version (before the versions migration, or by code that bypassed
 * `createStrategy`) gets its current state recorded as version 1, dated by its last change. Call
 * inside a transaction holding the row lock.
 */
export async function ensureFirstVersion(tx: EntityManager, s: Strategy): Promise<void> {
  if (s.latestVersion > 0) return;
  tx.create(StrategyVersion, {
    owner: s.owner,
    strategy: s,
    number: 1,
    name: s.name,
    description: null,
    graph: s.graph,
    message: preHistoryMessage,
    restoredFrom: null,
    createdAt: s.updatedAt,
  });
  s.latestVersion = 1;
  await tx.flush();
}

/** The newest version of a locked strategy that already has one. */
export async function latestVersion(tx: EntityManager, s: Strategy): Promise<StrategyVersion> {
  return tx.findOneOrFail(StrategyVersion, { strategy: s, number: s.latestVersion });
}

/** Compare as stored: jsonb does not keep key order, and a round trip drops undefined fields. */
export function sameDocument(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}

/**
 * Append the strategy's current name and graph as its next version. The caller holds the row lock and
 * has already called `ensureFirstVersion`.
 */
export function appendVersion(
  tx: EntityManager,
  s: Strategy,
  extra: { description: string | null; message?: string | null; restoredFrom?: number | null },
): StrategyVersion {
  s.latestVersion += 1;
  // The strategy's own row changes only in its counter when a restore brings back identical content;
  // bumping updatedAt keeps "most recently changed first" true for the list.
  s.updatedAt = new Date();
  return tx.create(StrategyVersion, {
    owner: s.owner,
    strategy: s,
    number: s.latestVersion,
    name: s.name,
    description: extra.description,
    graph: s.graph,
    message: extra.message ?? null,
    restoredFrom: extra.restoredFrom ?? null,
  });
}

/** Escape `%`, `_` and `\` so user text matches literally inside an ILIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * `base` if no strategy of this owner has that name, else `base (suffix)`, `base (suffix 2)`, … —
 * cut so the result still fits the 200-character name column.
 */
export async function uniqueName(em: EntityManager, owner: string, base: string, suffix: string, always = false): Promise<string> {
  const rows = await em.find(Strategy, { owner, name: { $ilike: `${escapeLike(base.slice(0, 150))}%` } }, { fields: ['name'] });
  const taken = new Set(rows.map((r) => r.name));
  if (!always && !taken.has(base)) return base;
  for (let n = 1; ; n++) {
    const tail = n === 1 ? ` (${suffix})` : ` (${suffix} ${n})`;
    const name = `${base.slice(0, 200 - tail.length)}${tail}`;
    if (!taken.has(name)) return name;
  }
}
