import type { HealthState } from '../hooks/useHealth.ts';

/** Two status dots: the database and Temporal, as GET /api/health reports them. */
export function HealthIndicator({ health }: { health: HealthState }) {
  const items =
    health.state === 'up'
      ? [
          { label: 'Database', ok: health.health.database.ok, detail: health.health.database.kind },
          { label: 'Temporal', ok: health.health.temporal.ok, detail: health.health.temporal.address },
        ]
      : [
          { label: 'Database', ok: null, detail: health.state === 'down' ? 'server unreachable' : 'checking…' },
          { label: 'Temporal', ok: null, detail: health.state === 'down' ? 'server unreachable' : 'checking…' },
        ];
  return (
    <div className="health" data-testid="health" data-status={health.state === 'up' ? health.health.status : health.state}>
      {items.map((i) => (
        <span key={i.label} className={`health-item ${i.ok === null ? 'is-unknown' : i.ok ? 'is-ok' : 'is-down'}`} title={`${i.label}: ${i.ok === null ? '' : i.ok ? 'OK' : 'unavailable'} ${i.detail ? `(${i.detail})` : ''}`}>
          <span className="dot" aria-hidden />
          <span className="health-label">{i.label}</span>
        </span>
      ))}
    </div>
  );
}
