import { useId } from 'react';
import { fmtDate, fmtInt } from '../format.ts';
import { useCsvUpload } from '../hooks/useCsvUpload.ts';
import type { useDatasets } from '../hooks/useDatasets.ts';
import type { FieldSpec } from '../schema-form.ts';

interface Props {
  field: FieldSpec;
  value: unknown;
  onChange: (value: unknown) => void;
  datasets: ReturnType<typeof useDatasets>;
  serverError?: string;
}

/** The CSV node's dataset param: pick an uploaded file, or upload one and pick it. */
export function DatasetField({ field, value, onChange, datasets, serverError }: Props) {
  const id = useId();
  const list = datasets.datasets;
  const items = list.data ?? [];
  const current = typeof value === 'string' ? value : '';

  const { error: uploadError, onFile } = useCsvUpload(datasets.upload, (dataset) => onChange(dataset.id));

  const message = uploadError ?? (current ? null : (serverError ?? null));
  return (
    <div className={`field${message ? ' has-error' : ''}`}>
      <label htmlFor={id}>{field.label}</label>
      <select id={id} value={current} onChange={(e) => onChange(e.target.value)} data-testid="param-dataset">
        <option value="">{list.state === 'loading' ? 'Loading datasets…' : items.length ? 'Choose a dataset…' : 'No datasets uploaded yet'}</option>
        {current && !items.some((d) => d.id === current) && <option value={current}>{current} (not found)</option>}
        {items.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name} · {fmtInt(d.bars)} bars · {fmtDate(d.startTime)} → {fmtDate(d.endTime)}
          </option>
        ))}
      </select>
      <label className={`button small upload-button${datasets.uploading ? ' is-busy' : ''}`}>
        {datasets.uploading ? 'Uploading…' : 'Upload CSV…'}
        <input type="file" accept=".csv,text/csv" onChange={onFile} disabled={datasets.uploading} data-testid="dataset-upload" />
      </label>
      {list.state === 'error' && <div className="field-error">Could not list datasets: {list.error}</div>}
      {message && (
        <div className="field-error" role="alert" data-testid="dataset-error">
          {message}
        </div>
      )}
      <div className="field-help">{field.description} Columns: time, open, high, low, close, volume.</div>
    </div>
  );
}
