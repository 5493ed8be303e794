import { createContext, useContext } from 'react';
import type { CompileError } from '../engine/compile.ts';
import type { CatalogEntry } from '../nodes/registry.ts';
import type { EditorCatalog } from './api.ts';
import type { Settings } from './graph-mapping.ts';
import { schemaDefaults } from './schema-form.ts';

/** The node catalog from GET /api/nodes with a lookup by type, shared by the canvas, palette and inspector. */
export interface CatalogInfo {
  catalog: EditorCatalog;
  entry: (type: string) => CatalogEntry | undefined;
  /** JSON Schema of the backtest settings; empty from a server too old to send it. */
  settingsSchema: Record<string, unknown>;
  /** The settings a strategy gets for every field it does not set. */
  settingsDefaults: Settings;
}

export function catalogInfo(catalog: EditorCatalog): CatalogInfo {
  const byType = new Map(catalog.nodes.map((n) => [n.type, n]));
  const settingsSchema = catalog.settingsSchema ?? { type: 'object', properties: {} };
  return { catalog, entry: (type) => byType.get(type), settingsSchema, settingsDefaults: schemaDefaults(settingsSchema) as Settings };
}

export const CatalogContext = createContext<CatalogInfo | null>(null);

export function useCatalogInfo(): CatalogInfo {
  const info = useContext(CatalogContext);
  if (!info) throw new Error('useCatalogInfo needs a CatalogContext provider');
  return info;
}

/** Compile errors by node id, so each canvas node can show its own without touching node data. */
export const NodeErrorsContext = createContext<ReadonlyMap<string, CompileError[]>>(new Map());

/** Uploaded datasets' names by id, so a CSV node's summary shows the file, not its id. */
export const DatasetNamesContext = createContext<ReadonlyMap<string, string>>(new Map());

export function useNodeErrors(nodeId: string): CompileError[] {
  return useContext(NodeErrorsContext).get(nodeId) ?? noErrors;
}
const noErrors: CompileError[] = [];

export const categoryColors: Record<string, string> = {
  data: '#4fc3f7',
  indicator: '#9575cd',
  logic: '#ffb74d',
  math: '#90a4ae',
  model: '#f06292',
  portfolio: '#4db6ac',
  risk: '#e57373',
  order: '#66bb6a',
  output: '#a1887f',
  custom: '#ffd54f',
};

export const categoryTitles: Record<string, string> = {
  data: 'Data',
  indicator: 'Indicators',
  logic: 'Logic',
  math: 'Math',
  model: 'Models',
  portfolio: 'Portfolio',
  risk: 'Risk',
  order: 'Orders',
  output: 'Outputs',
  custom: 'Custom',
};

export const categoryOrder = ['data', 'indicator', 'logic', 'math', 'model', 'portfolio', 'risk', 'order', 'output', 'custom'];
