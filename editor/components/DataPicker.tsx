import { useId } from 'react';
import type { DataChoice } from '../../engine/data.ts';
import type { Dataset } from '../api.ts';
import { fmtDate, fmtInt } from '../format.ts';
import { useCsvUpload } from '../hooks/useCsvUpload.ts';
import { Icon } from './Icon.tsx';

/** What the user picked for the next run: the graph's own source, a synthetic seed, or a dataset. */
export type DataPick = { kind: 'graph' } | { kind: 'synthetic'; seedText: string } | { kind: 'dataset'; datasetId: string };

/**
 * A dataset's name and length, and when it was uploaded if another has the same name (the same file
 * uploaded twice, or two files named alike), so the list tells them apart.
 */
export function datasetLabel(d: Dataset, all: readonly Dataset[]): string {
  const label = `${d.name} · ${fmtInt(d.bars)} bars`;
  // To the second (UTC): the same file uploaded twice is usually uploaded within a minute.
  return all.some((o) => o !== d && o.name === d.name) ? `${label} · uploaded ${new Date(d.createdAt).toISOString().slice(0, 19).replace('T', ' ')} UTC` : label;
}

export function dataChoiceOf(pick: DataPick): { ok: true; choice: DataChoice | undefined } | { ok: false; message: string } {
  if (pick.kind === 'graph') return { ok: true, choice: undefined };
  if (pick.kind === 'dataset') return pick.datasetId ? { ok: true, choice: { kind: 'dataset', datasetId: pick.datasetId } } : { ok: false, message: 'choose a dataset or upload a CSV' };
  const seed = Number(pick.seedText.trim());
  if (!/^\d+$/.test(pick.seedText.trim()) || seed > 2 ** 32 - 1) return { ok: false, message: 'seed must be a whole number from 0 to 4294967295' };
  return { ok: true, choice: { kind: 'synthetic', seed } };
}

const modes = [
  { kind: 'graph', label: 'Graph', title: 'Use the data node in the graph as it is' },
  { kind: 'synthetic', label: 'Synthetic', title: 'Synthetic prices with another seed' },
  { kind: 'dataset', label: 'CSV', title: 'An uploaded OHLCV CSV' },
] as const;

interface Props {
  pick: DataPick;
  onPick: (pick: DataPick) => void;
  datasets: readonly Dataset[];
  /** One line saying what the graph's own data node reads, e.g. "Synthetic · seed 42 · 5,000 bars". */
  graphSource: string;
  upload: (file: File) => Promise<Dataset>;
  uploading: boolean;
}

/**
 * Data for the next run, as a three-way switch whose labels always fit, with the details of the
 * chosen source spelled out underneath instead of squeezed into a select.
 */
export function DataPicker({ pick, onPick, datasets, graphSource, upload, uploading }: Props) {
  const id = useId();
  const { error: uploadError, clearError, onFile } = useCsvUpload(upload, (dataset) => onPick({ kind: 'dataset', datasetId: dataset.id }));
  const check = dataChoiceOf(pick);

  const choose = (kind: DataPick['kind']) => {
    clearError();
    if (kind === pick.kind) return;
    if (kind === 'graph') onPick({ kind });
    else if (kind === 'synthetic') onPick({ kind, seedText: '42' });
    else onPick({ kind, datasetId: datasets[0]?.id ?? '' });
  };

  const chosen = pick.kind === 'dataset' ? datasets.find((d) => d.id === pick.datasetId) : undefined;
  return (
    <div className="data-picker">
      <div className="data-picker-label" id={`${id}-label`}>
        Data
      </div>
      <div className="segmented" role="radiogroup" aria-labelledby={`${id}-label`} data-testid="data-picker" data-kind={pick.kind}>
        {modes.map((m) => (
          <button key={m.kind} type="button" role="radio" aria-checked={pick.kind === m.kind} className={pick.kind === m.kind ? 'is-on' : ''} title={m.title} onClick={() => choose(m.kind)} data-testid={`data-${m.kind}`}>
            {m.label}
          </button>
        ))}
      </div>

      {pick.kind === 'graph' && (
        <div className="data-detail" data-testid="data-detail" title={graphSource}>
          {graphSource}
        </div>
      )}

      {pick.kind === 'synthetic' && (
        <div className="data-picker-row">
          <label htmlFor={`${id}-seed`}>Seed</label>
          <input
            id={`${id}-seed`}
            type="text"
            inputMode="numeric"
            className="numeric"
            value={pick.seedText}
            onChange={(e) => onPick({ kind: 'synthetic', seedText: e.target.value })}
            aria-invalid={check.ok ? undefined : true}
            data-testid="seed-input"
          />
        </div>
      )}
      {pick.kind === 'synthetic' && <div className="field-help">Length and volatility as in the graph’s synthetic node (else 5,000 hourly bars).</div>}

      {pick.kind === 'dataset' && (
        <>
          <div className="data-picker-row">
            {datasets.length > 0 && (
              <select
                aria-label="Dataset"
                value={pick.datasetId}
                onChange={(e) => onPick({ kind: 'dataset', datasetId: e.target.value })}
                data-testid="dataset-picker"
                title={chosen ? `${chosen.name} · ${fmtInt(chosen.bars)} bars` : undefined}
              >
                {datasets.map((d) => (
                  <option key={d.id} value={d.id}>
                    {datasetLabel(d, datasets)}
                  </option>
                ))}
              </select>
            )}
            {/* Full words while there is nothing to choose; an icon beside the list once there is, so names stay legible. */}
            <label
              className={`button small upload-button${datasets.length > 0 ? ' icon-only' : ' grow'}${uploading ? ' is-busy' : ''}`}
              title="Upload an OHLCV CSV (time, open, high, low, close, volume)"
            >
              <Icon name="upload" size={13} />
              {datasets.length === 0 && (uploading ? 'Uploading…' : 'Upload CSV…')}
              <input type="file" accept=".csv,text/csv" aria-label="Upload CSV" onChange={(e) => void onFile(e)} disabled={uploading} data-testid="run-upload" />
            </label>
          </div>
          {uploading ? (
            <div className="data-detail upload-progress" role="status" data-testid="upload-progress">
              Uploading and checking the CSV… Runs wait for it.
            </div>
          ) : chosen ? (
            <div className="data-detail" data-testid="data-detail">
              {fmtInt(chosen.bars)} bars · {fmtDate(chosen.startTime)} → {fmtDate(chosen.endTime)} UTC
            </div>
          ) : (
            datasets.length === 0 && <div className="data-detail muted">No CSV uploaded yet. Columns: time, open, high, low, close, volume.</div>
          )}
        </>
      )}

      {uploadError && (
        <div className="field-error" role="alert" data-testid="run-upload-error">
          {uploadError}
        </div>
      )}
      {!check.ok && !uploadError && datasets.length > 0 && <div className="field-error">{check.message}</div>}
    </div>
  );
}
