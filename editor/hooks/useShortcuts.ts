import { useEffect, useRef } from 'react';
import { isTextField, shortcutFor, type ShortcutAction } from '../shortcuts.ts';

/**
 * App-wide keyboard shortcuts (see shortcuts.ts). A handler returning `false` declines, and the
 * browser's default happens instead. Off while `enabled` is false, e.g. under a modal dialog.
 */
export function useShortcuts(handlers: Partial<Record<ShortcutAction, () => boolean | void>>, enabled: boolean) {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const action = shortcutFor(e, isTextField(e.target));
      if (!action) return;
      // Copying text the user highlighted (a metric, a trade row) is the browser's job, not ours.
      if (action === 'copy' && window.getSelection()?.isCollapsed === false) return;
      const handler = latest.current[action];
      if (!handler || handler() === false) return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
