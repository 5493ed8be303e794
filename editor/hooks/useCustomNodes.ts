import { useEffect, useState } from 'react';
import type { CatalogEntry } from '../../nodes/registry.ts';
import { api, type CustomNodeSummary } from '../api.ts';
import { useLoad, type Loadable } from './useLoad.ts';

/** The user's custom nodes (id, type, latest version), for the editor's "open" list. */
export function useCustomNodes(): [Loadable<CustomNodeSummary[]>, () => Promise<void>] {
  return useLoad(api.listCustomNodes);
}

export const isCustomType = (type: string): boolean => type.startsWith('custom.');

/**
 * Catalog entries of older custom node versions, fetched once per type and version: the catalog holds
 * only each custom node's latest, but a graph may pin an older one whose ports differ.
 */
const pinnedEntries = new Map<string, Promise<CatalogEntry | null>>();

function fetchPinned(type: string, version: number): Promise<CatalogEntry | null> {
  const key = `${type}@${version}`;
  let hit = pinnedEntries.get(key);
  if (!hit) {
    hit = api
      .listCustomNodes()
      .then((nodes) => nodes.find((n) => n.type === type))
      .then((node) => (node ? api.getCustomNodeVersion(node.id, version).then((v) => v.catalogEntry) : null))
      .catch(() => {
        // Not cached: the next render after the server is back tries again.
        pinnedEntries.delete(key);
        return null;
      });
    pinnedEntries.set(key, hit);
  }
  return hit;
}

/**
 * The catalog entry a canvas node should be drawn with: the pinned version's for a custom node on an
 * older version (the latest's until it arrives), else the catalog's.
 */
export function usePinnedEntry(type: string, version: number, latest: CatalogEntry | undefined): CatalogEntry | undefined {
  const older = latest !== undefined && isCustomType(type) && version < latest.version;
  const [pinned, setPinned] = useState<CatalogEntry | null>(null);
  useEffect(() => {
    if (!older) return;
    let live = true;
    void fetchPinned(type, version).then((entry) => live && setPinned(entry));
    return () => {
      live = false;
    };
  }, [older, type, version]);
  return older && pinned && pinned.version === version ? pinned : latest;
}

/**
 * Params for a node moved to a newer version: values the new version still accepts by name are kept,
 * the rest take its defaults. Whether the kept values fit the new bounds is the compiler's to say.
 */
export function upgradeParams(params: Record<string, unknown>, entry: CatalogEntry): Record<string, unknown> {
  const known = new Set(Object.keys((entry.paramsSchema.properties as Record<string, unknown> | undefined) ?? {}));
  const kept = Object.fromEntries(Object.entries(params).filter(([k]) => known.has(k)));
  return { ...structuredClone(entry.defaults), ...kept };
}
