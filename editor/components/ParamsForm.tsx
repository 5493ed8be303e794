import { useMemo } from 'react';
import type { CompileError } from '../../engine/compile.ts';
import type { OptimizeRange } from '../../engine/graph.ts';
import type { CatalogEntry } from '../../nodes/registry.ts';
import type { useDatasets } from '../hooks/useDatasets.ts';
import { fieldsOf } from '../schema-form.ts';
import { DatasetField } from './DatasetField.tsx';
import { DatasetsField } from './DatasetsField.tsx';
import { ParamField } from './ParamField.tsx';
import { isOptimisable } from './research/optimise-range.ts';
import { OptimiseParamField } from './research/OptimiseParamField.tsx';

interface Props {
  entry: CatalogEntry;
  params: Record<string, unknown>;
  onChange: (params: Record<string, unknown>) => void;
  errors: CompileError[];
  datasets: ReturnType<typeof useDatasets>;
  /** The node's optimisable ranges; with `onOptimize`, numeric params get an optimise toggle. */
  optimize?: Record<string, OptimizeRange>;
  onOptimize?: (param: string, range: OptimizeRange | undefined) => void;
}

/** A form generated from the node's params JSON Schema. */
export function ParamsForm({ entry, params, onChange, errors, datasets, optimize, onOptimize }: Props) {
  const fields = useMemo(() => fieldsOf(entry.paramsSchema), [entry.paramsSchema]);
  // Params the node does not have (a misspelt key in an imported strategy): the compiler refuses them, and
  // the form has no field for them, so each is listed here with its error and a way to remove it.
  const known = Object.keys((entry.paramsSchema.properties as Record<string, unknown> | undefined) ?? {});
  const unknown = Object.keys(params).filter((key) => !known.includes(key));
  if (fields.length === 0 && unknown.length === 0) return <div className="empty-note">This node has no settings.</div>;

  const set = (key: string, value: unknown) => {
    const next = { ...params };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(next);
  };
  const serverError = (key: string) =>
    errors.find((e) => e.code === 'bad_params' && e.path[2] === 'params' && e.path[3] === key)?.message.replace(/^.*?: /, '');
  // Errors inside a list param (a basket's entries), by their path below it.
  const nestedErrors = (key: string) =>
    errors.filter((e) => e.code === 'bad_params' && e.path[2] === 'params' && e.path[3] === key).map((e) => ({ path: e.path.slice(4), message: e.message.replace(/^.*?: /, '') }));
  // Range errors come from paramSpace (`bad_params`) or the graph schema (`invalid_graph`, message prefixed with its path).
  const rangeError = (key: string) =>
    errors.find((e) => e.path[2] === 'optimize' && e.path[3] === key)?.message.replace(/^nodes\.\S*: /, '');

  return (
    <div className="form">
      {fields.map((field) =>
        entry.type === 'data.csvBasket' && field.key === 'datasets' ? (
          <DatasetsField key={field.key} field={field} value={params[field.key]} onChange={(v) => set(field.key, v)} datasets={datasets} errors={nestedErrors(field.key)} />
        ) : entry.type === 'data.csv' && field.key === 'dataset' ? (
          <DatasetField key={field.key} field={field} value={params[field.key]} onChange={(v) => set(field.key, v)} datasets={datasets} serverError={serverError(field.key)} />
        ) : onOptimize && isOptimisable(field) ? (
          <OptimiseParamField
            key={field.key}
            field={field}
            value={params[field.key]}
            onChange={(v) => set(field.key, v)}
            serverError={serverError(field.key)}
            range={optimize?.[field.key]}
            onRange={(r) => onOptimize(field.key, r)}
            rangeError={rangeError(field.key)}
          />
        ) : (
          <ParamField key={field.key} field={field} value={params[field.key]} onChange={(v) => set(field.key, v)} serverError={serverError(field.key)} />
        ),
      )}
      {unknown.map((key) => (
        <div key={key} className="field has-error" data-testid={`unknown-param-${key}`}>
          <div className="field-head">
            <label>{key}</label>
            <button type="button" className="link-button" onClick={() => set(key, undefined)}>
              Remove
            </button>
          </div>
          <div className="field-error" role="alert">
            {serverError(key) ?? 'not a param of this node'}
          </div>
        </div>
      ))}
    </div>
  );
}
