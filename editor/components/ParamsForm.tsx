import { useMemo } from 'react';
import type { CompileError } from '../../engine/compile.ts';
import type { CatalogEntry } from '../../nodes/registry.ts';
import type { useDatasets } from '../hooks/useDatasets.ts';
import { fieldsOf } from '../schema-form.ts';
import { DatasetField } from './DatasetField.tsx';
import { ParamField } from './ParamField.tsx';

interface Props {
  entry: CatalogEntry;
  params: Record<string, unknown>;
  onChange: (params: Record<string, unknown>) => void;
  errors: CompileError[];
  datasets: ReturnType<typeof useDatasets>;
}

/** A form generated from the node's params JSON Schema. */
export function ParamsForm({ entry, params, onChange, errors, datasets }: Props) {
  const fields = useMemo(() => fieldsOf(entry.paramsSchema), [entry.paramsSchema]);
  if (fields.length === 0) return <div className="empty-note">This node has no settings.</div>;

  const set = (key: string, value: unknown) => {
    const next = { ...params };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(next);
  };
  const serverError = (key: string) =>
    errors.find((e) => e.code === 'bad_params' && e.path[3] === key)?.message.replace(/^.*?: /, '');

  return (
    <div className="form">
      {fields.map((field) =>
        entry.type === 'data.csv' && field.key === 'dataset' ? (
          <DatasetField key={field.key} field={field} value={params[field.key]} onChange={(v) => set(field.key, v)} datasets={datasets} serverError={serverError(field.key)} />
        ) : (
          <ParamField key={field.key} field={field} value={params[field.key]} onChange={(v) => set(field.key, v)} serverError={serverError(field.key)} />
        ),
      )}
    </div>
  );
}
