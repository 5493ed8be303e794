import { readFileSync } from 'node:fs';

/**
 * The node API's declarations as text, for the Monaco TypeScript worker
 * (`monaco.languages.typescript.typescriptDefaults.addExtraLib(nodeApiDts, 'file:///node_modules/tradeloom/node.d.ts')`).
 * The editor bundle imports the same file with Vite's `?raw` (`sandbox/api/node-api.d.ts?raw`) instead.
 */
export const nodeApiDts: string = readFileSync(new URL('./node-api.d.ts', import.meta.url), 'utf8');
export const NODE_API_DTS_PATH = 'file:///node_modules/tradeloom/node.d.ts';
