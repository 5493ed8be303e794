import { useId, useState, type KeyboardEvent } from 'react';
import type { OptimizeRange } from '../../../engine/graph.ts';
import type { FieldSpec } from '../../schema-form.ts';
import { ParamField } from '../ParamField.tsx';
import { defaultRange, describeValues, draftOf, parseRangeDraft, switchMode, type RangeDraft, type RangeInput } from './optimise-range.ts';

interface Props {
  field: FieldSpec;
  value: unknown;
  onChange: (value: unknown) => void;
  serverError?: string;
  /** The param's range in the node's `optimize`, or undefined when it is not optimised. */
  range: OptimizeRange | undefined;
  /** Store a range, or (undefined) stop optimising the param. */
  onRange: (range: OptimizeRange | undefined) => void;
  /** The compiler's error for this range (`nodes.<i>.optimize.<param>`). */
  rangeError?: string;
}

/**
 * A numeric param with an "optimise" toggle beside its label. Turned on, it stores a starting range
 * around the current value and opens a range editor under the field; sweeps and walk-forward runs then
 * vary the param over it.
 */
export function OptimiseParamField({ field, value, onChange, serverError, range, onRange, rangeError }: Props) {
  const on = range !== undefined;
  const toggle = (
    <button
      type="button"
      className={`optimise-toggle${on ? ' is-on' : ''}`}
      aria-pressed={on}
      onClick={() => onRange(on ? undefined : defaultRange(field, value))}
      title={on ? `Stop optimising ${field.label.toLowerCase()}` : `Let sweeps and walk-forward runs vary ${field.label.toLowerCase()}`}
      data-testid={`optimise-${field.key}`}
    >
      <svg width="11" height="11" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
        <path d="M2 12h3V8h3V4h3v4h3" />
      </svg>
      Optimise
    </button>
  );
  return (
    <ParamField field={field} value={value} onChange={onChange} serverError={serverError} aside={toggle}>
      {range && <RangeEditor field={field} range={range} onRange={onRange} serverError={rangeError} />}
    </ParamField>
  );
}

const inputs: { key: Exclude<RangeInput, 'values'>; label: string }[] = [
  { key: 'min', label: 'Min' },
  { key: 'max', label: 'Max' },
  { key: 'step', label: 'Step' },
];

/**
 * Min/max/step or a list of values. Text is checked as it is typed but stored only on Enter or when the
 * focus leaves, so each finished range is one undo step rather than one per keystroke.
 */
function RangeEditor({ field, range, onRange, serverError }: { field: FieldSpec; range: OptimizeRange; onRange: (range: OptimizeRange) => void; serverError?: string }) {
  const id = useId();
  const [draft, setDraft] = useState<RangeDraft>(() => draftOf(range));
  // Undo, redo or a paste can change the range under the editor: show it unless the draft already says it.
  const key = JSON.stringify(range);
  const [shown, setShown] = useState(key);
  if (shown !== key) {
    setShown(key);
    const parsed = parseRangeDraft(draft, field);
    if (!parsed.ok || JSON.stringify(parsed.range) !== key) setDraft(draftOf(range));
  }
  const parsed = parseRangeDraft(draft, field);
  const commit = (next: RangeDraft = draft) => {
    const p = parseRangeDraft(next, field);
    if (p.ok && JSON.stringify(p.range) !== key) onRange(p.range);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter') commit();
  };
  const errors = parsed.ok ? {} : parsed.errors;
  const errorText = Object.values(errors)[0] ?? serverError;

  return (
    <div className={`range-editor${errorText ? ' has-error' : ''}`} data-testid={`range-${field.key}`} role="group" aria-label={`${field.label} range to optimise`}>
      <div className="segmented small range-mode" role="radiogroup" aria-label="Range kind">
        {(['range', 'list'] as const).map((mode) => (
          <button
            key={mode}
            type="button"
            role="radio"
            aria-checked={draft.mode === mode}
            className={draft.mode === mode ? 'is-on' : ''}
            onClick={() => {
              if (draft.mode === mode) return;
              const next = switchMode(draft, field);
              setDraft(next);
              commit(next);
            }}
            data-testid={`range-mode-${mode}`}
          >
            {mode === 'range' ? 'Min · max · step' : 'List'}
          </button>
        ))}
      </div>
      {draft.mode === 'range' ? (
        <div className="range-inputs">
          {inputs.map(({ key: k, label }) => (
            <label key={k} className="range-input">
              <span>{label}</span>
              <input
                type="text"
                inputMode="decimal"
                className="numeric"
                spellCheck={false}
                autoComplete="off"
                value={draft[k]}
                onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
                onBlur={() => commit()}
                onKeyDown={onKey}
                aria-invalid={errors[k] ? true : undefined}
                aria-describedby={`${id}-status`}
                data-testid={`range-${k}`}
              />
            </label>
          ))}
        </div>
      ) : (
        <input
          type="text"
          spellCheck={false}
          autoComplete="off"
          className="numeric range-list"
          aria-label={`${field.label} values`}
          placeholder="e.g. 5, 8, 13, 21"
          value={draft.values}
          onChange={(e) => setDraft({ mode: 'list', values: e.target.value })}
          onBlur={() => commit()}
          onKeyDown={onKey}
          aria-invalid={errors.values ? true : undefined}
          aria-describedby={`${id}-status`}
          data-testid="range-values"
        />
      )}
      <div id={`${id}-status`}>
        {errorText ? (
          <div className="field-error" role="alert" data-testid={`range-error-${field.key}`}>
            {errorText}
          </div>
        ) : (
          parsed.ok && (
            <div className="field-help mono" data-testid={`range-values-${field.key}`}>
              {describeValues(parsed.values)}
            </div>
          )
        )}
      </div>
    </div>
  );
}
