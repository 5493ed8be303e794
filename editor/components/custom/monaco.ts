import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/typescript/register';
import { typescriptDefaults, ModuleKind, ModuleResolutionKind, ScriptTarget } from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker';
import nodeApiDts from '../../../sandbox/api/node-api.d.ts?raw';

/**
 * Monaco, bundled by Vite with its workers (no CDN), set up once for custom nodes: TypeScript with
 * the node API's declarations, so `import { defineNode, z } from 'tradeloom/node'` has IntelliSense and
 * type errors show as you type. Only the editor core, its features and the TypeScript language are
 * imported, which keeps this chunk (loaded when the custom-node editor first opens) as small as Monaco allows.
 */

/** Where the declarations live for the TypeScript worker; the same path the sandbox docs name. */
export const NODE_API_DTS_PATH = 'file:///node_modules/tradeloom/node.d.ts';

/** The model's file name: errors and the "Go to definition" list read as the user's own file. */
export const CUSTOM_NODE_URI = 'file:///custom-node.ts';

let ready = false;

export function setUpMonaco(): typeof monaco {
  if (ready) return monaco;
  ready = true;
  self.MonacoEnvironment = {
    getWorker: (_id: string, label: string) => (label === 'typescript' || label === 'javascript' ? new TsWorker({ name: label }) : new EditorWorker({ name: label })),
  };
  typescriptDefaults.setCompilerOptions({
    target: ScriptTarget.ES2020,
    module: ModuleKind.ESNext,
    moduleResolution: ModuleResolutionKind.NodeJs,
    strict: true,
    noEmit: true,
    // The sandbox has no DOM and no Node: only the language itself, so `document` or `process` are type errors.
    lib: ['es2022'],
    allowNonTsExtensions: true,
  });
  typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
  typescriptDefaults.addExtraLib(nodeApiDts, NODE_API_DTS_PATH);
  monaco.editor.defineTheme('tradeloom-dark', {
    base: 'vs-dark',
    inherit: true,
    rules: [],
    colors: {
      'editor.background': '#0f1318',
      'editor.lineHighlightBackground': '#171c23',
      'editorGutter.background': '#0f1318',
      'editorLineNumber.foreground': '#4a5566',
      'editorWidget.background': '#171c23',
      'editorWidget.border': '#2d3541',
    },
  });
  return monaco;
}

export type Monaco = typeof monaco;
