import { useEffect, useRef, useState } from 'react';

export interface LegendItem {
  id: string;
  label: string;
  color: string;
  pane: 'price' | 'oscillator';
  /** Drawn now: a visible overlay, or an oscillator the trader picked. */
  on: boolean;
}

/**
 * The chart's key: each overlay as a chip that shows or hides its line, and a menu of the strategy's
 * oscillators (RSI, ADX, z-scores…), any of which opens in a pane under the price; an open one gets a
 * chip too, which closes its pane.
 */
export function ChartLegend({ items, onToggle, loaded = true }: { items: readonly LegendItem[]; onToggle: (item: LegendItem) => void; loaded?: boolean }) {
  const overlays = items.filter((i) => i.pane === 'price');
  const oscillators = items.filter((i) => i.pane === 'oscillator');
  const [menu, setMenu] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!menu) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !menuRef.current?.contains(e.target as Node)) setMenu(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [menu]);
  const picked = oscillators.filter((o) => o.on).length;
  return (
    <div className="chart-legend" data-testid="chart-legend">
      {/* Only once the chart's data is in: before that, no series is known yet, which is not "none". */}
      {loaded && overlays.length === 0 && <span className="muted">No indicator of this strategy follows the price.</span>}
      {[...overlays, ...oscillators.filter((o) => o.on)].map((item) => (
        <button
          key={item.id}
          type="button"
          className={`legend-chip${item.on ? '' : ' is-off'}${item.pane === 'oscillator' ? ' is-oscillator' : ''}`}
          aria-pressed={item.on}
          onClick={() => onToggle(item)}
          title={item.pane === 'oscillator' ? `Close the ${item.label} pane` : item.on ? `Hide ${item.label}` : `Show ${item.label}`}
          data-testid={`legend-${item.id}`}
        >
          <span className="legend-swatch" style={{ background: item.color }} />
          {item.label}
        </button>
      ))}
      {oscillators.length > 0 && (
        <div className="legend-menu" ref={menuRef}>
          <button type="button" className="legend-chip legend-menu-button" aria-expanded={menu} aria-haspopup="true" onClick={() => setMenu((m) => !m)} data-testid="oscillator-menu">
            Oscillators{picked ? ` · ${picked}` : ''} ▾
          </button>
          {menu && (
            <div className="legend-menu-list" role="menu">
              {oscillators.map((item) => (
                <label key={item.id} className="legend-menu-item" role="menuitemcheckbox" aria-checked={item.on}>
                  <input type="checkbox" checked={item.on} onChange={() => onToggle(item)} data-testid={`oscillator-${item.id}`} />
                  <span className="legend-swatch" style={{ background: item.color }} />
                  {item.label}
                </label>
              ))}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
