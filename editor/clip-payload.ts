import { z } from 'zod';
import { GraphComment, GraphEdge, GraphGroup, GraphNode } from '../engine/graph.ts';
import { clipFormat, type Clip } from './clipboard.ts';

/*
 * Reading a clip back from clipboard text. Apart from clipboard.ts because it needs the graph's zod
 * schemas: the editor loads this module with the first paste, so building them is not part of its start.
 */

/**
 * The clipboard payload. Parsed with the graph's own schemas: it may come from anywhere. Notes and
 * groups are optional, so a payload from before they were copied still pastes.
 */
export const ClipPayload = z
  .object({
    format: z.literal(clipFormat),
    version: z.literal(1),
    nodes: z.array(GraphNode).max(2000),
    edges: z.array(GraphEdge).max(10_000),
    comments: z.array(GraphComment).max(500).default([]),
    groups: z.array(GraphGroup).max(200).default([]),
  })
  .refine((p) => p.nodes.length + p.comments.length > 0, 'an empty clip');

/** The clip in clipboard text, or null for anything else (plain text, another app's JSON, a damaged payload). */
export function parseClip(text: string): Clip | null {
  if (!text.includes(clipFormat)) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ClipPayload.safeParse(json);
  if (!parsed.success) return null;
  const { nodes, edges, comments, groups } = parsed.data;
  const ids = new Set(nodes.map((n) => n.id));
  // Keep only the wires and group members among the copied nodes, as `copySelection` does, whatever the payload claims.
  return {
    nodes,
    edges: edges.filter((e) => ids.has(e.source.node) && ids.has(e.target.node)),
    comments,
    groups: groups.flatMap((g) => {
      const members = g.nodes.filter((m) => ids.has(m));
      return members.length > 0 ? [{ ...g, nodes: members }] : [];
    }),
  };
}

