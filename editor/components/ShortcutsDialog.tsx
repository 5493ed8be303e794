import { isMac, shortcutList } from '../shortcuts.ts';
import { Dialog } from './Dialog.tsx';

const keyName = (k: string) => (k === 'Mod' ? (isMac ? '⌘' : 'Ctrl') : k);

/** The cheat-sheet opened with `?`. */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const groups = ['Document', 'Canvas'] as const;
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog" wide>
      <div className="shortcut-groups">
        {groups.map((g) => (
          <section key={g}>
            <h3>{g}</h3>
            <table className="shortcut-table">
              <tbody>
                {shortcutList
                  .filter((s) => s.group === g)
                  .map((s) => (
                    <tr key={s.what}>
                      <td className="shortcut-keys">
                        {s.keys.map((k, i) => (
                          <span key={i}>
                            {i > 0 && <span className="plus">+</span>}
                            {/^[A-Z?]$|^(Mod|Shift|Del|Esc)$/.test(k) ? <kbd>{keyName(k)}</kbd> : <span className="muted">{k}</span>}
                          </span>
                        ))}
                      </td>
                      <td>{s.what.replace(/\bMod\+/g, isMac ? '⌘' : 'Ctrl+')}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
      <p className="field-help">Shortcuts other than Save do nothing while the cursor is in a text field, so typing is never interrupted.</p>
    </Dialog>
  );
}
