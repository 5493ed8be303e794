import { useId, useState, type ReactNode } from 'react';
import { fmtLocale } from '../format.ts';
import { parseField, toText, type FieldSpec } from '../schema-form.ts';

interface Props {
  field: FieldSpec;
  value: unknown;
  /** Called only with valid values; `undefined` removes an optional param. */
  onChange: (value: unknown) => void;
  /** An error for this param reported by the compiler, shown when the field itself sees none. */
  serverError?: string;
  /** A control beside the label (the optimise toggle), outside the label so clicking it does not focus the input. */
  aside?: ReactNode;
  /** Shown under the field (the optimise range editor). */
  children?: ReactNode;
}

/** One generated form field, validated as the user types; invalid text stays in the box, unsaved. */
export function ParamField({ field, value, onChange, serverError, aside, children }: Props) {
  const id = useId();
  const [text, setText] = useState(() => toText(value ?? (field.optional ? undefined : field.defaultValue)));
  const [error, setError] = useState<string | null>(null);
  // The value can change under the field (undo, redo, paste): show it, unless the text already says it
  // (the user's own "1.50" must not be rewritten to "1.5" while they type).
  const [shown, setShown] = useState(value);
  if (!Object.is(shown, value)) {
    setShown(value);
    const parsed = parseField(field, text);
    if (!parsed.ok || !Object.is(parsed.value, value ?? (field.optional ? undefined : field.defaultValue))) {
      setText(toText(value ?? (field.optional ? undefined : field.defaultValue)));
      setError(null);
    }
  }

  const commit = (next: string) => {
    setText(next);
    const parsed = parseField(field, next);
    if (parsed.ok) {
      setError(null);
      onChange(parsed.value);
    } else {
      setError(parsed.message);
    }
  };

  const message = error ?? serverError ?? null;
  const describedBy = `${id}-help`;
  let control;
  if (field.kind === 'boolean') {
    control = <input id={id} type="checkbox" checked={text === 'true'} onChange={(e) => commit(String(e.target.checked))} aria-describedby={describedBy} />;
  } else if (field.kind === 'enum') {
    control = (
      <select id={id} value={text} onChange={(e) => commit(e.target.value)} aria-describedby={describedBy} data-testid={`param-${field.key}`}>
        {field.optional && <option value="">—</option>}
        {field.options?.map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  } else {
    const numeric = field.kind === 'number' || field.kind === 'integer';
    control = (
      <input
        id={id}
        type="text"
        inputMode={numeric ? (field.kind === 'integer' ? 'numeric' : 'decimal') : undefined}
        spellCheck={false}
        autoComplete="off"
        value={text}
        placeholder={field.optional ? 'optional' : undefined}
        onChange={(e) => commit(e.target.value)}
        aria-invalid={message ? true : undefined}
        aria-describedby={describedBy}
        className={numeric ? 'numeric' : undefined}
        data-testid={`param-${field.key}`}
      />
    );
  }

  const label = (
    <label htmlFor={id}>
      {field.label}
      {field.optional && <span className="field-tag">optional</span>}
      {range(field) && <span className="field-range">{range(field)}</span>}
    </label>
  );
  return (
    <div className={`field${message ? ' has-error' : ''}`}>
      {aside ? (
        <div className="field-head">
          {label}
          {aside}
        </div>
      ) : (
        label
      )}
      {control}
      <div id={describedBy}>
        {message && (
          <div className="field-error" role="alert" data-testid={`param-error-${field.key}`}>
            {message}
          </div>
        )}
        {field.description && <div className="field-help">{field.description}</div>}
      </div>
      {children}
    </div>
  );
}

function range(f: FieldSpec): string | null {
  if (f.kind !== 'number' && f.kind !== 'integer') return null;
  const lo = f.minimum !== undefined ? bound(f.minimum) : f.exclusiveMinimum !== undefined ? `> ${bound(f.exclusiveMinimum)}` : null;
  const hi = f.maximum !== undefined ? bound(f.maximum) : f.exclusiveMaximum !== undefined ? `< ${bound(f.exclusiveMaximum)}` : null;
  if (lo && hi) return lo.startsWith('>') ? `${lo}, ≤ ${hi}` : `${lo} – ${hi}`;
  return lo ? (lo.startsWith('>') ? lo : `min ${lo}`) : hi ? `max ${hi}` : null;
}

/** 10000 → "10,000", 1e12 → "1T": a range hint must stay short enough for the label row. */
function bound(n: number): string {
  return Math.abs(n) >= 1e6 ? fmtLocale(n, { notation: 'compact' }) : fmtLocale(n);
}
