import { useLayoutEffect, useRef, type ReactNode } from 'react';

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Buttons along the bottom; the one marked `data-autofocus` (else the first) gets the focus. */
  actions?: ReactNode;
  testId?: string;
  wide?: boolean;
}

/**
 * A modal over the whole app. `nokey` keeps React Flow's Delete/Backspace handling away from it, so
 * pressing Backspace on a focused button never deletes nodes behind the dialog.
 */
export function Dialog({ title, onClose, children, actions, testId, wide }: Props) {
  const box = useRef<HTMLDivElement>(null);
  // A layout effect, so the Escape handler is in place before the browser handles another event. A dialog
  // loaded on demand (the shortcuts, the library) appears in a render of its own, whose plain effects run
  // after paint: an Escape in between was lost, and the dialog stayed open (a CI failure; e2e/canvas.test.ts
  // now sends that Escape).
  useLayoutEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>('.dialog-actions [data-autofocus]') ?? box.current?.querySelector<HTMLElement>('.dialog-actions button');
    (first ?? box.current)?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      previous?.focus?.();
    };
  }, [onClose]);
  return (
    <div className="dialog-backdrop nokey" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={`dialog${wide ? ' is-wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} ref={box} tabIndex={-1} data-testid={testId}>
        <div className="dialog-head">
          <h2>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        <div className="dialog-body">{children}</div>
        {actions && <div className="dialog-actions">{actions}</div>}
      </div>
    </div>
  );
}
