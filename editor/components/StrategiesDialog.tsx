import { useCallback, useEffect, useRef, useState, type ChangeEvent, type KeyboardEvent } from 'react';
import { api, ApiError, errorMessage, type Strategy, type StrategySummary } from '../api.ts';
import { fmtAgo, fmtTime } from '../format.ts';
import { useStrategyLibrary } from '../hooks/useStrategyLibrary.ts';
import { Dialog } from './Dialog.tsx';
import { Icon } from './Icon.tsx';

interface Props {
  currentId: string | null;
  /** Open a strategy on the canvas (the app asks about unsaved changes first). */
  onOpen: (id: string) => void;
  /** Something in the library changed: names, copies, imports. */
  onChanged: () => void;
  onRenamed: (id: string, name: string) => void;
  onDeleted: (id: string) => void;
  onClose: () => void;
}

/** A notice under the toolbar: what just happened, or what went wrong, with the server's field paths. */
type Notice = { tone: 'ok' | 'error'; text: string; details?: string[]; openId?: string };

/** Problems from a refused import, as `path: message` lines (paths are relative to the file). */
function importProblems(err: unknown): string[] {
  if (!(err instanceof ApiError)) return [];
  return (err.problem?.errors ?? []).map((e) => `${e.path.replace(/^body\.?/, '') || '(the whole file)'}: ${e.message}`);
}

/**
 * "Manage strategies": the saved strategies with search, inline rename, duplicate, export (a download),
 * delete with confirmation, and import from a .json file written by export.
 */
export function StrategiesDialog({ currentId, onOpen, onChanged, onRenamed, onDeleted, onClose }: Props) {
  const library = useStrategyLibrary();
  const { list, query, setQuery } = library;
  const [renaming, setRenamingState] = useState<{ id: string; name: string } | null>(null);
  const [deleting, setDeletingState] = useState<StrategySummary | null>(null);
  // Mirrors of the two states for handlers that must stay stable (the dialog re-runs its focus effect
  // whenever its onClose changes) or may run twice (Enter, then the blur as the field goes away).
  const renamingRef = useRef(renaming);
  const deletingRef = useRef(deleting);
  const setRenaming = (value: { id: string; name: string } | null) => {
    renamingRef.current = value;
    setRenamingState(value);
  };
  const setDeleting = (value: StrategySummary | null) => {
    deletingRef.current = value;
    setDeletingState(value);
  };
  const search = useRef<HTMLInputElement>(null);
  // The dialog focuses its Close button on mount; searching is what people come here for.
  useEffect(() => search.current?.focus(), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const items = list.data ?? [];

  const act = useCallback(
    async (key: string, work: () => Promise<Notice | null>) => {
      setBusy(key);
      try {
        const result = await work();
        if (result) setNotice(result);
        await library.reload();
        onChanged();
      } catch (err) {
        setNotice({ tone: 'error', text: errorMessage(err), details: importProblems(err) });
      } finally {
        setBusy(null);
      }
    },
    [library, onChanged],
  );

  const commitRename = () => {
    const current = renamingRef.current;
    if (!current) return;
    const { id } = current;
    const name = current.name.trim();
    const old = items.find((s) => s.id === id);
    setRenaming(null);
    if (!name || name === old?.name) return;
    void act(`rename:${id}`, async () => {
      await api.renameStrategy(id, name);
      onRenamed(id, name);
      return { tone: 'ok', text: `Renamed to “${name}”.` };
    });
  };

  const onRenameKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commitRename();
    }
  };

  const duplicate = (s: StrategySummary) =>
    act(`duplicate:${s.id}`, async () => {
      const copy = await api.duplicateStrategy(s.id);
      return { tone: 'ok', text: `Duplicated as “${copy.name}”.`, openId: copy.id };
    });

  const confirmDelete = () => {
    const s = deletingRef.current;
    if (!s) return;
    setDeleting(null);
    void act(`delete:${s.id}`, async () => {
      await api.deleteStrategy(s.id);
      onDeleted(s.id);
      return { tone: 'ok', text: `Deleted “${s.name}”.` };
    });
  };

  const importFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    let doc: unknown;
    try {
      doc = JSON.parse(await file.text());
    } catch (err) {
      setNotice({ tone: 'error', text: `${file.name} is not a JSON file: ${errorMessage(err)}` });
      return;
    }
    await act('import', async () => {
      let imported: Strategy;
      try {
        imported = await api.importStrategy(doc);
      } catch (err) {
        const problem = err instanceof ApiError ? err.problem : undefined;
        // With field problems listed under it, the headline only needs the server's title, not every path again.
        const reason = problem?.errors?.length ? (problem.title ?? 'not a valid strategy file') : errorMessage(err);
        throw new ApiError(err instanceof ApiError ? err.status : 0, `Could not import ${file.name}: ${reason}`, problem);
      }
      return { tone: 'ok', text: `Imported ${file.name} as “${imported.name}”.`, openId: imported.id };
    });
  };

  // Escape first leaves the rename or the delete confirmation, and only then closes the dialog.
  const close = useCallback(() => {
    if (renamingRef.current) setRenaming(null);
    else if (deletingRef.current) setDeleting(null);
    else onClose();
  }, [onClose]); // eslint-disable-line react-hooks/exhaustive-deps

  const open = (id: string) => {
    onClose();
    onOpen(id);
  };

  return (
    <Dialog
      title="Strategies"
      onClose={close}
      testId="strategies-dialog"
      wide
      actions={
        <button type="button" className="button small ghost" onClick={onClose} data-autofocus>
          Close
        </button>
      }
    >
      <div className="lib-toolbar">
        <input
          type="search"
          placeholder="Search by name…"
          aria-label="Search strategies by name"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="library-search"
          ref={search}
        />
        <button type="button" className="button small" onClick={() => fileInput.current?.click()} disabled={busy === 'import'} data-testid="library-import">
          <Icon name="upload" size={13} />
          {busy === 'import' ? 'Importing…' : 'Import…'}
        </button>
        <input ref={fileInput} type="file" accept=".json,application/json" hidden onChange={(e) => void importFile(e)} data-testid="library-import-file" />
      </div>
      <div className="lib-notice-slot" aria-live="polite">
        {notice && (
          <div className={`lib-notice is-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'} data-testid="library-notice">
            <div className="lib-notice-text">
              <Icon name={notice.tone === 'error' ? 'alert' : 'check'} />
              <span>{notice.text}</span>
              {notice.openId && (
                <button type="button" className="link-button" onClick={() => open(notice.openId!)}>
                  Open it
                </button>
              )}
              <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setNotice(null)}>
                <Icon name="cross" size={11} />
              </button>
            </div>
            {notice.details && notice.details.length > 0 && (
              <ul className="lib-notice-details">
                {notice.details.slice(0, 6).map((d) => (
                  <li key={d} className="mono">
                    {d}
                  </li>
                ))}
                {notice.details.length > 6 && <li>…and {notice.details.length - 6} more</li>}
              </ul>
            )}
          </div>
        )}
      </div>
      <div className="lib-table-wrap" data-testid="library-list" data-state={list.state}>
        {list.state === 'error' && items.length === 0 ? (
          <div className="lib-empty" role="alert">
            <span className="error-text">Could not load the strategies: {list.error}</span>
            <button type="button" className="button small" onClick={() => void library.reload()}>
              Retry
            </button>
          </div>
        ) : list.state === 'loading' && list.data === undefined ? (
          <div className="lib-empty muted" data-testid="library-loading">
            Loading strategies…
          </div>
        ) : items.length === 0 ? (
          <div className="lib-empty" data-testid="library-empty">
            {library.applied ? (
              <span>No strategy name contains “{library.applied}”.</span>
            ) : (
              <span className="muted">No saved strategies yet. Save the canvas, start from a template, or import a file.</span>
            )}
          </div>
        ) : (
          <table className="lib-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="num">
                  Version
                </th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => {
                const isCurrent = s.id === currentId;
                const pending = busy?.endsWith(s.id) ?? false;
                if (deleting?.id === s.id) {
                  return (
                    <tr key={s.id} className="lib-row is-deleting" data-testid={`library-row-${s.id}`}>
                      <td colSpan={3}>
                        Delete “{s.name}” with its {s.version} version{s.version === 1 ? '' : 's'}, its runs and its stopped deployments? This cannot be undone.
                      </td>
                      <td className="lib-actions">
                        <button type="button" className="button small primary danger-fill" onClick={confirmDelete} data-testid="library-delete-confirm">
                          Delete
                        </button>
                        <button type="button" className="button small ghost" onClick={() => setDeleting(null)} autoFocus>
                          Cancel
                        </button>
                      </td>
                    </tr>
                  );
                }
                return (
                  <tr key={s.id} className={`lib-row${isCurrent ? ' is-current' : ''}`} data-testid={`library-row-${s.id}`} data-name={s.name} aria-busy={pending}>
                    <td className="lib-name">
                      {renaming?.id === s.id ? (
                        <input
                          type="text"
                          value={renaming.name}
                          maxLength={200}
                          aria-label={`New name for ${s.name}`}
                          onChange={(e) => setRenaming({ id: s.id, name: e.target.value })}
                          onKeyDown={onRenameKey}
                          onBlur={commitRename}
                          autoFocus
                          onFocus={(e) => e.target.select()}
                          data-testid="library-rename-input"
                        />
                      ) : (
                        <button type="button" className="lib-name-button" onClick={() => open(s.id)}
                          onKeyDown={(e) => {
                            if (e.key === 'F2') {
                              e.preventDefault();
                              setRenaming({ id: s.id, name: s.name });
                            }
                          }}
                          title="Open (F2 renames)"
                        >
                          <span className="lib-name-text">{s.name}</span>
                          {isCurrent && <span className="vh-tag">Open</span>}
                        </button>
                      )}
                    </td>
                    <td className="num mono">v{s.version}</td>
                    <td className="lib-updated" title={`${fmtTime(s.updatedAt)} UTC`}>
                      {fmtAgo(s.updatedAt)}
                    </td>
                    <td className="lib-actions">
                      <button type="button" className="button small ghost" onClick={() => setRenaming({ id: s.id, name: s.name })} disabled={pending} aria-label={`Rename ${s.name}`} data-testid="library-rename">
                        Rename
                      </button>
                      <button type="button" className="button small ghost" onClick={() => void duplicate(s)} disabled={pending} aria-label={`Duplicate ${s.name}`} data-testid="library-duplicate">
                        Duplicate
                      </button>
                      <a className="button small ghost" href={api.exportUrl(s.id)} download aria-label={`Export ${s.name} as a file`} data-testid="library-export">
                        Export
                      </a>
                      <button type="button" className="icon-button danger" onClick={() => setDeleting(s)} disabled={pending} aria-label={`Delete ${s.name}`} title="Delete" data-testid="library-delete">
                        <Icon name="trash" />
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </Dialog>
  );
}
