import { createContext, useContext } from 'react';
import type { OverlayNode } from './strategy-diff.ts';

export type DiffStatus = OverlayNode['status'];

/**
 * Each node's status in the version diff being shown, by node id, so the shared canvas node can mark
 * itself added, changed or removed without diff fields leaking into node data. Empty outside a diff.
 */
export const DiffStatusContext = createContext<ReadonlyMap<string, DiffStatus>>(new Map());

export function useDiffStatus(nodeId: string): DiffStatus | undefined {
  return useContext(DiffStatusContext).get(nodeId);
}

/** The words a node's diff badge shows; unchanged and merely moved nodes get no badge. */
export const diffBadges: Partial<Record<DiffStatus, string>> = { added: 'Added', removed: 'Removed', changed: 'Changed' };
