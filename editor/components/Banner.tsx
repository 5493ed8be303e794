import type { ReactNode } from 'react';
import { Icon } from './Icon.tsx';

/** A full-width notice under the top bar: the server is down, something failed to load. */
export function Banner({ tone, children, onRetry, actions = [] }: { tone: 'error' | 'warning'; children: ReactNode; onRetry?: () => void; actions?: { label: string; onClick: () => void }[] }) {
  return (
    <div className={`banner banner-${tone}`} role="alert" data-testid="error-banner">
      <Icon name="alert" className="banner-icon" size={16} />
      <span className="banner-text">{children}</span>
      {actions.map((a) => (
        <button key={a.label} type="button" className="button small" onClick={a.onClick}>
          {a.label}
        </button>
      ))}
      {onRetry && (
        <button type="button" className="button small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
