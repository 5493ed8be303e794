import { useEffect, useMemo, useRef } from 'react';
import { useCatalogInfo } from '../catalog-context.ts';
import type { Settings } from '../graph-mapping.ts';
import { fieldsOf, type FieldSpec } from '../schema-form.ts';
import { settingsLayout } from '../settings-view.ts';
import { ParamField } from './ParamField.tsx';

interface Props {
  settings: Settings;
  onChange: (settings: Settings) => void;
  /** Bumped by the settings buttons: scroll here and put the cursor in the first field. */
  focusRequest: number;
}

/**
 * Cash, costs and limits of the strategy's backtests, generated from the settings JSON Schema the
 * server sends with the catalog, so limits and wording live only in the engine's zod schema.
 */
export function StrategySettingsForm({ settings, onChange, focusRequest }: Props) {
  const { settingsSchema } = useCatalogInfo();
  const fields = useMemo(() => fieldsOf(settingsSchema), [settingsSchema]);
  const layout = settingsLayout(fields, settings);
  const root = useRef<HTMLElement>(null);

  useEffect(() => {
    if (focusRequest === 0 || !root.current) return;
    root.current.scrollIntoView({ block: 'nearest' });
    root.current.querySelector('input')?.focus();
    root.current.classList.remove('is-flashing');
    // Restart the highlight even when the button is pressed twice in a row.
    void root.current.offsetWidth;
    root.current.classList.add('is-flashing');
  }, [focusRequest]);

  const field = (f: FieldSpec) => (
    <ParamField
      key={f.key}
      field={f}
      value={(settings as Record<string, unknown>)[f.key]}
      onChange={(v) => onChange({ ...settings, [f.key]: v ?? f.defaultValue })}
    />
  );

  return (
    <section className="inspector-section settings-section" ref={root} data-testid="strategy-settings">
      <h3>Backtest settings</h3>
      {fields.length === 0 ? (
        <div className="empty-note">This server does not describe its backtest settings.</div>
      ) : (
        <div className="form">
          {layout.main.map(field)}
          {layout.more.length > 0 && (
            // Open by itself when something folded differs from its default, so no changed cost is hidden.
            <details className="more-settings" open={layout.moreChanged > 0 || undefined}>
              <summary>
                More costs and limits
                <span className="muted"> · {layout.moreChanged > 0 ? `${layout.moreChanged} changed` : 'defaults'}</span>
              </summary>
              <div className="form">{layout.more.map(field)}</div>
            </details>
          )}
        </div>
      )}
      <p className="field-help">Saved with the strategy and used by every run. Orders decided at a bar’s close fill at the next bar’s open.</p>
    </section>
  );
}
