import { useEffect, useRef } from 'react';
import { removedGlobalMarkers, type SourceMarker } from './markers.ts';
import { CUSTOM_NODE_URI, setUpMonaco } from './monaco.ts';

interface Props {
  /** The source to show when the editor opens, and whenever `revision` changes (another node or version opened). */
  initial: string;
  revision: number;
  onChange: (source: string) => void;
  /** Problems the server found (line and column), shown as markers until the next edit. */
  serverMarkers: readonly SourceMarker[];
  /** TypeScript errors from the editor's own worker, counted for the status line. */
  onTypeErrors?: (count: number) => void;
}

const SERVER_OWNER = 'tradeloom-server';
// Uses of globals the sandbox removes, which the TypeScript library still declares (markers.ts).
const SANDBOX_OWNER = 'tradeloom-sandbox';

/**
 * Monaco on the custom node's source. The TypeScript worker type-checks as you type against the node
 * API's declarations; the server's own refusals (syntax, contract) come back as markers of their own.
 */
export function CodeEditor({ initial, revision, onChange, serverMarkers, onTypeErrors }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<ReturnType<ReturnType<typeof setUpMonaco>['editor']['create']> | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const onTypeErrorsRef = useRef(onTypeErrors);
  onTypeErrorsRef.current = onTypeErrors;

  useEffect(() => {
    const monaco = setUpMonaco();
    const uri = monaco.Uri.parse(CUSTOM_NODE_URI);
    const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(initial, 'typescript', uri);
    model.setValue(initial);
    const editor = monaco.editor.create(host.current!, {
      model,
      theme: 'tradeloom-dark',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      lineHeight: 20,
      fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace",
      scrollBeyondLastLine: false,
      tabSize: 2,
      renderLineHighlight: 'line',
      fixedOverflowWidgets: true,
      padding: { top: 8 },
    });
    editorRef.current = editor;
    const checkGlobals = () => {
      const text = model.getValue();
      const found = removedGlobalMarkers(text.split('\n'), monaco.editor.tokenize(text, 'typescript'));
      monaco.editor.setModelMarkers(
        model,
        SANDBOX_OWNER,
        found.map((m) => ({
          severity: monaco.MarkerSeverity.Error,
          message: m.message,
          source: 'Tradeloom sandbox',
          startLineNumber: m.line,
          startColumn: m.column,
          endLineNumber: m.line,
          endColumn: model.getWordAtPosition({ lineNumber: m.line, column: m.column })?.endColumn ?? m.column + 1,
        })),
      );
    };
    checkGlobals();
    const changed = model.onDidChangeContent(() => {
      // The server's markers describe the text they were found in; an edit makes them stale.
      monaco.editor.setModelMarkers(model, SERVER_OWNER, []);
      checkGlobals();
      onChangeRef.current(model.getValue());
    });
    const markers = monaco.editor.onDidChangeMarkers((uris) => {
      if (!uris.some((u) => u.toString() === uri.toString())) return;
      const errors = monaco.editor.getModelMarkers({ resource: uri }).filter((m) => m.owner !== SERVER_OWNER && m.severity === monaco.MarkerSeverity.Error);
      onTypeErrorsRef.current?.(errors.length);
    });
    editor.focus();
    return () => {
      changed.dispose();
      markers.dispose();
      editor.dispose();
      // Dispose the model too: a reopened editor starts from its own source, not the last one's.
      model.dispose();
      editorRef.current = null;
    };
    // `initial` is read on mount and on `revision` only: typing must not reset the text.
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model && model.getValue() !== initial) model.setValue(initial);
  }, [revision]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const monaco = setUpMonaco();
    const model = editorRef.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      SERVER_OWNER,
      serverMarkers.map((m) => {
        const line = Math.min(Math.max(1, m.line), model.getLineCount());
        const column = Math.min(Math.max(1, m.column), model.getLineMaxColumn(line));
        const word = model.getWordAtPosition({ lineNumber: line, column });
        return {
          severity: monaco.MarkerSeverity.Error,
          message: m.message,
          source: 'Tradeloom',
          startLineNumber: line,
          startColumn: column,
          endLineNumber: line,
          endColumn: word ? word.endColumn : model.getLineMaxColumn(line),
        };
      }),
    );
    if (serverMarkers[0]) editorRef.current?.revealLineInCenterIfOutsideViewport(serverMarkers[0].line);
  }, [serverMarkers]);

  return <div className="code-editor" ref={host} data-testid="code-editor" />;
}
