import { useId } from 'react';
import type { DataChoice } from '../../engine/data.ts';
import type { Dataset } from '../api.ts';
import { fmtInt } from '../format.ts';

/** What the user picked in the data select: the graph's own source, a synthetic seed, or a dataset. */
export type DataPick = { kind: 'graph' } | { kind: 'synthetic'; seedText: string } | { kind: 'dataset'; datasetId: string };

export function dataChoiceOf(pick: DataPick): { ok: true; choice: DataChoice | undefined } | { ok: false; message: string } {
  if (pick.kind === 'graph') return { ok: true, choice: undefined };
  if (pick.kind === 'dataset') return pick.datasetId ? { ok: true, choice: { kind: 'dataset', datasetId: pick.datasetId } } : { ok: false, message: 'choose a dataset' };
  const seed = Number(pick.seedText.trim());
  if (!/^\d+$/.test(pick.seedText.trim()) || seed > 2 ** 32 - 1) return { ok: false, message: 'seed must be a whole number from 0 to 4294967295' };
  return { ok: true, choice: { kind: 'synthetic', seed } };
}

interface Props {
  pick: DataPick;
  onPick: (pick: DataPick) => void;
  datasets: readonly Dataset[];
}

/** Data for the next run: “As in graph”, “Synthetic, seed …”, or an uploaded dataset. */
export function DataPicker({ pick, onPick, datasets }: Props) {
  const id = useId();
  const value = pick.kind === 'dataset' ? `dataset:${pick.datasetId}` : pick.kind;
  const onSelect = (v: string) => {
    if (v === 'graph') onPick({ kind: 'graph' });
    else if (v === 'synthetic') onPick({ kind: 'synthetic', seedText: pick.kind === 'synthetic' ? pick.seedText : '42' });
    else onPick({ kind: 'dataset', datasetId: v.slice('dataset:'.length) });
  };
  const check = dataChoiceOf(pick);
  return (
    <div className="data-picker">
      <label htmlFor={id}>Data</label>
      <div className="data-picker-row">
        <select id={id} value={value} onChange={(e) => onSelect(e.target.value)} data-testid="data-picker">
          <option value="graph">As in graph</option>
          <option value="synthetic">Synthetic, seed …</option>
          {datasets.length > 0 && (
            <optgroup label="Uploaded datasets">
              {datasets.map((d) => (
                <option key={d.id} value={`dataset:${d.id}`}>
                  {d.name} ({fmtInt(d.bars)} bars)
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </div>
      {pick.kind === 'synthetic' && (
        <div className="data-picker-row seed-row">
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
      {!check.ok && <div className="field-error">{check.message}</div>}
    </div>
  );
}
