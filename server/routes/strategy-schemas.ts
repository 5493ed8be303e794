import { z } from '@hono/zod-openapi';
import { StoredGraph } from '../schemas.ts';

/** Request and response shapes of the strategy library: search, versions, duplicate, import and export. */

export const StrategyListQuery = z.object({
  q: z.string().trim().max(200).optional().openapi({ param: { name: 'q', in: 'query' }, description: 'Only strategies whose name contains this text (any case).' }),
});

export const VersionParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  number: z.coerce.number().int('a version number is a whole number').min(1).max(2_147_483_647).openapi({ param: { name: 'number', in: 'path' }, example: 1 }),
});

export const StrategyVersionSummary = z
  .object({
    number: z.number().int().describe('1 for the first save, then 2, 3, … per strategy.'),
    name: z.string().describe('The strategy’s name when this version was saved.'),
    message: z.string().nullable(),
    restoredFrom: z.number().int().nullable().describe('The version this one restored, if it was made by a restore.'),
    nodeCount: z.number().int(),
    edgeCount: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('StrategyVersionSummary');

export const StrategyVersionOut = StrategyVersionSummary.extend({
  strategyId: z.uuid(),
  description: z.string().nullable(),
  graph: z.record(z.string(), z.unknown()),
}).openapi('StrategyVersion');

export const RestoreRequest = z
  .object({ message: z.string().trim().max(500).optional().describe('A note for the new version; “Restored from version N” when left out.') })
  .openapi('RestoreRequest');

export const DuplicateRequest = z
  .object({ name: z.string().trim().min(1, 'give the strategy a name').max(200).optional().describe('Name of the copy; “<name> (copy)” when left out.') })
  .openapi('DuplicateRequest');

export const ExportQuery = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .openapi({ param: { name: 'version', in: 'query' }, description: 'Export this version instead of the newest.' }),
});

export const exportFormat = 'tradeloom.strategy';

/**
 * A strategy as a file: what `GET /api/strategies/{id}/export` writes and `POST /api/strategies/import`
 * reads. The graph is checked against the same schema the compiler reads; compiling is left to the editor.
 */
export const StrategyExport = z
  .object({
    format: z.literal(exportFormat, { error: `not a Tradeloom strategy file: "format" must be "${exportFormat}"` }),
    formatVersion: z.literal(1, { error: 'this Tradeloom reads strategy files of format version 1' }),
    name: z.string().trim().min(1, 'give the strategy a name').max(200),
    description: z.string().max(5000).nullable().default(null),
    graph: StoredGraph,
    exportedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .openapi('StrategyExport');

export type StrategyExport = z.infer<typeof StrategyExport>;
