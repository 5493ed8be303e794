import { useCallback, useEffect, useState } from 'react';

/** A leave-the-document action waiting for the user to decide what happens to unsaved edits. */
export interface PendingLeave {
  /** What is about to happen, e.g. 'open “Mean reversion”'. */
  what: string;
  proceed: () => void;
}

/**
 * Guards unsaved edits: the browser asks before a reload or closing the tab, and `guard` holds an
 * in-app switch (open another strategy, start a new one) until the user saves, discards or cancels.
 */
export function useUnsavedGuard(dirty: boolean) {
  const [pending, setPending] = useState<PendingLeave | null>(null);

  useEffect(() => {
    if (!dirty) return;
    const onUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older Chromium builds only ask when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [dirty]);

  const guard = useCallback(
    (what: string, proceed: () => void) => {
      if (dirty) setPending({ what, proceed });
      else proceed();
    },
    [dirty],
  );
  const dismiss = useCallback(() => setPending(null), []);
  return { pending, guard, dismiss };
}
