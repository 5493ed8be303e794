/** A row of headline figures over a study's charts, in the results panel's metric style. */
export function StatCards({ items }: { items: { label: string; value: string; tone?: 'pos' | 'neg'; help?: string }[] }) {
  return (
    <dl className="stat-cards" data-testid="stat-cards">
      {items.map((s) => (
        <div key={s.label} className="stat-card" title={s.help}>
          <dt className="metric-label">{s.label}</dt>
          <dd className={`metric-value ${s.tone ?? ''}`}>{s.value}</dd>
        </div>
      ))}
    </dl>
  );
}
