import { useEffect } from 'react';
import { Icon } from './Icon.tsx';

export interface Toast {
  /** Changes with every new message so the same text shown twice restarts the timer. */
  id: number;
  message: string;
}

/** A short-lived notice over the top of the canvas, e.g. why a connection was refused. */
export function CanvasToast({ toast, onDismiss, ms = 6000 }: { toast: Toast | null; onDismiss: () => void; ms?: number }) {
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(onDismiss, ms);
    return () => clearTimeout(timer);
  }, [toast, onDismiss, ms]);
  if (!toast) return null;
  return (
    <div className="canvas-toast" role="alert" data-testid="connection-refusal">
      <Icon name="alert" size={15} />
      <span>{toast.message}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
        <Icon name="cross" size={12} />
      </button>
    </div>
  );
}
