import { useId, useState, type ChangeEvent } from 'react';
import { maxBasketDatasets, maxSymbolLength, symbolOfName } from '../../nodes/data/basket-names.ts';
import { errorMessage, type Dataset } from '../api.ts';
import { basketEntries } from '../data-source.ts';
import { fmtDate, fmtInt } from '../format.ts';
import type { useDatasets } from '../hooks/useDatasets.ts';
import type { FieldSpec } from '../schema-form.ts';

type Entry = { datasetId: string; symbol?: string };

/** A compile error on this param: the path below it (`[1, 'symbol']`, or `[]` for the list) and the message. */
export interface BasketError {
  path: readonly (string | number)[];
  message: string;
}

interface Props {
  field: FieldSpec;
  value: unknown;
  onChange: (value: unknown) => void;
  datasets: ReturnType<typeof useDatasets>;
  errors: readonly BasketError[];
}

/**
 * The CSV basket's datasets param: tick the uploaded files to trade together, each with an optional
 * symbol (its placeholder is the name the engine will use), or upload several files at once and have
 * them ticked. The basket keeps the order files were ticked in: the first is the chart's default symbol.
 */
export function DatasetsField({ field, value, onChange, datasets, errors }: Props) {
  const id = useId();
  const list = datasets.datasets;
  const items = list.data ?? [];
  const chosen = basketEntries(value);
  const index = new Map(chosen.map((e, i) => [e.datasetId, i]));
  // Chosen ids no longer in the list (deleted datasets): shown so they can be unticked.
  const gone = list.state === 'ready' ? chosen.filter((e) => !items.some((d) => d.id === e.datasetId)) : [];
  const [uploadErrors, setUploadErrors] = useState<string[]>([]);

  const errorAt = (i: number, key: string) => errors.find((e) => e.path[0] === i && e.path[1] === key)?.message;
  const listError = errors.find((e) => e.path.length === 0)?.message;

  const toggle = (datasetId: string, on: boolean) => onChange(on ? [...chosen, { datasetId }] : chosen.filter((e) => e.datasetId !== datasetId));
  const setSymbol = (datasetId: string, text: string) =>
    onChange(chosen.map((e): Entry => (e.datasetId !== datasetId ? e : text.trim() ? { datasetId, symbol: text } : { datasetId })));

  const onFiles = async (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])];
    event.target.value = '';
    if (files.length === 0) return;
    setUploadErrors([]);
    const added: Entry[] = [];
    const refused: string[] = [];
    // One at a time: each file is validated whole by the server, and one refusal must not lose the others.
    for (const file of files) {
      try {
        added.push({ datasetId: (await datasets.upload(file)).id });
      } catch (err) {
        refused.push(`${file.name} was refused: ${errorMessage(err)}`);
      }
    }
    setUploadErrors(refused);
    if (added.length) onChange([...chosen, ...added].slice(0, maxBasketDatasets));
  };

  const row = (entry: Entry | undefined, d: Dataset | undefined, datasetId: string) => {
    const on = entry !== undefined;
    const i = index.get(datasetId);
    const symbolError = i === undefined ? undefined : (errorAt(i, 'symbol') ?? errorAt(i, 'datasetId'));
    const placeholder = d ? symbolOfName(d.name) : 'symbol';
    return (
      <li key={datasetId} className={`basket-row${on ? ' is-on' : ''}${symbolError ? ' has-error' : ''}`} data-testid="basket-row" data-dataset={datasetId}>
        <input
          type="checkbox"
          id={`${id}-${datasetId}`}
          checked={on}
          onChange={(e) => toggle(datasetId, e.target.checked)}
          disabled={!on && chosen.length >= maxBasketDatasets}
          data-testid="basket-check"
        />
        <label htmlFor={`${id}-${datasetId}`} className="basket-name" title={d ? `${d.name} · ${fmtInt(d.bars)} bars` : datasetId}>
          {d ? d.name : 'Deleted dataset'}
        </label>
        {on && (
          <input
            type="text"
            className="basket-symbol"
            aria-label={`Symbol for ${d?.name ?? 'deleted dataset'}`}
            placeholder={placeholder}
            value={entry.symbol ?? ''}
            maxLength={maxSymbolLength}
            onChange={(e) => setSymbol(datasetId, e.target.value)}
            aria-invalid={symbolError ? true : undefined}
            title={symbolError ?? `Trades as ${entry.symbol?.trim() || placeholder}; type to rename`}
            data-testid="basket-symbol"
          />
        )}
        {/* Under the name and the symbol both, so the dates fit in a narrow inspector. */}
        <span className="basket-meta">{d ? `${fmtInt(d.bars)} bars · ${fmtDate(d.startTime)} → ${fmtDate(d.endTime)}` : 'untick it, or upload the file again'}</span>
        {symbolError && (
          <div className="field-error basket-row-error" role="alert">
            {symbolError}
          </div>
        )}
      </li>
    );
  };

  const message = uploadErrors.length ? null : chosen.length === 0 ? (listError ?? null) : null;
  return (
    <div className={`field basket-field${message ? ' has-error' : ''}`} data-testid="param-datasets">
      <div className="basket-head">
        <span className="basket-label" id={`${id}-label`}>
          {field.label}
        </span>
        <span className="basket-count" data-testid="basket-count">
          {chosen.length ? `${chosen.length} symbol${chosen.length === 1 ? '' : 's'}` : 'none chosen'}
        </span>
      </div>
      {list.state === 'loading' && items.length === 0 ? (
        <div className="basket-empty muted">Loading datasets…</div>
      ) : items.length === 0 && gone.length === 0 ? (
        // When listing failed, the error below says so; "nothing uploaded" would be a guess.
        list.state !== 'error' && (
          <div className="basket-empty muted" data-testid="basket-empty">
            No datasets uploaded yet. Upload two or more CSV files, one per symbol.
          </div>
        )
      ) : (
        <ul className="basket-list" aria-labelledby={`${id}-label`} data-testid="basket-list">
          {gone.map((e) => row(e, undefined, e.datasetId))}
          {/* The basket's files first, in its (symbol) order, then the others, newest first. */}
          {[...items.filter((d) => index.has(d.id)).sort((a, b) => index.get(a.id)! - index.get(b.id)!), ...items.filter((d) => !index.has(d.id))].map((d) =>
            row(chosen[index.get(d.id) ?? -1], d, d.id),
          )}
        </ul>
      )}
      <label className={`button small upload-button${datasets.uploading ? ' is-busy' : ''}`}>
        {datasets.uploading ? 'Uploading…' : 'Upload CSV files…'}
        <input type="file" accept=".csv,text/csv" multiple onChange={(e) => void onFiles(e)} disabled={datasets.uploading} data-testid="basket-upload" />
      </label>
      {list.state === 'error' && (
        <div className="field-error" role="alert">
          Could not list datasets: {list.error}{' '}
          <button type="button" className="link-button" onClick={() => void datasets.reload()}>
            Retry
          </button>
        </div>
      )}
      {uploadErrors.map((e) => (
        <div key={e} className="field-error" role="alert" data-testid="basket-upload-error">
          {e}
        </div>
      ))}
      {message && (
        <div className="field-error" role="alert" data-testid="basket-error">
          {message}
        </div>
      )}
      <div className="field-help">{field.description} A symbol left empty trades as the file’s name. Columns: time, open, high, low, close, volume.</div>
    </div>
  );
}
